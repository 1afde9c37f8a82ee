"""The web page: a form, the deadlines, subscribe links, and the private manage page."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import segno
from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from permitcal._version import __version__
from permitcal.errors import InvalidDateError, InvalidInputError, PermitcalError
from permitcal.inputs import DATE_LIMITS, parse_date
from permitcal.web.caldav.account import caldav_account
from permitcal.web.clients import PLATFORMS, detect, in_app_browser
from permitcal.web.feeds import subscription_links
from permitcal.web.service import retry_write, service
from permitcal.web.settings import FeedSettings
from permitcal.web.store import Subscription
from permitcal.web.texts import UI, UiLang, ui_lang
from permitcal.web.tokens import looks_like_token

__all__ = ["bp", "settings_from_form"]

bp = Blueprint("pages", __name__)

# The date field's min and max for each kind of date, from the limits the
# library validates with, so that the browser refuses exactly what the server would.
FORM_DATE_LIMITS = {
    kind: (first.isoformat(), last.isoformat()) for kind, (first, last) in DATE_LIMITS.items()
}

FORM_FIELDS = (
    "date_kind",
    "date",
    "card_received",
    "changes",
    "lang",
    "alarms",
    "cycles",
    "official_only",
)


def settings_from_form(form: MultiDict[str, str]) -> FeedSettings:
    """The page form → settings; the date field is issued or expires as the radio says."""
    kind = form.get("date_kind", "issued")
    if kind not in ("issued", "expires"):
        raise InvalidInputError(
            "date_kind",
            "choose issued or expires",
            reason="not_one_of",
            params={"choices": ["issued", "expires"], "text": kind},
        )
    values = {
        kind: form.get("date", ""),
        "card_received": form.get("card_received", ""),
        "changes": ",".join(form.getlist("changes")),
        "lang": form.get("lang", "zh"),
        "alarms": form.get("alarms", "7,1"),
        "cycles": form.get("cycles", ""),
        "source_rules": "0" if form.get("official_only") else "1",
    }
    if not values[kind].strip():
        raise InvalidInputError(kind, "enter a date", reason="required")
    return FeedSettings.from_strings(values)


def _form_values(settings: FeedSettings | None, form: MultiDict[str, str] | None) -> dict[str, Any]:
    """What the form shows: the submitted values after an error, else the stored settings."""
    if form is not None:
        return {
            "date_kind": form.get("date_kind", "issued"),
            "date": form.get("date", ""),
            "card_received": form.get("card_received", ""),
            "changes": form.getlist("changes"),
            "lang": form.get("lang", "zh"),
            "alarms": form.get("alarms", "7,1"),
            "cycles": form.get("cycles", "3"),
            "official_only": bool(form.get("official_only")),
        }
    s = settings or FeedSettings()
    kind = "expires" if s.expires else "issued"
    day = s.expires or s.issued
    return {
        "date_kind": kind,
        "date": day.isoformat() if day else "",
        "card_received": s.card_received.isoformat() if s.card_received else "",
        "changes": [c.value for c in s.changes],
        "lang": s.lang,
        "alarms": ",".join(map(str, s.alarms)),
        "cycles": str(s.cycles),
        "official_only": not s.source_rules,
    }


def _render(template: str, status: int = 200, **context: Any) -> Response:
    lang: UiLang = ui_lang()
    agent = request.headers.get("User-Agent", "")
    mine = detect(agent)
    body = render_template(
        template,
        lang=lang,
        t={key: pair[1] if lang == "en" else pair[0] for key, pair in UI.items()},
        my_platform=mine,
        other_platforms=[p for p in PLATFORMS if p.key != mine.key],
        in_app=in_app_browser(agent),
        ui_query={"ui": "en"} if lang == "en" else {},
        date_limits=FORM_DATE_LIMITS,
        **context,
    )
    return Response(body, status=status, content_type="text/html; charset=utf-8")


@bp.get("/")
def index() -> Response:
    return _render("index.html", form=_form_values(None, None), error=None)


@bp.post("/")
def create() -> ResponseReturnValue:
    try:
        settings = service().checked(settings_from_form(request.form))
    except PermitcalError as error:
        return _render("index.html", status=400, form=_form_values(None, request.form), error=error)
    created = service().store.create(settings, service().clock())
    return redirect(_with_ui(url_for("pages.manage", token=created.manage_token)), 303)


def _with_ui(url: str) -> str:
    """Keep the page language across redirects."""
    if ui_lang() != "en":
        return url
    return f"{url}{'&' if '?' in url else '?'}ui=en"


def _subscription(token: str) -> Subscription:
    if not looks_like_token(token):
        abort(404)
    sub = service().store.by_manage_token(token)
    if sub is None:
        abort(404)
    return sub


@bp.get("/m/<token>")
def manage(token: str) -> Response:
    sub = _subscription(token)
    message = request.args.get("done", "")
    return _manage_page(sub, token, message if message in ("saved", "rotated", "renewed") else "")


def _manage_page(
    sub: Subscription,
    manage_token: str,
    message: str,
    form: MultiDict[str, str] | None = None,
    error: PermitcalError | None = None,
    status: int = 200,
    renewed_error: PermitcalError | None = None,
) -> Response:
    lang = ui_lang()
    links = subscription_links(sub, manage_token)
    today = service().today()
    deadlines = service().deadlines(sub.settings)
    qr = Markup(segno.make(links.webcal_url, error="m").svg_inline(scale=4, light="#fff", border=2))
    return _render(
        "manage.html",
        status=status,
        sub=sub,
        upcoming=[d for d in deadlines if d.date >= today],
        past=[d for d in reversed(deadlines) if d.date < today],  # most recent first
        deadline_lang=lang,
        links=links,
        qr=qr,
        manage_url=_with_ui(url_for("pages.manage", token=manage_token, _external=True)),
        caldav=caldav_account(sub, manage_token),
        manage_token=manage_token,
        message=message,
        form=_form_values(sub.settings, form),
        error=error,
        renewed_error=renewed_error,
        today=today,
    )


@bp.post("/m/<token>")
def update(token: str) -> ResponseReturnValue:
    sub = _subscription(token)
    try:
        settings = service().checked(settings_from_form(request.form))
    except PermitcalError as error:
        return _manage_page(sub, token, "", form=request.form, error=error, status=400)
    # The form sends every field: the latest read gets them all (404 if deleted meanwhile).
    retry_write(
        lambda: _subscription(token),
        lambda current: (
            current
            if current.settings == settings
            else service().store.update(current, settings, service().clock())
        ),
    )
    return redirect(_with_ui(url_for("pages.manage", token=token, done="saved")), 303)


@bp.post("/m/<token>/renewed")
def renewed(token: str) -> ResponseReturnValue:
    """ "I got my renewed card": one step that records the day (default today)."""
    sub = _subscription(token)
    try:
        card = parse_date(request.form.get("card_received", ""), "card_received")
        today = service().today()
        if card > today:
            raise InvalidDateError(
                "card_received",
                card,
                f"{card} is later than today",
                reason="later_than_today",
                params={"date": card.isoformat(), "today": today.isoformat()},
            )
        service().checked(replace(sub.settings, card_received=card))
    except PermitcalError as error:
        return _manage_page(sub, token, "", renewed_error=error, status=400)
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
    return redirect(_with_ui(url_for("pages.manage", token=token, done="renewed")), 303)


@bp.post("/m/<token>/rotate")
def rotate(token: str) -> ResponseReturnValue:
    retry_write(
        lambda: _subscription(token),
        # A concurrent rotation retired the old URL just the same: take the fresh read.
        lambda sub: service().store.rotate_feed_token(sub, token) or _subscription(token),
    )
    return redirect(_with_ui(url_for("pages.manage", token=token, done="rotated")), 303)


@bp.post("/m/<token>/delete")
def delete(token: str) -> ResponseReturnValue:
    sub = _subscription(token)
    if not request.form.get("confirm"):
        return _manage_page(
            sub,
            token,
            "",
            error=InvalidInputError("confirm", "tick the box to confirm", reason="not_confirmed"),
            status=400,
        )
    if not service().store.delete(sub):
        abort(404)  # deleted by a concurrent request
    return _render("deleted.html")


@bp.get("/healthz")
def healthz() -> Response:
    """Ready when the database answers; says which rules and holiday data are served."""
    found = service()
    found.store.ping()  # a database error becomes the usual 503 + Retry-After
    return jsonify(
        {
            "status": "ok",
            "database": "ok",
            "version": __version__,
            "policy": found.policy.version,
            "holiday_data": found.calendar.data_version,
            "holiday_notices_through": found.calendar.published_through,
            "holiday_files": [notice.source for notice in found.calendar.notices],
        }
    )
