"""Input errors as one sentence a permit holder understands, in the page's language."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from permitcal.errors import PermitcalError
from permitcal.inputs import DATE_LIMITS, MAX_CYCLES, MIN_CYCLES
from permitcal.policy import Text, policies
from permitcal.school_data import Stage
from permitcal.settings_schema import MAX_ALARM_DAYS, MAX_ALARMS, MIN_ALARM_DAYS, SETTINGS
from permitcal.tracks import MAX_LABEL
from permitcal.web.words.sentences import SENTENCES
from permitcal.web.words.texts import DATE_FORMAT, MONTHS, UiLang

__all__ = ["FIELD_NAMES", "REASONS", "browser_messages", "explain", "form_field"]

FIELD_NAMES: dict[str, Text] = {
    # The settings, as the page form's labels name them (from the settings table).
    **{s.name: s.label for s in SETTINGS},
    # The page form's own fields.
    "date_kind": Text("日期类型", "Kind of date"),
    "confirm": Text("确认删除", "Confirm deletion"),
    # The JSON API's body, and library inputs that a page never sends.
    "body": Text("请求内容", "Request body"),
    "identity": Text("日历标识", "Calendar identity"),
    "stamp": Text("修改时间", "Time of the last change"),
    "sequence": Text("修订号", "Sequence number"),
    "count": Text("工作日数", "Number of working days"),
    "date": Text("日期", "Date"),
    "published_through": Text("已公布节假日的年份", "Holidays published through"),
    "holiday_data": Text("节假日数据", "Holiday data"),
    "download": Text("下载", "Download"),
    "track": Text("日历中的居住证", "Permit in the calendar"),
    "permits": Text("日历中的居住证", "Permits in the calendar"),
    "label": Text("称呼", "Name"),
    "first_label": Text("原有那张居住证的称呼", "Name of the permit already in the calendar"),
    "id": Text("居住证编号", "Permit id"),
    "school": Text("孩子入学", "School step"),
    "schools": Text("孩子入学", "School steps"),
    "stage": Text("入学阶段", "Stage"),
    "year": Text("入学年份", "Year"),
}
"""Each field an error can name → its (Chinese, English) name in a sentence."""

_UNNAMED = Text("此项", "This field")

# The names of the values of fields with fixed choices.
_CHOICE_NAMES: dict[str, dict[str, Text]] = {
    "lang": {
        "zh": Text("中文", "Chinese"),
        "en": Text("英文", "English"),
        "both": Text("中英双语", "both"),
    },
    # Declared once, in each policy's checklist (the policies agree on the names).
    "changes": {
        c.value: Text(p.change_label(c).zh, p.change_label(c).en.lower())
        for p in policies().values()
        for c in p.changes
    },
    "policy": {key: p.name for key, p in policies().items()},
    "date_kind": {"issued": FIELD_NAMES["issued"], "expires": FIELD_NAMES["expires"]},
}

_DATE_FIELDS = frozenset({"issued", "expires", "card_received", "date"})

REASONS = frozenset(key.partition("/")[0] for key in SENTENCES)
"""Every reason :func:`explain` has its own sentence for (others get a general one)."""

_ISO_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_PARAMS = frozenset(
    {
        "date",
        "start",
        "earliest",
        "latest",
        "today",
        "expiry_before",
        "late_until",
        "next_expiry",
        "window_opens",
    }
)
_LONGEST_TEXT = 40


def explain(error: PermitcalError, lang: UiLang) -> str:
    """One sentence in ``lang`` naming the field and saying what is wrong with what was typed.

    The sentence is plain text (the page's template escapes it). An unknown
    reason, or params it lacks, give a general sentence that still names the field.
    """
    params = error.params
    shown = {
        key: _shown(key, value, lang, as_date=key == "text" and error.reason == "impossible_date")
        for key, value in params.items()
        if key != "choices"
    }
    choices = _choices(error.field, params.get("choices"), lang)
    if choices:
        shown["choices"] = choices
    shown["field"] = _field_name(error, lang)
    key = _variant(error.field, error.reason, params)
    try:
        return _sentence(key, lang).format_map(shown)
    except KeyError:  # a reason raised without the params its sentence needs
        return _sentence("invalid", lang).format_map(shown)


def form_field(
    error: PermitcalError, form: Literal["settings", "renewed"] = "settings"
) -> str | None:
    """The id of the form input ``error`` belongs next to; None when it belongs to no input.

    ``form`` is the form that was sent: ``"settings"`` (the create and edit
    form, whose one date input ``date`` is the issue or the expiry date as the
    ``date_kind`` radio says) or ``"renewed"`` (the renewed-card form, whose
    only input is ``renewed-date``). The delete confirmation is ``confirm-delete``.
    """
    if error.field == "confirm":
        return "confirm-delete"
    if form == "renewed":
        return "renewed-date"
    return _FORM_INPUTS.get(error.field)


_FORM_INPUTS = {
    "issued": "date",
    "expires": "date",
    "date_kind": "date",
    "card_received": "card_received",
    "changes": "changes",
    "label": "label",
    "first_label": "first-label",
    "lang": "lang",
    "alarms": "alarms",
    "cycles": "cycles",
    "source_rules": "official_only",
    "points": "points-yes",
}


def browser_messages(lang: UiLang) -> dict[str, str]:
    """The sentences the page's script shows when it checks the form before sending it.

    Keys are ``"<field>.<reason>"``; each value is the very sentence
    :func:`explain` gives for that error, with the limits filled in from the
    constants the server validates with. What only the browser knows is left
    as a placeholder in braces, for the script to replace:

    ``{text}``
        What was typed, trimmed (a longer text is cut to 40 characters and "…").
    ``{value}``, ``{count}``
        A whole number typed, and how many numbers were typed.
    ``{date}``
        A date typed as YYYY-MM-DD, written as ``format.date`` says: its
        ``{year}``, ``{day}`` (both without leading zeros) and ``{month}``, the
        month's name from the comma-separated ``format.months`` (January is
        the first). A month outside 1–12 or a day outside 1–31 is shown as
        typed, in “ ”.
    """
    messages = {
        "format.date": DATE_FORMAT[lang],
        "format.months": ",".join(MONTHS[lang]),
    }
    for kind, (earliest, latest) in DATE_LIMITS.items():
        bounds = {
            "earliest": _date(earliest.isoformat(), lang),
            "latest": _date(latest.isoformat(), lang),
        }
        messages[f"{kind}.date_out_of_range"] = _browser(
            kind, "date_out_of_range", lang, date="{date}", **bounds
        )
    for field in ("issued", "expires", "card_received"):
        messages[f"{field}.required"] = _browser(field, "required", lang)
        messages[f"{field}.not_a_date"] = _browser(field, "not_a_date", lang, text="{text}")
        messages[f"{field}.impossible_date"] = _browser(
            field, "impossible_date", lang, text="{date}"
        )
    cycles = {"min": str(MIN_CYCLES), "max": str(MAX_CYCLES)}
    messages["cycles.not_whole_number"] = _browser(
        "cycles", "not_whole_number", lang, text="{text}"
    )
    messages["cycles.out_of_range"] = _browser(
        "cycles", "out_of_range", lang, value="{value}", **cycles
    )
    days = {"min": str(MIN_ALARM_DAYS), "max": str(MAX_ALARM_DAYS)}
    messages["alarms.not_whole_number"] = _browser(
        "alarms", "not_whole_number", lang, text="{text}"
    )
    messages["alarms.out_of_range"] = _browser(
        "alarms", "out_of_range", lang, value="{value}", **days
    )
    messages["alarms.too_many"] = _browser(
        "alarms", "too_many", lang, count="{count}", max=str(MAX_ALARMS)
    )
    # A card's date may not be later than today (both forms), and the delete box.
    messages["card_received.later_than_today"] = _browser(
        "card_received", "later_than_today", lang, date="{date}", today="{today}"
    )
    # An expiry no one-year card carries (the field's max is today + 1 year + 30 days).
    messages["expires.expires_too_far_ahead"] = _browser(
        "expires", "expires_too_far_ahead", lang, date="{date}", today="{today}"
    )
    messages["confirm.not_confirmed"] = _browser("confirm", "not_confirmed", lang)
    # A household's labels: the field's maxlength keeps them short; an empty one is asked for.
    for field in ("label", "first_label"):
        messages[f"{field}.label_required"] = _browser(
            field, "label_required", lang, max=str(MAX_LABEL)
        )
    return messages


def _browser(field: str, reason: str, lang: UiLang, **shown: str) -> str:
    key = _variant(field, reason, shown)
    return _sentence(key, lang).format_map({**shown, "field": FIELD_NAMES[field].get(lang)})


def _variant(field: str, reason: str, params: Mapping[str, object]) -> str:
    """The key of the sentence for ``reason``: the reason, or one of its variants."""
    if reason == "required" and field in _DATE_FIELDS:
        return "required/date"
    if reason == "before_issued" and params.get("anchor") == "expires":
        return "before_issued/expires"
    if f"{reason}/no_text" in SENTENCES and not str(params.get("text", "")).strip():
        return f"{reason}/no_text"
    return reason if reason in SENTENCES else "invalid"


def _sentence(key: str, lang: UiLang) -> str:
    return SENTENCES[key].get(lang)


def _field_name(error: PermitcalError, lang: UiLang) -> str:
    if error.reason == "unknown_field":
        return f"“{_text(error.field)}”"  # a name the sender made up: shown as sent
    return field_name(error.field).get(lang)


# Within a school step, its permits are the ones it depends on, not the calendar's
# ("第1个入学步骤的日历中的居住证" read as if the step held permits of its own).
_SCHOOL_FIELD_NAMES = {
    "permits": Text("第{n}个入学步骤所依据的居住证", "The permits school step {n} depends on")
}
_ONE_PERMIT = re.compile(r"permits\[([0-9]+)\]\.(.+)")
_ONE_SCHOOL = re.compile(r"schools\[([0-9]+)\](?:\.([a-z_]+))?(?:\[[0-9]+\])?")


def field_name(field: str) -> Text:
    """A field's name in a sentence; one permit's field of a household names the permit."""
    school = _ONE_SCHOOL.fullmatch(field)
    if school is not None:
        number = int(school.group(1)) + 1
        own = _SCHOOL_FIELD_NAMES.get(school.group(2) or "")
        if own is not None:
            return Text(own.zh.format(n=number), own.en.format(n=number))
        inner = FIELD_NAMES.get(school.group(2) or "", Text("", ""))
        zh_inner = f"的{inner.zh}" if inner.zh else ""
        en_inner = f"{inner.en} of " if inner.en else ""
        return Text(
            f"第{number}个入学步骤{zh_inner}", f"{en_inner}school step {number}".capitalize()
        )
    one = _ONE_PERMIT.fullmatch(field)
    if one is None:
        return FIELD_NAMES.get(field, _UNNAMED)
    number, inner = int(one.group(1)) + 1, FIELD_NAMES.get(one.group(2), _UNNAMED)
    return Text(f"第{number}张居住证的{inner.zh}", f"{inner.en} of permit {number}")


def _shown(key: str, value: object, lang: UiLang, *, as_date: bool) -> str:
    if isinstance(value, str) and (as_date or key in _DATE_PARAMS):
        return _date(value, lang)
    if key == "stage" and value in _STAGES:
        return _STAGES[str(value)].get(lang)  # 小学, not the API's "primary"
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Sequence):
        return ", ".join(map(str, value))
    return str(value)


_STAGES = {stage.value: stage.label for stage in Stage}


def _text(value: str) -> str:
    text = value.strip()
    return text if len(text) <= _LONGEST_TEXT else text[:_LONGEST_TEXT] + "…"


def _date(text: str, lang: UiLang) -> str:
    """2023-02-30 as 2023年2月30日 or 30 February 2023, possible or not; else quoted as typed."""
    match = _ISO_SHAPE.fullmatch(text.strip())
    if match is not None:
        year, month, day = (int(part) for part in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return DATE_FORMAT[lang].format(year=year, month=MONTHS[lang][month - 1], day=day)
    return f"“{_text(text)}”"


def _choices(field: str, choices: object, lang: UiLang) -> str:
    """The choices by their names, as "A, B or C"."""
    if not isinstance(choices, Sequence) or isinstance(choices, str) or not choices:
        return ""
    names = _CHOICE_NAMES.get(field, {})
    shown = [names[c].get(lang) if c in names else str(c) for c in choices]
    if len(shown) == 1:
        return shown[0]
    if lang == "en":
        return f"{', '.join(shown[:-1])} or {shown[-1]}"
    return f"{'、'.join(shown[:-1])}或{shown[-1]}"
