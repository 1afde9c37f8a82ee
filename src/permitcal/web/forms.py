"""The page's form: its fields to settings and back, its limits, and the far-date question."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.policy import get_policy
from permitcal.settings_schema import BY_NAME, DATE_LIMITS, DEFAULT_ALARMS
from permitcal.web.messages import FIELD_NAMES, explain, form_field
from permitcal.web.settings import FeedSettings
from permitcal.web.texts import UiLang, format_day, ui_lang, ui_text

__all__ = [
    "FORM_DATE_LIMITS",
    "FormError",
    "far_date_question",
    "form_limits",
    "form_values",
    "settings_from_form",
]

# The date field's min and max for each kind of date, from the limits the
# library validates with, so that the browser refuses exactly what the server would.
_CYCLES, _ALARMS = BY_NAME["cycles"], BY_NAME["alarms"]
_DEFAULT_ALARMS = ",".join(map(str, DEFAULT_ALARMS))  # what the form's text box shows

FORM_DATE_LIMITS = {
    kind: (first.isoformat(), last.isoformat()) for kind, (first, last) in DATE_LIMITS.items()
}

# How far from today a date may be before the page asks "are you sure?": a permit
# runs one year, so an issue date more than a year ahead, or an expiry more than two,
# is almost always a typo (2040 for 2024). The question is asked once; ticking
# "the date is right" sends it through.
FAR_AHEAD = {"issued": dt.timedelta(days=366), "expires": dt.timedelta(days=2 * 366)}


@dataclass(frozen=True, slots=True)
class FormError:
    """A message for the form: ``field`` is the input's id it belongs next to (None: the form)."""

    field: str | None
    text: str

    @classmethod
    def of(cls, error: PermitcalError, lang: UiLang) -> FormError:
        return cls(form_field(error), explain(error, lang))


def form_limits() -> dict[str, Any]:
    """What the form's inputs and its script need to check the server's limits."""
    return {
        "date_limits": FORM_DATE_LIMITS,
        "min_cycles": _CYCLES.minimum,
        "max_cycles": _CYCLES.maximum,
        "max_alarms": _ALARMS.max_items,
        "max_alarm_days": _ALARMS.maximum,
    }


def settings_from_form(form: MultiDict[str, str], policy: str | None = None) -> FeedSettings:
    """The page form → settings; the date field is issued or expires as the radio says.

    ``policy`` is the stored one when the form names none (the page has no
    policy question yet): editing a Beijing calendar keeps it Beijing's.
    """
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


def form_values(settings: FeedSettings | None, form: MultiDict[str, str] | None) -> dict[str, Any]:
    """What the form shows: the submitted values after an error, else the stored settings."""
    if form is not None:
        return {
            "date_kind": form.get("date_kind", "issued"),
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
        "points": s.points,
    }


def far_date_question(
    settings: FeedSettings, form: MultiDict[str, str], today: dt.date, lang: UiLang
) -> str | None:
    """ "Are you sure?" for a date far ahead of today, unless the person already said yes."""
    if form.get("far_date_ok"):
        return None
    for kind, day in (("issued", settings.issued), ("expires", settings.expires)):
        if day is not None and day - today > FAR_AHEAD[kind]:
            name = FIELD_NAMES[kind].get(lang)
            name = name.lower() if lang == "en" else name
            return ui_text("far_date", lang).format(field=name, day=format_day(day, lang, False))
    return None
