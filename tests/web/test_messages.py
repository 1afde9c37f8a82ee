"""Error sentences: every reason in both languages, every field named, no internal name shown."""

from __future__ import annotations

import re
from typing import Any

import pytest

from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.web.words.messages import FIELD_NAMES, REASONS, browser_messages, explain
from tests.web.bad_input import FORM, GOOD, SOURCES, SRC, from_strings

# (how it is sent, what is sent, the Chinese sentence, the English sentence)
CASES: list[tuple[str, Any, str, str]] = [
    # Dates.
    (
        "form",
        {**FORM, "date": "2023-02-30"},
        "签发日期：2023年2月30日不是有效日期。",
        "Date issued: 30 February 2023 is not a real date.",
    ),
    (
        "strings",
        {"expires": "2025-04-31"},
        "到期日：2025年4月31日不是有效日期。",
        "Expiry date: 31 April 2025 is not a real date.",
    ),
    (
        "form",
        {**FORM, "date": "2023-13-01"},
        "签发日期：“2023-13-01”不是有效日期。",
        "Date issued: “2023-13-01” is not a real date.",
    ),
    (
        "strings",
        {"issued": "1.6.2023"},
        "签发日期：“1.6.2023”不是日期，请按“年-月-日”填写，例如 2023-06-01。",
        "Date issued: “1.6.2023” is not a date; write it as year-month-day, e.g. 2023-06-01.",
    ),
    (
        "json",
        {"issued": 20230601},
        "签发日期：请按“年-月-日”填写日期，例如 2023-06-01。",
        "Date issued: write the date as year-month-day, e.g. 2023-06-01.",
    ),
    ("form", {**FORM, "date": ""}, "签发日期：请填写日期。", "Date issued: enter a date."),
    (
        "form",
        {**FORM, "date_kind": "expires", "date": "  "},
        "到期日：请填写日期。",
        "Expiry date: enter a date.",
    ),
    (
        "form",
        {**FORM, "date": "1990-01-01"},
        "签发日期：1990年1月1日超出支持的范围，请填写2001年1月1日至2079年12月31日之间的日期。",
        "Date issued: 1 January 1990 is outside the supported range; enter a date from 1 January 2001 to 31 December 2079.",
    ),
    (
        "json",
        {"expires": "2099-01-01"},
        "到期日：2099年1月1日超出支持的范围，请填写2002年1月1日至2080年12月31日之间的日期。",
        "Expiry date: 1 January 2099 is outside the supported range; enter a date from 1 January 2002 to 31 December 2080.",
    ),
    (
        "form",
        {**FORM, "card_received": "2024-01-01"},
        "拿到新证的日期：2024年1月1日比签发日期2024年6月1日早了30天以上，最早可填2024年5月2日。",
        "Day you got the new card: 1 January 2024 is more than 30 days before the date issued, 1 June 2024; the earliest possible is 2 May 2024.",
    ),
    (
        "json",
        {"expires": "2025-06-01", "card_received": "2024-01-01"},
        "拿到新证的日期：2024年1月1日比居住证生效日期2024年6月1日（到期日前一年）早了30天以上，最早可填2024年5月2日。",
        "Day you got the new card: 1 January 2024 is more than 30 days before the permit took effect on 1 June 2024 (one year before its expiry); the earliest possible is 2 May 2024.",
    ),
    (
        "strings",
        {"issued": "2024-06-01", "card_received": "2024-6-1"},
        "拿到新证的日期：“2024-6-1”不是日期，请按“年-月-日”填写，例如 2023-06-01。",
        "Day you got the new card: “2024-6-1” is not a date; write it as year-month-day, e.g. 2023-06-01.",
    ),
    (
        "json",
        {},
        "签发日期：请填写签发日期或到期日。",
        "Date issued: enter the date the permit was issued or its expiry date.",
    ),
    (
        "json",
        {"issued": "2024-06-01", "expires": "2025-06-01"},
        "到期日：签发日期和到期日只能填一个。",
        "Expiry date: give either the date issued or the expiry date, not both.",
    ),
    (
        "form",
        {**FORM, "date_kind": "birthday"},
        "日期类型：“birthday”不是可选的值，请选择签发日期或到期日。",
        "Kind of date: “birthday” is not one of the choices; choose Date issued or Expiry date.",
    ),
    # Numbers.
    (
        "form",
        {**FORM, "cycles": "12"},
        "显示几年：请填写1到10之间的整数（你填的是 12）。",
        "Years to show: enter a whole number from 1 to 10 (you entered 12).",
    ),
    (
        "strings",
        {**GOOD, "cycles": "0"},
        "显示几年：请填写1到10之间的整数（你填的是 0）。",
        "Years to show: enter a whole number from 1 to 10 (you entered 0).",
    ),
    (
        "form",
        {**FORM, "cycles": "三"},
        "显示几年：“三”不是整数。",
        "Years to show: “三” is not a whole number.",
    ),
    (
        "json",
        {**GOOD, "cycles": "3"},
        "显示几年：“3”不是整数。",
        "Years to show: “3” is not a whole number.",
    ),
    (
        "json",
        {**GOOD, "cycles": 2.5},
        "显示几年：请填写整数。",
        "Years to show: enter a whole number.",
    ),
    (
        "form",
        {**FORM, "alarms": "30,14,7,3,1,0"},
        "提前提醒天数：最多5个（你填了6个）。",
        "Reminder days: at most 5 (you entered 6).",
    ),
    (
        "form",
        {**FORM, "alarms": "90"},
        "提前提醒天数：请填写0到60之间的整数（你填的是 90）。",
        "Reminder days: enter a whole number from 0 to 60 (you entered 90).",
    ),
    (
        "form",
        {**FORM, "alarms": "7，一"},
        "提前提醒天数：“一”不是整数。",
        "Reminder days: “一” is not a whole number.",
    ),
    (
        "json",
        {**GOOD, "alarms": [-1]},
        "提前提醒天数：请填写0到60之间的整数（你填的是 -1）。",
        "Reminder days: enter a whole number from 0 to 60 (you entered -1).",
    ),
    (
        "json",
        {**GOOD, "alarms": "7"},
        "提前提醒天数：应为一个列表。",
        "Reminder days: expected a list.",
    ),
    # Choices and switches.
    (
        "strings",
        {**GOOD, "lang": "fr"},
        "日历语言：“fr”不是可选的值，请选择中文、英文或中英双语。",
        "Calendar language: “fr” is not one of the choices; choose Chinese, English or both.",
    ),
    (
        "json",
        {**GOOD, "lang": 1},
        "日历语言：请选择中文、英文或中英双语。",
        "Calendar language: choose Chinese, English or both.",
    ),
    (
        "form",
        {**FORM, "changes": "pets"},
        "变更事项：“pets”不是可选的值，请选择居住地址、工作单位、学历、职称或配偶。",
        "Changes: “pets” is not one of the choices; choose address, employer, education, professional title or spouse.",
    ),
    (
        "strings",
        {**GOOD, "source_rules": "maybe"},
        "只显示官方规定：“maybe”既不是“是”也不是“否”。",
        "Official rules only: “maybe” is neither true nor false.",
    ),
    (
        "json",
        {**GOOD, "source_rules": "yes"},
        "只显示官方规定：应为“是”或“否”。",
        "Official rules only: expected true or false.",
    ),
    # What only API and feed URL clients send.
    (
        "strings",
        {**GOOD, "colour": "red"},
        "“colour”：无法识别的项目。",
        "“colour”: not a known field.",
    ),
    (
        "json",
        ["2024-06-01"],
        "请求内容：应为一个 JSON 对象。",
        "Request body: expected a JSON object.",
    ),
]


@pytest.mark.parametrize(("source", "data", "zh", "en"), CASES)
def test_each_bad_input_in_both_languages(source: str, data: Any, zh: str, en: str) -> None:
    error = SOURCES[source](data)
    assert explain(error, "zh") == zh
    assert explain(error, "en") == en


# A realistic set of params for every reason, kept in step with the raise sites below.
SAMPLE_PARAMS: dict[str, dict[str, object]] = {
    "invalid": {},
    "required": {"text": ""},
    "issued_or_expires": {},
    "both_anchors": {},
    "not_a_date": {"text": "June"},
    "impossible_date": {"text": "2023-02-29"},
    "date_out_of_range": {"date": "1999-01-01", "earliest": "2001-01-01", "latest": "2079-12-31"},
    "before_issued": {
        "date": "2024-01-01",
        "start": "2024-06-01",
        "earliest": "2024-05-02",
        "days": 30,
        "anchor": "issued",
    },
    "after_last_renewal": {"date": "2031-01-01", "latest": "2030-08-30"},
    "card_outside_renewal": {
        "date": "2024-12-01",
        "expiry_before": "2024-06-01",
        "late_until": "2024-08-30",
        "next_expiry": "2025-06-01",
        "window_opens": "2025-05-02",
    },
    "later_than_today": {"date": "2027-01-01", "today": "2026-11-20"},
    "issued_too_far_ahead": {"date": "2027-02-08", "today": "2026-12-03", "latest": "2027-01-02"},
    "expires_too_far_ahead": {"date": "2029-02-08", "today": "2026-12-03", "latest": "2028-01-02"},
    "not_whole_number": {"text": "7.5"},
    "out_of_range": {"value": 12, "min": 1, "max": 10},
    "too_small": {"value": -1, "min": 0},
    "too_many": {"count": 6, "max": 5},
    "not_one_of": {"choices": ["zh", "en", "both"], "text": "fr"},
    "not_a_list": {},
    "not_true_or_false": {"text": "maybe"},
    "not_confirmed": {},
    "unknown_field": {"known": ["issued", "expires"]},
    "not_an_object": {},
    "not_json": {},
    "too_deep": {"max": 16},
    "bad_characters": {},
    "no_timezone": {},
    "no_holiday_data": {"year": 2101, "first": 2001, "last": 2100},
    "bad_holiday_data": {"source": "2027.json"},
    "no_points": {"policy": "beijing"},
    "duplicate_track": {"text": "me"},
    "not_text": {},
    "not_stage_year": {"text": "prim:2027"},
    "no_school_data": {"stage": "primary", "year": 2019, "first": 2021},
    "unknown_track": {"text": "me"},
    "wrong_city": {"text": "grandma"},
    "bad_school_data": {"source": "school.json"},
    "too_many_schools": {"max": 4},
    "unknown_school": {},
    "no_city_permit": {},
    "school_needs_a_permit": {"stage": "primary", "year": 2027},
    "school_twice": {"stage": "junior", "year": 2028},
    "label_too_long": {"text": "Grandmother", "max": 8},
    "control_characters": {},
    "label_required": {"max": 8},
    "duplicate_label": {"text": "Mom"},
    "too_many_permits": {"max": 6},
    "unknown_permit": {},
    "name_the_permit": {},
    "inside_permits": {},
}
SAMPLE_FIELDS = {
    "not_one_of": "lang",
    "unknown_field": "colour",
    "not_confirmed": "confirm",
    "duplicate_track": "track",
    "label_required": "permits[1].label",
    "duplicate_label": "permits[2].label",
    "too_many_permits": "permits",
    "unknown_permit": "permits[0].id",
    "name_the_permit": "permits",
    "inside_permits": "issued",
    "expires_too_far_ahead": "expires",
}


def raised_reasons() -> set[str]:
    """Every reason a raise site in src names (the string literals after ``reason=``)."""
    reasons = set()
    for path in SRC.rglob("*.py"):
        if path.name == "errors.py" and path.parent == SRC:
            continue  # the class itself: its default and the pass-through
        for line in re.findall(r"reason=([^\n]+)", path.read_text(encoding="utf-8")):
            expression = line.partition("params=")[0]
            found = re.findall(r'"([a-z_]+)"', expression)
            assert found, f"{path.name}: reason={expression} names no reason literally"
            reasons.update(found)
    return reasons


def test_every_reason_raised_has_a_sentence_in_both_languages() -> None:
    raised = raised_reasons()
    assert len(raised) > 20  # the search found the raise sites
    assert raised | {"invalid"} == set(SAMPLE_PARAMS) == set(REASONS)
    general = {
        lang: explain(PermitcalError("issued", "x", reason="no_such_reason"), lang)
        for lang in ("zh", "en")
    }
    for reason, params in SAMPLE_PARAMS.items():
        field = SAMPLE_FIELDS.get(reason, "issued")
        error = PermitcalError(field, "x", reason=reason, params=params)
        zh, en = explain(error, "zh"), explain(error, "en")
        for sentence in (zh, en):
            assert "{" not in sentence
            assert "}" not in sentence
            assert reason == "invalid" or sentence not in general.values(), reason
        assert zh.endswith("。"), zh
        assert re.search(r"[\u4e00-\u9fff]", zh), zh
        assert en.endswith("."), en
        assert not re.search(r"[\u4e00-\u9fff]", en), en


def test_every_field_raised_has_a_name() -> None:
    """Fields named literally at raise sites (the first argument) all have a zh and en name."""
    fields = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        fields.update(re.findall(r'(?:InvalidInputError|InvalidDateError)\(\s*"([a-z_]+)"', text))
    fields.update(
        re.findall(r'super\(\).__init__\(\s*"([a-z_]+)"', (SRC / "holiday_files.py").read_text())
    )
    assert {"issued", "cycles", "confirm", "holiday_data"} <= fields
    assert fields <= set(FIELD_NAMES)
    for name in FIELD_NAMES.values():
        assert re.search(r"[\u4e00-\u9fff]", name.zh)
        assert name.en[0].isupper()


ASCII_NAMES = re.compile(
    r"\b(issued|expires|card_received|changes|lang|alarms|cycles|source_rules|date_kind"
    r"|confirm|official_only|body|identity)\b"
)


def test_no_chinese_sentence_shows_an_internal_field_name() -> None:
    sentences = [zh for _, _, zh, _ in CASES]
    sentences += [
        explain(
            PermitcalError(SAMPLE_FIELDS.get(reason, field), "x", reason=reason, params=params),
            "zh",
        )
        for reason, params in SAMPLE_PARAMS.items()
        for field in FIELD_NAMES
    ]
    sentences += browser_messages("zh").values()
    for sentence in sentences:
        assert not ASCII_NAMES.search(sentence), sentence


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        (
            PermitcalError("card_received", "x", reason="something_new"),
            "拿到新证的日期：无法使用填写的内容。",
            "Day you got the new card: this value cannot be used.",
        ),
        (
            # A reason without the params its sentence needs.
            InvalidInputError("cycles", "too many", reason="out_of_range"),
            "显示几年：无法使用填写的内容。",
            "Years to show: this value cannot be used.",
        ),
        (
            InvalidInputError("lang", "bad", reason="not_one_of", params={"text": "fr"}),
            "日历语言：无法使用填写的内容。",
            "Calendar language: this value cannot be used.",
        ),
        (
            PermitcalError("card_received", "old style"),  # raised without a reason
            "拿到新证的日期：无法使用填写的内容。",
            "Day you got the new card: this value cannot be used.",
        ),
        (
            PermitcalError("frobnicate", "x", reason="something_new"),
            "此项：无法使用填写的内容。",
            "This field: this value cannot be used.",
        ),
    ],
)
def test_unknown_reasons_and_missing_params_get_a_general_sentence(
    error: PermitcalError, zh: str, en: str
) -> None:
    assert explain(error, "zh") == zh
    assert explain(error, "en") == en


def test_long_text_is_cut() -> None:
    error = from_strings({**GOOD, "cycles": "9" * 100})
    assert explain(error, "en") == f"Years to show: “{'9' * 40}…” is not a whole number."
