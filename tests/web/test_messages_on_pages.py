"""Error sentences where people meet them: on the pages, in the browser's own checks, and for library callers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from permitcal.errors import InvalidDateError, InvalidInputError, PermitcalError
from permitcal.ical import MAX_ALARM_DAYS, MAX_ALARMS, RenderOptions
from permitcal.inputs import DATE_LIMITS, MAX_CYCLES, PermitInput, parse_date
from permitcal.web.words.messages import browser_messages, explain, form_field
from permitcal.web.words.texts import UiLang
from tests.web.bad_input import FORM, GOOD, from_form, from_strings

# The pages' own raise sites: caught where the page would show them.


def manage_path(client: FlaskClient) -> str:
    response = client.post("/", data=FORM)
    assert response.status_code == 303
    return str(response.headers["Location"]).split("?")[0]


@pytest.mark.parametrize(
    ("action", "data", "zh", "en", "field"),
    [
        (
            "/renewed",
            {"card_received": "2027-01-01"},
            "拿到新证的日期：2027年1月1日晚于今天（2026年11月20日）。",
            "Day you got the new card: 1 January 2027 is later than today (20 November 2026).",
            "renewed-date",
        ),
        (
            "/renewed",
            {"card_received": ""},
            "拿到新证的日期：请填写日期。",
            "Day you got the new card: enter a date.",
            "renewed-date",
        ),
        (
            "/delete",
            {},
            "确认删除：请先勾选确认框。",
            "Confirm deletion: tick the box to confirm.",
            "confirm-delete",
        ),
        (
            "",
            {**FORM, "date": "2020-06-01", "card_received": "2030-05-10"},
            "拿到新证的日期：2030年5月10日晚于日历中最后一次签注的截止日2029年8月30日；请改填现在这张居住证的日期。",
            "Day you got the new card: 10 May 2030 is after the last endorsement in the calendar, which closes on 30 August 2029; enter your current permit's date instead.",
            "card_received",
        ),
    ],
)
def test_page_errors(
    client: FlaskClient,
    action: str,
    data: dict[str, str],
    zh: str,
    en: str,
    field: str,
) -> None:
    """Each sentence as the page shows it, next to the input it is about."""
    path = manage_path(client)
    shown_at = {"renewed-date": "renewed-error", "confirm-delete": "delete-error"}
    for query, sentence in (("", zh), ("?ui=en", en)):
        response = client.post(path + action + query, data=data)
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        error_id = shown_at.get(field, f"{field}-error")
        assert f'id="{error_id}">{escape(sentence)}</p>' in text
        assert re.search(
            rf'id="{field}"[^>]* aria-invalid="true" aria-describedby="{error_id}"', text
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**FORM, "date": "2023-02-30"}, "date"),
        ({**FORM, "date_kind": "expires", "date": ""}, "date"),
        ({**FORM, "date_kind": "other"}, "date"),
        ({**FORM, "card_received": "2020-01-01"}, "card_received"),
        ({**FORM, "changes": "pets"}, "changes"),
        ({**FORM, "lang": "fr"}, "lang"),
        ({**FORM, "alarms": "99"}, "alarms"),
        ({**FORM, "cycles": "99"}, "cycles"),
    ],
)
def test_form_field_is_the_input_to_point_at(data: dict[str, str], field: str) -> None:
    assert form_field(from_form(data)) == field


def test_form_field_of_the_other_inputs() -> None:
    assert form_field(InvalidInputError("source_rules", "x", reason="not_true_or_false")) == (
        "official_only"
    )
    assert form_field(InvalidInputError("confirm", "x", reason="not_confirmed")) == "confirm-delete"
    assert form_field(InvalidInputError("body", "x", reason="not_json")) is None
    assert form_field(InvalidDateError("card_received", None, "x"), "renewed") == "renewed-date"


# The browser's sentences: explain()'s, with the placeholders the script fills.


def fill(messages: dict[str, str], key: str, **typed: str) -> str:
    """What the page's script shows: the template with the placeholders filled as documented."""

    def date(text: str) -> str:
        year, month, day = (int(part) for part in text.split("-"))
        months = messages["format.months"].split(",")
        return messages["format.date"].format(year=year, month=months[month - 1], day=day)

    values = {name: date(value) if name == "date" else value for name, value in typed.items()}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], messages[key])


BROWSER_CASES = [
    ("issued.date_out_of_range", {**FORM, "date": "1990-01-01"}, {"date": "1990-01-01"}),
    ("issued.date_out_of_range", {**FORM, "date": "2080-01-01"}, {"date": "2080-01-01"}),
    (
        "expires.date_out_of_range",
        {**FORM, "date_kind": "expires", "date": "2001-12-31"},
        {"date": "2001-12-31"},
    ),
    ("issued.required", {**FORM, "date": ""}, {}),
    ("expires.required", {**FORM, "date_kind": "expires", "date": ""}, {}),
    ("issued.not_a_date", {**FORM, "date": "June 2023"}, {"text": "June 2023"}),
    (
        "expires.not_a_date",
        {**FORM, "date_kind": "expires", "date": "2025/06/01"},
        {"text": "2025/06/01"},
    ),
    ("issued.impossible_date", {**FORM, "date": "2023-02-29"}, {"date": "2023-02-29"}),
    (
        "expires.impossible_date",
        {**FORM, "date_kind": "expires", "date": "2025-02-29"},
        {"date": "2025-02-29"},
    ),
    ("card_received.required", {"card_received": ""}, {}),
    ("card_received.not_a_date", {**FORM, "card_received": "soon"}, {"text": "soon"}),
    (
        "card_received.impossible_date",
        {**FORM, "card_received": "2024-06-31"},
        {"date": "2024-06-31"},
    ),
    (
        "cycles.out_of_range",
        {**FORM, "cycles": str(MAX_CYCLES + 1)},
        {"value": str(MAX_CYCLES + 1)},
    ),
    ("cycles.not_whole_number", {**FORM, "cycles": "2.5"}, {"text": "2.5"}),
    ("alarms.not_whole_number", {**FORM, "alarms": "7,x"}, {"text": "x"}),
    (
        "alarms.too_many",
        {**FORM, "alarms": ",".join(["1"] * (MAX_ALARMS + 1))},
        {"count": str(MAX_ALARMS + 1)},
    ),
    (
        "alarms.out_of_range",
        {**FORM, "alarms": str(MAX_ALARM_DAYS + 1)},
        {"value": str(MAX_ALARM_DAYS + 1)},
    ),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("key", "data", "typed"), BROWSER_CASES)
def test_browser_says_what_the_server_says(
    lang: UiLang, key: str, data: dict[str, str], typed: dict[str, str]
) -> None:
    messages = browser_messages(lang)
    if "date" in data:
        error = from_form(data)
    else:  # the renewed-card form's one field
        with pytest.raises(PermitcalError) as caught:
            parse_date(data["card_received"], "card_received")
        error = caught.value
    assert key == f"{error.field}.{error.reason}"
    assert fill(messages, key, **typed) == explain(error, lang)


def test_browser_messages_cover_both_languages_alike() -> None:
    zh, en = browser_messages("zh"), browser_messages("en")
    assert zh.keys() == en.keys()
    # The renewed-card form's date limit and the delete box: their sentences are
    # checked against the server's in test_page_errors' table.
    page_only = {
        "card_received.later_than_today",
        "confirm.not_confirmed",
        "expires.expires_too_far_ahead",  # tests/web/test_typed_dates.py
        # A household's labels: tests/web/test_household_page.py
        "label.label_required",
        "first_label.label_required",
    }
    assert {key for key, _, _ in BROWSER_CASES} | {"format.date", "format.months"} | page_only == (
        zh.keys()
    )
    for key in zh:
        placeholders = set(re.findall(r"\{(\w+)\}", zh[key]))
        assert placeholders == set(re.findall(r"\{(\w+)\}", en[key])), key


def test_browser_limits_are_the_librarys() -> None:
    en = browser_messages("en")
    for kind, (first, last) in DATE_LIMITS.items():
        assert f"{first.day} {first:%B} {first.year}" in en[f"{kind}.date_out_of_range"]
        assert f"{last.day} {last:%B} {last.year}" in en[f"{kind}.date_out_of_range"]
    assert f"from 1 to {MAX_CYCLES}" in en["cycles.out_of_range"]
    assert f"from 0 to {MAX_ALARM_DAYS}" in en["alarms.out_of_range"]
    assert f"at most {MAX_ALARMS}" in en["alarms.too_many"]


# The library's own words stay as they were.


def test_str_and_message_are_unchanged() -> None:
    cases = [
        (from_strings({"issued": "2023-02-30"}), "issued: 2023-02-30 is not a real calendar date"),
        (
            from_strings({"issued": "2024-06-01", "card_received": "2024-01-01"}),
            "card_received: 2024-01-01 is more than 30 days before the permit issued (2024-06-01)",
        ),
        (from_form({**FORM, "cycles": "12"}), "cycles: must be between 1 and 10, got 12"),
        (
            from_form({**FORM, "alarms": "61"}),
            "alarms: 61 is outside 0 to 60 days before a deadline",
        ),
        (from_form({**FORM, "date": ""}), "issued: enter a date"),
        (from_strings({**GOOD, "lang": "fr"}), "lang: must be one of zh, en, both; got 'fr'"),
    ]
    for error, text in cases:
        assert str(error) == text
        assert f"{error.field}: {error.message}" == text


def test_constructors_stay_compatible() -> None:
    plain = PermitcalError("issued", "bad")
    assert (plain.field, plain.message, plain.reason, plain.params) == (
        "issued",
        "bad",
        "invalid",
        {},
    )
    dated = InvalidDateError("issued", dt.date(2000, 1, 1), "too early")
    assert (str(dated), dated.value, dated.reason) == (
        "issued: too early",
        dt.date(2000, 1, 1),
        "invalid",
    )
    assert isinstance(InvalidInputError("cycles", "x"), ValueError)


def test_library_reasons_for_library_callers() -> None:
    with pytest.raises(PermitcalError) as caught:
        PermitInput.create(issued=dt.datetime(2024, 6, 1, 9, 0))
    assert (caught.value.reason, caught.value.params) == (
        "not_a_date",
        {"text": "2024-06-01 09:00:00"},
    )
    with pytest.raises(PermitcalError) as caught:
        RenderOptions(identity="a b")
    assert caught.value.reason == "bad_characters"
    with pytest.raises(PermitcalError) as caught:
        RenderOptions(identity="x", sequence=-1)
    assert (caught.value.reason, caught.value.params) == ("too_small", {"value": -1, "min": 0})
