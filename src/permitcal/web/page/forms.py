"""The page's form: its fields to settings and back, its limits, and the dates no card carries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from werkzeug.datastructures import MultiDict

from permitcal.errors import InvalidDateError, InvalidInputError, PermitcalError
from permitcal.inputs import RENEWAL_WINDOW
from permitcal.policy import get_policy
from permitcal.settings_schema import BY_NAME, DATE_LIMITS, DEFAULT_ALARMS
from permitcal.tracks import MAX_LABEL
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.words.messages import explain, form_field
from permitcal.web.words.texts import UiLang, ui_lang

__all__ = [
    "FORM_DATE_LIMITS",
    "OPTION_FIELDS",
    "PERMIT_FIELDS",
    "FormError",
    "form_limits",
    "form_values",
    "merged_form",
    "new_permit_values",
    "page_date_limits",
    "settings_from_form",
    "typed_date_problem",
]

# The date field's min and max for each kind of date, from the limits the
# library validates with, so that the browser refuses exactly what the server would.
_CYCLES, _ALARMS = BY_NAME["cycles"], BY_NAME["alarms"]
_DEFAULT_ALARMS = ",".join(map(str, DEFAULT_ALARMS))  # what the form's text box shows
# The date a holder can read off the card, or in 随申办 / 一网通办, is its expiry:
# the form starts there, so the most common entry needs no choice (PAGE-WORDING W2).
DEFAULT_DATE_KIND = "expires"

FORM_DATE_LIMITS = {
    kind: (first.isoformat(), last.isoformat()) for kind, (first, last) in DATE_LIMITS.items()
}


@dataclass(frozen=True, slots=True)
class FormError:
    """A message for the form: ``field`` is the input's id it belongs next to (None: the form)."""

    field: str | None
    text: str
    offer_expiry: dt.date | None = None
    """An issue date no card can carry: the date, offered in one tap as the expiry."""

    @classmethod
    def of(cls, error: PermitcalError, lang: UiLang) -> FormError:
        offer = None
        if error.reason == "issued_too_far_ahead" and isinstance(error, InvalidDateError):
            offer = error.value if isinstance(error.value, dt.date) else None
        return cls(form_field(error), explain(error, lang), offer)


def form_limits() -> dict[str, Any]:
    """What the form's inputs and its script need to check the server's limits."""
    return {
        "date_limits": FORM_DATE_LIMITS,
        "min_cycles": _CYCLES.minimum,
        "max_cycles": _CYCLES.maximum,
        "max_alarms": _ALARMS.max_items,
        "max_alarm_days": _ALARMS.maximum,
        "max_label": MAX_LABEL,
    }


def settings_from_form(form: MultiDict[str, str], policy: str | None = None) -> FeedSettings:
    """The page form → settings; the date field is issued or expires as the radio says.

    ``policy`` is the stored one when the form names none (the page has no
    policy question yet): editing a Beijing calendar keeps it Beijing's.
    """
    kind = date_kind(form)
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
        "lang": form.get("lang", ui_lang()),
        "alarms": form.get("alarms", _DEFAULT_ALARMS),
        "cycles": form.get("cycles", ""),
        "source_rules": "0" if form.get("official_only") else "1",
        # Two radio buttons; a form without them (an older page) keeps the default.
        "points": form.get("points", "1"),
        "policy": form.get("policy") or policy or "",
    }
    if values["policy"] and not get_policy(values["policy"]).points:
        # The page's points question does not apply: the policy has no points.
        del values["points"]
    if not values[kind].strip():
        raise InvalidInputError(kind, "enter a date", reason="required")
    return FeedSettings.from_strings(values)


PERMIT_FIELDS = ("date_kind", "date", "card_received", "changes", "points")
"""The form fields of one permit's own settings (the add and per-permit edit forms send these)."""
OPTION_FIELDS = ("lang", "alarms", "cycles", "official_only")
"""The form fields of the calendar-wide settings, the same for every permit."""


def merged_form(
    form: MultiDict[str, str], base: FeedSettings, taken: tuple[str, ...]
) -> MultiDict[str, str]:
    """``form`` completed with the fields ``taken`` as ``base`` has them: for a form that
    sends only part of the settings (one permit's, or the calendar's options)."""
    stored = form_values(base, None)
    merged: MultiDict[str, str] = MultiDict(
        (name, value) for name, value in form.items(multi=True) if name not in taken
    )
    if "date_kind" in taken:
        merged.pop("use_as_expiry", None)  # the offer is about the date the form sent
    for name in taken:
        value = stored[name]
        if name == "changes":
            merged.setlist(name, list(value))
        elif name == "points":
            merged[name] = "1" if value else "0"
        elif name == "official_only":
            if value:  # a ticked box sends a value, an unticked one nothing
                merged[name] = "1"
        else:
            merged[name] = str(value)
    return merged


def date_kind(form: MultiDict[str, str]) -> str:
    """Which date the form's date field holds: the radio's choice, unless the person took
    the offer of an issue-date error to use the date as the expiry (a submit button)."""
    return "expires" if form.get("use_as_expiry") else form.get("date_kind", DEFAULT_DATE_KIND)


def form_values(settings: FeedSettings | None, form: MultiDict[str, str] | None) -> dict[str, Any]:
    """What the form shows: the submitted values after an error, else the stored settings."""
    if form is not None:
        return {
            "date_kind": date_kind(form),
            "date": form.get("date", ""),
            "card_received": form.get("card_received", ""),
            "changes": form.getlist("changes"),
            "lang": form.get("lang", ui_lang()),
            "alarms": form.get("alarms", _DEFAULT_ALARMS),
            "cycles": form.get("cycles", str(_CYCLES.default)),
            "official_only": bool(form.get("official_only")),
            "points": form.get("points", "1") != "0",
        }
    # A new calendar speaks the page's language unless the person picks another.
    s = settings or FeedSettings(lang=ui_lang())
    kind = "issued" if s.issued else "expires"
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
        "points": s.points,
    }


def new_permit_values(calendar: FeedSettings, form: MultiDict[str, str] | None) -> dict[str, Any]:
    """The add-a-permit form's values: what was typed after an error, else a new permit's
    (none of the first permit's date, new card or changes: a family member's permit that
    silently took the first one's card date was refused, or worse, stored with it)."""
    if form is not None:
        return form_values(calendar, form)
    fresh = form_values(None, None)
    return {
        **form_values(calendar, None),
        **{k: fresh[k] for k in ("date_kind", "date", "card_received", "changes", "points")},
    }


def _latest_typed(today: dt.date) -> dict[str, dt.date]:
    """The latest date a real card can carry, by field: a permit takes effect when issued
    or endorsed, at most the renewal window ahead; it runs one year; a card in hand came.

    These are Shanghai's numbers (RULES.md, "Dates a real card cannot carry"): the page
    asks for a Shanghai permit; the other policies have no page question yet.
    """
    return {
        "issued": today + RENEWAL_WINDOW,
        "expires": today + relativedelta(years=1) + RENEWAL_WINDOW,
        "card_received": today,
    }


def page_date_limits(today: dt.date) -> dict[str, tuple[str, str]]:
    """The date field's min and max by kind, as the page's browser check uses them.

    An expiry stops where a real card's would, as on the server. An issue date keeps
    the library's range: one after today + 30 days is refused by the server, whose
    answer offers to take it as the expiry, which the browser's own check cannot.
    """
    expires_first, expires_last = DATE_LIMITS["expires"]
    last = min(expires_last, _latest_typed(today)["expires"])
    return {**FORM_DATE_LIMITS, "expires": (expires_first.isoformat(), last.isoformat())}


def typed_date_problem(
    today: dt.date,
    *,
    issued: dt.date | None = None,
    expires: dt.date | None = None,
    card_received: dt.date | None = None,
) -> InvalidDateError | None:
    """A date typed on the page that no real card can carry (RULES.md, "Dates a real card
    cannot carry"), or None.

    The library computes for any date in range; only a person typing dates is held to
    today. An issue date more than the renewal window ahead is almost surely the expiry
    printed on the card in the wrong field: taken silently, every deadline would be a
    year late.
    """
    latest = _latest_typed(today)
    for field, day, reason in (
        ("issued", issued, "issued_too_far_ahead"),
        ("expires", expires, "expires_too_far_ahead"),
        ("card_received", card_received, "later_than_today"),
    ):
        if day is None or day <= latest[field]:
            continue
        return InvalidDateError(
            field,
            day,
            f"{day} is later than {latest[field]}",
            reason=reason,  # "issued_too_far_ahead", "expires_too_far_ahead", "later_than_today"
            params={
                "date": day.isoformat(),
                "today": today.isoformat(),
                "latest": latest[field].isoformat(),
            },
        )
    return None
