"""Input errors as one sentence a permit holder understands, in the page's language."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from permitcal.errors import PermitcalError
from permitcal.inputs import DATE_LIMITS, MAX_CYCLES, MIN_CYCLES
from permitcal.policy import Text, policies
from permitcal.settings_schema import MAX_ALARM_DAYS, MAX_ALARMS, MIN_ALARM_DAYS, SETTINGS
from permitcal.tracks import MAX_LABEL
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

# One (Chinese, English) sentence per reason; some reasons have variants
# ("reason/variant", chosen by _variant). {field} is the field's name; the
# other placeholders are the error's params, shown by _shown.
_SENTENCES: dict[str, Text] = {
    "invalid": Text("{field}：无法使用填写的内容。", "{field}: this value cannot be used."),
    "required": Text("{field}：此项不能为空。", "{field}: this cannot be empty."),
    "required/date": Text("{field}：请填写日期。", "{field}: enter a date."),
    "issued_or_expires": Text(
        "{field}：请填写签发日期或到期日。",
        "{field}: enter the date the permit was issued or its expiry date.",
    ),
    "both_anchors": Text(
        "{field}：签发日期和到期日只能填一个。",
        "{field}: give either the date issued or the expiry date, not both.",
    ),
    "not_a_date": Text(
        "{field}：“{text}”不是日期，请按“年-月-日”填写，例如 2023-06-01。",
        "{field}: “{text}” is not a date; write it as year-month-day, e.g. 2023-06-01.",
    ),
    "not_a_date/no_text": Text(
        "{field}：请按“年-月-日”填写日期，例如 2023-06-01。",
        "{field}: write the date as year-month-day, e.g. 2023-06-01.",
    ),
    "impossible_date": Text("{field}：{text}不是有效日期。", "{field}: {text} is not a real date."),
    "date_out_of_range": Text(
        "{field}：{date}超出支持的范围，请填写{earliest}至{latest}之间的日期。",
        "{field}: {date} is outside the supported range; enter a date from {earliest} to {latest}.",
    ),
    "before_issued": Text(
        "{field}：{date}比签发日期{start}早了{days}天以上，最早可填{earliest}。",
        "{field}: {date} is more than {days} days before the date issued, {start}; the earliest possible is {earliest}.",
    ),
    "before_issued/expires": Text(
        "{field}：{date}比居住证生效日期{start}（到期日前一年）早了{days}天以上，最早可填{earliest}。",
        "{field}: {date} is more than {days} days before the permit took effect on {start} (one year before its expiry); the earliest possible is {earliest}.",
    ),
    "after_last_renewal": Text(
        "{field}：{date}晚于日历中最后一次签注的截止日{latest}；请改填现在这张居住证的日期。",
        "{field}: {date} is after the last endorsement in the calendar, which closes on {latest}; enter your current permit's date instead.",
    ),
    "card_outside_renewal": Text(
        # Policy-neutral: each policy has its own window and late span, named by the dates.
        "{field}：{date}不在任何一次签注的办理期内：{expiry_before}到期的居住证最迟可在{late_until}补签，"
        "下一次签注从{window_opens}才开始（那张在{next_expiry}到期）。"
        "补签截止以后才拿到的证是一张新办的居住证：请把它的日期填作签发日期。",
        "{field}: {date} falls in no endorsement: the permit expiring on {expiry_before} could be endorsed late until {late_until}, and the next endorsement opens on {window_opens} (for the expiry on {next_expiry}). A card received after the late endorsement closed is a new permit: enter its date as the issue date.",
    ),
    "later_than_today": Text(
        "{field}：{date}晚于今天（{today}）。",
        "{field}: {date} is later than today ({today}).",
    ),
    # Dates a real card cannot carry (page only): the issue date is almost surely the
    # expiry typed into the wrong field, and the page offers to take it as the expiry.
    "issued_too_far_ahead": Text(
        "{field}：{date}比今天（{today}）晚了30天以上，不会是签发或签注生效的日期。"
        "证上和随申办里显示的是到期日：如果你填的是到期日，请点下面的按钮。",
        "{field}: {date} is more than 30 days after today ({today}), so no permit was issued "
        "or endorsed on it. The card and the Suishenban app show the expiry date: if that is "
        "the date you entered, use the button below.",
    ),
    "expires_too_far_ahead": Text(
        "{field}：{date}比今天（{today}）晚了一年零30天以上，一年期的居住证不会这么晚到期。"
        "请核对证上或随申办里显示的到期日。",
        "{field}: {date} is more than a year and 30 days after today ({today}); a one-year "
        "permit cannot expire that late. Check the expiry date on the card or in the "
        "Suishenban app.",
    ),
    "not_whole_number": Text(
        "{field}：“{text}”不是整数。", "{field}: “{text}” is not a whole number."
    ),
    "not_whole_number/no_text": Text("{field}：请填写整数。", "{field}: enter a whole number."),
    "out_of_range": Text(
        "{field}：请填写{min}到{max}之间的整数（你填的是 {value}）。",
        "{field}: enter a whole number from {min} to {max} (you entered {value}).",
    ),
    "too_small": Text(
        "{field}：请填写不小于{min}的整数（你填的是 {value}）。",
        "{field}: enter a whole number of at least {min} (you entered {value}).",
    ),
    "too_many": Text(
        "{field}：最多{max}个（你填了{count}个）。",
        "{field}: at most {max} (you entered {count}).",
    ),
    "not_one_of": Text(
        "{field}：“{text}”不是可选的值，请选择{choices}。",
        "{field}: “{text}” is not one of the choices; choose {choices}.",
    ),
    "not_one_of/no_text": Text("{field}：请选择{choices}。", "{field}: choose {choices}."),
    "no_points": Text(
        "{field}：所选规定没有居住证积分，请不要选择积分。",
        "{field}: the chosen rules have no points; leave the option off.",
    ),
    "duplicate_track": Text(
        "{field}：同一个日历中有两份居住证用了相同的标识“{text}”。",
        "{field}: two permits in one calendar share the key “{text}”.",
    ),
    "not_a_list": Text("{field}：应为一个列表。", "{field}: expected a list."),
    "not_true_or_false": Text(
        "{field}：“{text}”既不是“是”也不是“否”。",
        "{field}: “{text}” is neither true nor false.",
    ),
    "not_true_or_false/no_text": Text(
        "{field}：应为“是”或“否”。", "{field}: expected true or false."
    ),
    "not_confirmed": Text("{field}：请先勾选确认框。", "{field}: tick the box to confirm."),
    "unknown_field": Text("{field}：无法识别的项目。", "{field}: not a known field."),
    "not_an_object": Text("{field}：应为一个 JSON 对象。", "{field}: expected a JSON object."),
    "not_json": Text("{field}：不是有效的 JSON。", "{field}: not valid JSON."),
    "too_deep": Text(
        "{field}：JSON 嵌套超过{max}层。",
        "{field}: the JSON nests more than {max} levels deep.",
    ),
    "bad_characters": Text(
        "{field}：含有不能使用的字符（@ , ; 空格或控制字符）。",
        "{field}: contains characters that cannot be used (@ , ; spaces or control characters).",
    ),
    "no_timezone": Text("{field}：须带时区。", "{field}: a time zone is needed."),
    "not_text": Text("{field}：应为文字。", "{field}: expected text."),
    "not_stage_year": Text(
        "{field}：“{text}”不是“阶段:年份”的形式（例如 primary:2027）。",
        "{field}: “{text}” is not STAGE:YEAR (for example primary:2027).",
    ),
    "no_school_data": Text(
        "{field}：没有{year}年{stage}的日期数据。", "{field}: no {stage} dates for {year}."
    ),
    "unknown_track": Text(
        "{field}：日历中没有标识为“{text}”的居住证。",
        "{field}: no permit in this calendar has the key “{text}”.",
    ),
    "wrong_city": Text(
        "{field}：入学日期只适用于上海居住证，“{text}”不是。",
        "{field}: the school dates need a Shanghai permit, and “{text}” is not one.",
    ),
    "too_many_schools": Text(
        "{field}：一个日历最多放{max}个入学步骤。",
        "{field}: one calendar holds at most {max} school steps.",
    ),
    "unknown_school": Text(
        "{field}：这个日历里没有这个入学步骤（或者写了两次）。",
        "{field}: this calendar has no such school step (or it is named twice).",
    ),
    "no_city_permit": Text(
        "{field}：入学日期只适用于上海居住证，这个日历里没有上海居住证。",
        "{field}: the school dates need a Shanghai permit, and this calendar has none.",
    ),
    "school_needs_a_permit": Text(
        "{field}：{year}年{stage}入学就没有所依靠的居住证了；请同时删除这个入学步骤，或指定另一张居住证。",
        "{field}: the {stage} step of {year} would depend on no permit; remove the step "
        "or name another permit in the same change.",
    ),
    "bad_school_data": Text(
        "{field}：入学日期数据文件无法使用。", "{field}: the school checkpoint file cannot be used."
    ),
    "label_too_long": Text(
        "{field}：“{text}”超过{max}个字，请写短一些。",
        "{field}: “{text}” is longer than {max} characters; make it shorter.",
    ),
    "control_characters": Text(
        "{field}：不能含有换行或控制字符。",
        "{field}: cannot contain line breaks or control characters.",
    ),
    "label_required": Text(
        "{field}：日历里有几张居住证时，每张都要写上是谁的（最多{max}个字），日程标题以它开头。",
        "{field}: with several permits in one calendar, each needs a name saying whose it is"
        " (at most {max} characters); event titles start with it.",
    ),
    "duplicate_label": Text(
        "{field}：两张居住证都叫“{text}”，请换一个名字。",
        "{field}: two permits are both called “{text}”; choose another name.",
    ),
    "too_many_permits": Text(
        "{field}：一个日历最多放{max}张居住证。",
        "{field}: one calendar holds at most {max} permits.",
    ),
    "unknown_permit": Text(
        "{field}：这个日历里没有这张居住证（或者写了两次）。",
        "{field}: this calendar has no such permit (or it is named twice).",
    ),
    "name_the_permit": Text(
        "{field}：这个日历有几张居住证，请在 permits 里按 id 修改其中一张。",
        "{field}: this calendar holds several permits; change one inside permits, by its id.",
    ),
    "inside_permits": Text(
        "{field}：使用 permits 时，每张居住证的项目要写在它自己的条目里。",
        "{field}: with permits, each permit's fields go inside its own entry.",
    ),
    "no_holiday_data": Text(
        "{field}：{year}年不在有节假日数据的年份（{first}–{last}年）内。",
        "{field}: {year} is outside the years with holiday data ({first}–{last}).",
    ),
    "bad_holiday_data": Text(
        "{field}：有无法使用的节假日文件或通知。",
        "{field}: a holiday file or notice cannot be used.",
    ),
}

REASONS = frozenset(key.partition("/")[0] for key in _SENTENCES)
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
    if f"{reason}/no_text" in _SENTENCES and not str(params.get("text", "")).strip():
        return f"{reason}/no_text"
    return reason if reason in _SENTENCES else "invalid"


def _sentence(key: str, lang: UiLang) -> str:
    return _SENTENCES[key].get(lang)


def _field_name(error: PermitcalError, lang: UiLang) -> str:
    if error.reason == "unknown_field":
        return f"“{_text(error.field)}”"  # a name the sender made up: shown as sent
    return field_name(error.field).get(lang)


_ONE_PERMIT = re.compile(r"permits\[([0-9]+)\]\.(.+)")
_ONE_SCHOOL = re.compile(r"schools\[([0-9]+)\](?:\.([a-z_]+))?(?:\[[0-9]+\])?")


def field_name(field: str) -> Text:
    """A field's name in a sentence; one permit's field of a household names the permit."""
    school = _ONE_SCHOOL.fullmatch(field)
    if school is not None:
        number = int(school.group(1)) + 1
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
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Sequence):
        return ", ".join(map(str, value))
    return str(value)


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
