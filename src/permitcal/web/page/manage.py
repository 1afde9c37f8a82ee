"""The manage page (``/m/<manage token>``) drawn for a calendar of one or several permits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flask import Response, abort, redirect, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from permitcal.deadlines import Deadline
from permitcal.policy.model import Anchor, Basis, Kind
from permitcal.web.feeds.service import service
from permitcal.web.page.forms import (
    FormError,
    form_values,
    new_permit_values,
    page_date_limits,
    settings_from_form,
    typed_date_problem,
)
from permitcal.web.page.next_step import household_next_step, whose
from permitcal.web.page.parts import add_to_phone, render, with_ui
from permitcal.web.page.school_parts import SchoolMistake, school_view, school_warnings
from permitcal.web.storage.household import MAX_PERMITS, Permit
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import Subscription
from permitcal.web.storage.tokens import looks_like_token
from permitcal.web.words.messages import explain
from permitcal.web.words.texts import UiLang, format_day, ui_lang, ui_text

__all__ = [
    "MESSAGES",
    "Mistake",
    "back_to_notice",
    "manage_page",
    "subscription",
    "typed_settings",
]

MESSAGES = (
    "created",
    "saved",
    "rotated",
    "renewed",
    "renewed_unchanged",
    "permit_added",
    "permit_removed",
    "school_added",
    "school_saved",
    "school_removed",
)


@dataclass(frozen=True, slots=True)
class Mistake:
    """A refused form of one permit (its edit, renewed-card or removal form), to show again."""

    what: Literal["add", "edit", "remove"]
    key: str | None
    """The permit's key (None when adding one)."""
    error: FormError
    form: MultiDict[str, str] | None = None


def subscription(token: str) -> Subscription:
    sub = stored(token)
    if sub is None:
        abort(404)
    return sub


def stored(token: str) -> Subscription | None:
    """The subscription of a manage token, or None; error handlers ask this way, since an
    abort() inside one becomes a 500 (an unknown calendar is a 404 with or without a session)."""
    return service().store.by_manage_token(token) if looks_like_token(token) else None


def typed_settings(form: MultiDict[str, str], policy: str | None = None) -> FeedSettings:
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


def back_to_notice(token: str, done: str) -> ResponseReturnValue:
    """After a form on the manage page: the page again, at its notice.

    The form was sent to an address with a fragment (#edit, #renewed), and a
    redirect without one keeps it: the notice of what happened would sit screens
    above what the person sees. ``#notice`` puts it, and the next deadline just
    below it, in view.
    """
    url = with_ui(url_for("pages.manage", token=token, done=done))
    return redirect(f"{url}#notice", 303)


def manage_page(
    sub: Subscription,
    manage_token: str,
    message: str,
    *,
    form: MultiDict[str, str] | None = None,
    error: FormError | None = None,
    renewed_error: str | None = None,
    delete_error: str | None = None,
    mistake: Mistake | None = None,
    card_for: str | None = None,
    school_mistake: SchoolMistake | None = None,
    status: int = 200,
) -> Response:
    lang = ui_lang()
    found = service()
    today = found.today()
    household = sub.household
    deadlines = found.household_deadlines(household)
    upcoming = [d for d in deadlines if d.date >= today]
    past = [d for d in reversed(deadlines) if d.date < today]  # most recent first
    manage_url = with_ui(url_for("pages.manage", token=manage_token, _external=True))
    several = len(household.permits) > 1
    permits = [_permit_view(p, n, several, mistake, lang) for n, p in enumerate(household.permits)]
    adding = mistake if mistake is not None and mistake.what == "add" else None
    # The school steps' events only when there are steps: a calendar without any draws
    # as it did.
    events = found.household_feed(household) if household.schools else []
    return render(
        "manage.html",
        status=status,
        sub=sub,
        next=household_next_step(household, deadlines, today, lang),
        upcoming=upcoming,
        past=past,
        legend=_legend(upcoming + past, lang),
        points_rules={
            rule.id for p in household.permits for rule in p.settings.rules.rules if rule.points
        },
        lapse_notes=_lapse_notes(household.permits, deadlines, lang),
        # The dates table names whose each date is on a line of its own, bold, without the
        # titles' brackets: "【孩子】" broke inside the brackets in the narrow column.
        whose=household.labels,
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
        several=several,
        permits=permits,
        card_for=card_for if household.by_key(card_for or "") else household.permits[0].key,
        any_points=any(p.settings.points for p in household.permits),
        adding={
            "full": len(household.permits) >= MAX_PERMITS,
            "max": MAX_PERMITS,
            "ask_first_label": not household.permits[0].label,
            "first_label": ui_text("first_label_default", lang),
            "form": new_permit_values(household.settings, adding.form if adding else None),
            "label": adding.form.get("label", "") if adding and adding.form else "",
            "first_label_typed": adding.form.get("first_label") if adding and adding.form else None,
            "error": adding.error if adding else None,
        },
        card_problem=_card_problem(household.settings, lang) if not several else None,
        notice=_notice(sub, message, lang),
        entered=_entered(household.settings, lang),
        date_limits=page_date_limits(today),
        today=today,
        school_warnings=school_warnings(household, events, today, lang),
        school=school_view(household, today, school_mistake, lang),
    )


def _permit_view(
    permit: Permit, index: int, several: bool, mistake: Mistake | None, lang: UiLang
) -> dict[str, Any]:
    """What the list of permits shows of one permit, with its forms (refused or stored)."""
    edit = mistake if mistake and mistake.what == "edit" and mistake.key == permit.key else None
    remove = mistake if mistake and mistake.what == "remove" and mistake.key == permit.key else None
    typed = edit.form if edit is not None else None
    return {
        "key": permit.key,
        "number": index + 1,
        "label": permit.label,
        "whose": whose(permit.label, lang) if several else "",
        "entered": _entered(permit.settings, lang),
        "card_problem": _card_problem(permit.settings, lang),
        "form": form_values(permit.settings, typed),
        "label_value": typed.get("label", permit.label) if typed is not None else permit.label,
        "error": edit.error if edit is not None else None,
        "remove_error": remove.error.text if remove is not None else None,
    }


def _notice(sub: Subscription, message: str, lang: UiLang) -> str:
    """What the page says happened; a card that changed nothing says which renewal it is of."""
    if not message or message == "created":
        return ""
    permit = sub.settings.permit(stored=True)
    cycle = permit.card_cycle()
    if message != "renewed_unchanged":
        return ui_text(message, lang)
    if len(sub.household.permits) > 1 or permit.card_received is None or cycle is None:
        return ui_text("saved", lang)  # the card was changed meanwhile, or whose is unknown
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


def _card_problem(settings: FeedSettings, lang: UiLang) -> str | None:
    """Why a stored card (from before the renewal-span rule) is left out, for its owner."""
    problem = settings.card_problem()
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
    permits: tuple[Permit, ...], deadlines: list[Deadline], lang: UiLang
) -> dict[tuple[str, str, int], str]:
    """A note for each points consequence listed before its cycle's declaration deadline,
    keyed by (track, rule, cycle).

    The points lapse the day after expiry, while the declaration that renews them is
    due only after the new card: read in date order, the lapse looks like a missed
    deadline. The note says how the two fit (RULES.md, "Sentences that stay true").
    """
    notes: dict[tuple[str, str, int], str] = {}
    for permit in permits:
        policy = permit.settings.rules
        mine = [d for d in deadlines if d.track == permit.key] if len(permits) > 1 else deadlines
        declared = {d.cycle: d for d in mine if policy.rule(d.rule).anchor is Anchor.CARD_RECEIVED}
        for d in mine:
            rule = policy.rule(d.rule)
            due = declared.get(d.cycle)
            if (
                rule.kind is Kind.CONSEQUENCE
                and rule.points
                and due is not None
                and due.date > d.date
            ):
                notes[(d.track, d.rule, d.cycle)] = ui_text("lapse_note", lang)
    return notes
