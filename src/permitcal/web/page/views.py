"""The web page: a form, the deadlines, subscribe links, and the private manage page."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from permitcal._version import __version__
from permitcal.deadlines import Deadline
from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.inputs import parse_date
from permitcal.policy import Policy, get_policy
from permitcal.policy.model import Anchor, Basis, Kind
from permitcal.web.errors import error_page
from permitcal.web.feeds.service import retry_write, service
from permitcal.web.page.about import official_references
from permitcal.web.page.forms import (
    FormError,
    form_limits,
    form_values,
    page_date_limits,
    settings_from_form,
    typed_date_problem,
)
from permitcal.web.page.next_step import next_step
from permitcal.web.page.parts import add_to_phone, render, with_ui
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import Subscription
from permitcal.web.storage.tokens import looks_like_token
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
        settings = _typed_settings(request.form)
    except PermitcalError as error:
        return _index(400, request.form, error=FormError.of(error, ui_lang()))
    created = service().store.create(settings, service().clock())
    return redirect(
        with_ui(url_for("pages.manage", token=created.manage_token, done="created")), 303
    )


def _typed_settings(form: MultiDict[str, str], policy: str | None = None) -> FeedSettings:
    """The settings a page form sends, checked as the library checks them and, since a
    person typed them, against the dates a real card can carry; ``policy`` is the stored
    one when editing (the form has no policy question)."""
    settings = service().checked(settings_from_form(form, policy))
    problem = typed_date_problem(
        service().today(),
        issued=settings.issued,
        expires=settings.expires,
        card_received=settings.card_received,
    )
    if problem is not None:
        raise problem
    return settings


def _switched_language(form: MultiDict[str, str]) -> MultiDict[str, str]:
    """The form as typed; a calendar language left at the old page's default follows the new."""
    switched = MultiDict(form)
    old = "zh" if ui_lang() == "en" else "en"
    if switched.get("lang", old) == old:
        switched["lang"] = ui_lang()
    return switched


def _subscription(token: str) -> Subscription:
    if not looks_like_token(token):
        abort(404)
    sub = service().store.by_manage_token(token)
    if sub is None:
        abort(404)
    return sub


MESSAGES = ("created", "saved", "rotated", "renewed", "renewed_unchanged")


@bp.get("/m/<token>")
def manage(token: str) -> Response:
    sub = _subscription(token)
    message = request.args.get("done", "")
    return _manage_page(sub, token, message if message in MESSAGES else "")


def _manage_page(
    sub: Subscription,
    manage_token: str,
    message: str,
    *,
    form: MultiDict[str, str] | None = None,
    error: FormError | None = None,
    renewed_error: str | None = None,
    delete_error: str | None = None,
    status: int = 200,
) -> Response:
    lang = ui_lang()
    found = service()
    today = found.today()
    deadlines = found.deadlines(sub.settings)
    upcoming = [d for d in deadlines if d.date >= today]
    past = [d for d in reversed(deadlines) if d.date < today]  # most recent first
    manage_url = with_ui(url_for("pages.manage", token=manage_token, _external=True))
    return render(
        "manage.html",
        status=status,
        sub=sub,
        next=next_step(deadlines, sub.settings.rules, today, lang),
        upcoming=upcoming,
        past=past,
        legend=_legend(upcoming + past, lang),
        points_rules={rule.id for rule in sub.settings.rules.rules if rule.points},
        lapse_notes=_lapse_notes(deadlines, sub.settings.rules, lang),
        deadline_lang=lang,
        manage_url=manage_url,
        manage_token=manage_token,
        message=message,
        **add_to_phone(
            sub,
            sub.feed_token(manage_token),
            page_link=manage_url,
            picker_href=lambda key: with_ui(
                url_for("pages.manage", token=manage_token, phone=key) + "#add"
            ),
        ),
        form=form_values(sub.settings, form),
        error=error,
        renewed_error=renewed_error,
        delete_error=delete_error,
        card_problem=_card_problem(sub, lang),
        notice=_notice(sub, message, lang),
        entered=_entered(sub.settings, lang),
        date_limits=page_date_limits(today),
        today=today,
    )


def _notice(sub: Subscription, message: str, lang: UiLang) -> str:
    """What the page says happened; a card that changed nothing says which renewal it is of."""
    if not message or message == "created":
        return ""
    permit = sub.settings.permit(stored=True)
    cycle = permit.card_cycle()
    if message != "renewed_unchanged":
        return ui_text(message, lang)
    if permit.card_received is None or cycle is None:  # the card was changed meanwhile
        return ui_text("saved", lang)
    return ui_text(message, lang).format(
        card=format_day(permit.card_received, lang, weekday=False),
        expiry=format_day(permit.cycle_expiry(cycle), lang, weekday=False),
    )


def _entered(settings: FeedSettings, lang: UiLang) -> str:
    """ "按你填写的到期日2027年2月8日计算": what the calendar was computed from."""
    kind, day = ("issued", settings.issued) if settings.issued else ("expires", settings.expires)
    if day is None:  # the settings' own check refuses this; say nothing rather than fail
        return ""
    # Without weekdays: the line must stay short enough to leave the phone's main
    # action in the first screen.
    card = ""
    if settings.card_received is not None:
        received = format_day(settings.card_received, lang, weekday=False)
        card = ui_text("entered_card", lang).format(date=received)
    text = ui_text("entered_from", lang).format(
        kind=ui_text(f"kind_{kind}", lang), date=format_day(day, lang, weekday=False), card=card
    )
    return text + ("." if lang == "en" else "。")


def _card_problem(sub: Subscription, lang: UiLang) -> str | None:
    """Why a stored card (from before the renewal-span rule) is left out, for its owner."""
    problem = sub.settings.card_problem()
    return None if problem is None else explain(problem, lang)


def _legend(rows: list[Deadline], lang: UiLang) -> list[tuple[str, str, bool]]:
    """What the tags in the table mean, for the tags the table shows; the last item says
    whether the entry links to where the rules come from (the about page)."""
    shown = [
        ("estimate", "legend_estimate", any(d.estimate for d in rows), False),
        ("provisional", "legend_provisional", any(d.provisional for d in rows), False),
        ("source_basis", "legend_source", any(d.basis is Basis.SOURCE for d in rows), True),
    ]
    return [
        (ui_text(tag, lang), ui_text(text, lang), sources)
        for tag, text, present, sources in shown
        if present
    ]


def _lapse_notes(
    deadlines: list[Deadline], policy: Policy, lang: UiLang
) -> dict[tuple[str, int], str]:
    """A note for each points consequence listed before its cycle's declaration deadline.

    The points lapse the day after expiry, while the declaration that renews them is
    due only after the new card: read in date order, the lapse looks like a missed
    deadline. The note says how the two fit (RULES.md, "Sentences that stay true").
    """
    declared = {d.cycle: d for d in deadlines if policy.rule(d.rule).anchor is Anchor.CARD_RECEIVED}
    notes: dict[tuple[str, int], str] = {}
    for d in deadlines:
        rule = policy.rule(d.rule)
        due = declared.get(d.cycle)
        if rule.kind is Kind.CONSEQUENCE and rule.points and due is not None and due.date > d.date:
            notes[(d.rule, d.cycle)] = ui_text("lapse_note", lang)
    return notes


def _back_to_notice(token: str, done: str) -> ResponseReturnValue:
    """After a form on the manage page: the page again, at its notice.

    The form was sent to an address with a fragment (#edit, #renewed), and a
    redirect without one keeps it: the notice of what happened would sit screens
    above what the person sees. ``#notice`` puts it, and the next deadline just
    below it, in view.
    """
    url = with_ui(url_for("pages.manage", token=token, done=done))
    return redirect(f"{url}#notice", 303)


@bp.post("/m/<token>")
def update(token: str) -> ResponseReturnValue:
    sub = _subscription(token)
    try:
        settings = _typed_settings(request.form, sub.settings.policy)
    except PermitcalError as error:
        return _manage_page(
            sub, token, "", form=request.form, error=FormError.of(error, ui_lang()), status=400
        )
    # The form sends every field: the latest read gets them all (404 if deleted meanwhile).
    retry_write(
        lambda: _subscription(token),
        lambda current: (
            current
            if current.settings == settings
            else service().store.update(current, settings, service().clock())
        ),
    )
    return _back_to_notice(token, "saved")


@bp.post("/m/<token>/renewed")
def renewed(token: str) -> ResponseReturnValue:
    """ "I got my renewed card": one step that records the day (default today)."""
    sub = _subscription(token)
    try:
        card = parse_date(request.form.get("card_received", ""), "card_received")
        problem = typed_date_problem(service().today(), card_received=card)
        if problem is not None:
            raise problem
        renewed = service().checked(replace(sub.settings, card_received=card))
    except PermitcalError as error:
        return _manage_page(sub, token, "", renewed_error=explain(error, ui_lang()), status=400)
    # "Updated" only when the calendar is: a card of a renewal outside the cycles
    # shown (or the same date again) leaves every event as it was.
    changed = service().deadlines(renewed) != service().deadlines(sub.settings)
    retry_write(
        lambda: _subscription(token),
        lambda current: (
            current
            if current.settings.card_received == card
            else service().store.update(
                current, replace(current.settings, card_received=card), service().clock()
            )
        ),
    )
    return _back_to_notice(token, "renewed" if changed else "renewed_unchanged")


@bp.post("/m/<token>/rotate")
def rotate(token: str) -> ResponseReturnValue:
    retry_write(
        lambda: _subscription(token),
        # A concurrent rotation retired the old URL just the same: take the fresh read.
        lambda sub: service().store.rotate_feed_token(sub, token) or _subscription(token),
    )
    return _back_to_notice(token, "rotated")


@bp.post("/m/<token>/delete")
def delete(token: str) -> ResponseReturnValue:
    sub = _subscription(token)
    if not request.form.get("confirm"):
        error = InvalidInputError("confirm", "tick the box to confirm", reason="not_confirmed")
        return _manage_page(sub, token, "", delete_error=explain(error, ui_lang()), status=400)
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
    # An unknown or deleted subscription is a 404 with or without a session:
    # the lookup comes first, and this runs inside an error handler, where an
    # abort() would become a 500.
    sub = service().store.by_manage_token(token) if looks_like_token(token) else None
    if sub is None:
        return error_page(404)
    if request.endpoint == "pages.renewed":
        return _manage_page(sub, token, "", renewed_error=text, status=status)
    if request.endpoint == "pages.delete":
        return _manage_page(sub, token, "", delete_error=text, status=status)
    form = request.form if request.endpoint == "pages.update" else None
    return _manage_page(sub, token, "", form=form, error=FormError(None, text), status=status)


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
