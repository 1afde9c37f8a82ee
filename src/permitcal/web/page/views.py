"""The web page: a form, the deadlines, subscribe links, and the private manage page."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from permitcal._version import __version__
from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.policy import get_policy
from permitcal.web.errors import error_page
from permitcal.web.feeds.service import retry_write, service
from permitcal.web.page.about import official_references
from permitcal.web.page.forms import (
    PERMIT_FIELDS,
    FormError,
    form_limits,
    form_values,
    merged_form,
    page_date_limits,
)
from permitcal.web.page.manage import (
    MESSAGES,
    back_to_notice,
    manage_page,
    stored,
    subscription,
    typed_settings,
)
from permitcal.web.page.parts import render, with_ui
from permitcal.web.words.messages import browser_messages, explain
from permitcal.web.words.texts import UI, UiLang, format_day, ui_lang, ui_text

__all__ = ["bp"]

bp = Blueprint("pages", __name__)
log = logging.getLogger(__name__)


@bp.app_context_processor
def page_context() -> dict[str, Any]:
    """What every page (error pages too) needs: its language, its words, the form limits."""
    lang = ui_lang()
    return {
        "lang": lang,
        "t": {key: text.get(lang) for key, text in UI.items()},
        "ui_query": {"ui": "en"} if lang == "en" else {},
        "browser_messages": browser_messages(lang),
        **form_limits(),
    }


@bp.app_template_filter("day")
def day_filter(day: dt.date, lang: UiLang, column: bool = False) -> Markup:
    """A date as the box above writes it, "2027年2月3日（星期三）" / "Wednesday 3 February
    2027", in a <time> carrying the ISO date.

    In the date column (``column``) a Chinese date and its weekday each stay on one line,
    so the narrow column breaks between them, never inside "2027年2月3日". English breaks
    at its spaces; keeping "30 September 2027" whole would widen the table past 320 px.
    """
    whole = format_day(day, lang)
    if column and lang == "zh":
        bare = format_day(day, lang, weekday=False)
        weekday = whole.removeprefix(bare)
        inner = Markup('<span class="nowrap">{}</span><span class="nowrap">{}</span>').format(
            bare, weekday
        )
    else:
        inner = escape(whole)
    return Markup('<time datetime="{}">{}</time>').format(day.isoformat(), inner)


def _index(status: int, form: MultiDict[str, str] | None, **context: Any) -> Response:
    today = service().today()  # once: the card field's max and the date limits agree
    return render(
        "index.html",
        status=status,
        form=form_values(None, form),
        switch_form="create-form",
        today=today,
        date_limits=page_date_limits(today),
        **context,
    )


# OPTIONS on the site root is CalDAV's (caldav.site_root): it carries the DAV header.
@bp.get("/", provide_automatic_options=False)
def index() -> Response:
    return _index(200, None, error=None)


@bp.post("/", provide_automatic_options=False)
def create() -> ResponseReturnValue:
    if request.form.get("switch_ui"):
        # The language button: the same form in the other language, nothing created.
        return _index(200, _switched_language(request.form), error=None)
    try:
        settings = typed_settings(request.form)
    except PermitcalError as error:
        return _index(400, request.form, error=FormError.of(error, ui_lang()))
    created = service().store.create(settings, service().clock())
    return redirect(
        with_ui(url_for("pages.manage", token=created.manage_token, done="created")), 303
    )


def _switched_language(form: MultiDict[str, str]) -> MultiDict[str, str]:
    """The form as typed; a calendar language left at the old page's default follows the new."""
    switched = MultiDict(form)
    old = "zh" if ui_lang() == "en" else "en"
    if switched.get("lang", old) == old:
        switched["lang"] = ui_lang()
    return switched


@bp.get("/m/<token>")
def manage(token: str) -> Response:
    sub = subscription(token)
    message = request.args.get("done", "")
    card_for = request.args.get("card")  # "我已拿到新证" of one permit of several
    return manage_page(sub, token, message if message in MESSAGES else "", card_for=card_for)


@bp.post("/m/<token>")
def update(token: str) -> ResponseReturnValue:
    sub = subscription(token)
    form: MultiDict[str, str] = request.form
    if len(sub.household.permits) > 1:
        # With several permits this form holds the calendar's options only: each
        # permit's dates are changed in its own form (permits.py).
        form = merged_form(form, sub.settings, PERMIT_FIELDS)
    try:
        settings = typed_settings(form, sub.settings.policy)
    except PermitcalError as error:
        return manage_page(
            sub, token, "", form=request.form, error=FormError.of(error, ui_lang()), status=400
        )
    # The form sends every field: the latest read gets them all (404 if deleted meanwhile).
    retry_write(
        lambda: subscription(token),
        lambda current: (
            current
            if current.settings == settings
            else service().store.update(current, settings, service().clock())
        ),
    )
    return back_to_notice(token, "saved")


@bp.post("/m/<token>/rotate")
def rotate(token: str) -> ResponseReturnValue:
    retry_write(
        lambda: subscription(token),
        # A concurrent rotation retired the old URL just the same: take the fresh read.
        lambda sub: service().store.rotate_feed_token(sub, token) or subscription(token),
    )
    return back_to_notice(token, "rotated")


@bp.post("/m/<token>/delete")
def delete(token: str) -> ResponseReturnValue:
    sub = subscription(token)
    if not request.form.get("confirm"):
        error = InvalidInputError("confirm", "tick the box to confirm", reason="not_confirmed")
        return manage_page(sub, token, "", delete_error=explain(error, ui_lang()), status=400)
    if not service().store.delete(sub):
        abort(404)  # deleted by a concurrent request
    return render("deleted.html")


@bp.get("/about")
def about() -> Response:
    """Who runs this site, whom to ask, where the rules come from, what is kept and how long."""
    return render(
        "about.html",
        operator=current_app.extensions["permitcal_operator"],
        references=official_references(get_policy("shanghai")),
    )


@bp.errorhandler(CSRFError)
def session_lost(_error: CSRFError) -> Response:
    """A form sent without its session (expired, cookies cleared): the same form, kept."""
    return _form_again(ui_text("csrf_lost", ui_lang()), 400)


@bp.errorhandler(429)
def too_many(error: HTTPException) -> Response:
    """The creation limit: the form as typed, with when to try again."""
    limit = getattr(getattr(error, "limit", None), "limit", None)
    seconds = limit.get_expiry() if limit is not None else 60
    text = ui_text("too_many", ui_lang()).format(minutes=max(1, -(-seconds // 60)))
    return _form_again(text, 429)


def _form_again(text: str, status: int) -> Response:
    """The page whose form was posted, with what was typed and ``text`` at the top."""
    token = (request.view_args or {}).get("token")
    if token is None:
        return _index(status, request.form, error=FormError(None, text))
    sub = stored(token)
    if sub is None:
        return error_page(404)
    if request.endpoint == "pages.delete":
        return manage_page(sub, token, "", delete_error=text, status=status)
    form = request.form if request.endpoint == "pages.update" else None
    return manage_page(sub, token, "", form=form, error=FormError(None, text), status=status)


@bp.get("/healthz")
def healthz() -> Response:
    """Ready when the database answers; says which rules and holiday data are served."""
    found = service()
    found.store.ping()  # a database error becomes the usual 503 + Retry-After
    problem = found.schema_problem()
    if problem is not None:
        log.error("%s", problem)
        answer = jsonify({"status": "not_set_up", "database": problem})
        answer.status_code = 503
        return answer
    return jsonify(
        {
            "status": "ok",
            "database": "ok",
            "version": __version__,
            "policy": found.versions[0],
            "holiday_data": found.calendar.data_version,
            "holiday_notices_through": found.calendar.published_through,
            "holiday_files": [notice.source for notice in found.calendar.notices],
        }
    )
