"""Holiday-cn files: a notice from a file makes its year firm; a bad file changes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from permitcal import InvalidInputError, WorkCalendar
from permitcal.holiday_files import (
    HolidayDataError,
    load_calendar,
    load_notice,
    load_notices,
    parse_notice,
)
from permitcal.notices import Notice, package_notice
from permitcal.workdays import default_calendar
from tests.conftest import d

INVENTED_2027 = Path(__file__).parent / "data" / "holiday-cn" / "2027.json"


@pytest.fixture(scope="module")
def invented() -> Notice:
    return load_notice(INVENTED_2027)


@pytest.fixture(scope="module")
def with_2027(invented: Notice) -> WorkCalendar:
    return WorkCalendar(published_through=2026, notices=[invented])


def document() -> dict[str, Any]:
    """The invented 2027 file as a JSON object, to break in tests."""
    data: dict[str, Any] = json.loads(INVENTED_2027.read_text(encoding="utf-8"))
    return data


def to_holiday_cn(notice: Notice) -> dict[str, Any]:
    days = [{"name": "假日", "date": day.isoformat(), "isOffDay": True} for day in notice.days_off]
    days += [
        {"name": "调休", "date": day.isoformat(), "isOffDay": False} for day in notice.working_days
    ]
    return {"year": notice.year, "days": sorted(days, key=lambda entry: entry["date"])}


def test_invented_file_loads_with_its_comment(invented: Notice) -> None:
    assert invented.year == 2027
    assert invented.source == str(INVENTED_2027)
    assert d("2027-02-11") in invented.days_off
    assert invented.working_days == {
        d(day) for day in ("2027-02-14", "2027-02-20", "2027-05-08", "2027-09-26", "2027-10-09")
    }
    assert "_comment" in document()


def test_a_file_for_the_next_year_extends_the_published_years(with_2027: WorkCalendar) -> None:
    assert with_2027.published_through == 2027
    assert with_2027.notice_published(2027)
    assert not with_2027.notice_published(2028)
    assert [n.year for n in with_2027.notices] == [2027]


# (question, day, answer without the 2027 file, answer with it, why)
MOVED = [
    ("add_working_days", "2027-02-03", "2027-02-12", "2027-02-17", "break to 02-13, 02-14 worked"),
    ("last_working_day_on_or_before", "2027-02-14", "2027-02-03", "2027-02-14", "make-up Sunday"),
    ("last_working_day_on_or_before", "2027-05-05", "2027-04-28", "2027-04-30", "break from 05-01"),
    ("first_working_day_on_or_after", "2027-02-09", "2027-02-15", "2027-02-14", "make-up Sunday"),
    ("add_working_days", "2026-12-28", "2027-01-05", "2027-01-05", "RULES.md's worked example"),
]


@pytest.mark.parametrize(("question", "day", "before", "after", "why"), MOVED)
def test_the_file_moves_dates_and_makes_them_firm(
    calendar_2026: WorkCalendar,
    with_2027: WorkCalendar,
    question: str,
    day: str,
    before: str,
    after: str,
    why: str,
) -> None:
    def ask(calendar: WorkCalendar) -> Any:
        if question == "add_working_days":
            return calendar.add_working_days(d(day), 5)
        return getattr(calendar, question)(d(day))

    provisional, firm = ask(calendar_2026), ask(with_2027)
    assert (provisional.date, provisional.provisional) == (d(before), True), why
    assert (firm.date, firm.provisional, firm.unpublished_years) == (d(after), False, ()), why


def test_safe_answers_were_never_later_than_the_invented_notice(
    calendar_2026: WorkCalendar, with_2027: WorkCalendar
) -> None:
    # The invented schedule follows the real notices' patterns, so the safe
    # answers made without it must be on the safe side of it too.
    day = dt.date(2027, 1, 1)
    while day.year == 2027:
        assert (
            calendar_2026.last_working_day_on_or_before(day).date
            <= with_2027.last_working_day_on_or_before(day).date
        )
        assert (
            calendar_2026.first_working_day_on_or_after(day).date
            >= with_2027.first_working_day_on_or_after(day).date
        )
        assert (
            calendar_2026.add_working_days(day, 5).date <= with_2027.add_working_days(day, 5).date
        )
        day += dt.timedelta(days=1)


def test_a_file_replaces_the_package_notice_of_its_year(
    tmp_path: Path, calendar: WorkCalendar
) -> None:
    same = tmp_path / "same" / "2026.json"
    same.parent.mkdir()
    same.write_text(json.dumps(to_holiday_cn(package_notice(2026))), encoding="utf-8")
    replica = load_calendar([same], published_through=2026)
    day = dt.date(2025, 12, 1)
    while day <= dt.date(2027, 1, 31):
        assert replica.is_working_day(day) is calendar.is_working_day(day), day
        day += dt.timedelta(days=1)
    # A corrected notice: 02-28 no longer a make-up Saturday.
    changed = to_holiday_cn(package_notice(2026))
    changed["days"] = [e for e in changed["days"] if e["date"] != "2026-02-28"]
    corrected = tmp_path / "2026.json"
    corrected.write_text(json.dumps(changed), encoding="utf-8")
    fixed = load_calendar([corrected], published_through=2026)
    assert calendar.is_working_day(d("2026-02-28"))
    assert not fixed.is_working_day(d("2026-02-28"))
    assert fixed.published_through == 2026


@pytest.mark.parametrize(
    ("published_through", "years", "through", "published_2027"),
    [
        (2026, [2027], 2027, True),
        (2025, [2027], 2025, True),  # 2026 missing: not an unbroken run
        (2025, [2026, 2027], 2027, True),
        (2026, [], 2026, False),
    ],
)
def test_published_through_covers_an_unbroken_run(
    invented: Notice, published_through: int, years: list[int], through: int, published_2027: bool
) -> None:
    notices = [
        invented
        if year == 2027
        else Notice(year, package_notice(year).days_off, package_notice(year).working_days, "x")
        for year in years
    ]
    calendar = WorkCalendar(published_through=published_through, notices=notices)
    assert calendar.published_through == through
    assert calendar.notice_published(2027) is published_2027
    assert calendar.notice_published(2028) is False


def test_data_version_follows_the_files_content(
    tmp_path: Path, with_2027: WorkCalendar, calendar_2026: WorkCalendar
) -> None:
    copied = tmp_path / "elsewhere.json"
    copied.write_bytes(INVENTED_2027.read_bytes())
    changed = document()
    changed["days"] = [e for e in changed["days"] if e["date"] != "2027-10-09"]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(changed), encoding="utf-8")
    same_content = WorkCalendar(published_through=2026, notices=[load_notice(copied)])
    other_content = WorkCalendar(published_through=2026, notices=[load_notice(edited)])
    assert with_2027.data_version == same_content.data_version
    assert (
        len({calendar_2026.data_version, with_2027.data_version, other_content.data_version}) == 3
    )
    assert calendar_2026.data_version.endswith("-cn2026")


def test_a_directory_loads_its_year_files_and_skips_placeholders(tmp_path: Path) -> None:
    (tmp_path / "2027.json").write_bytes(INVENTED_2027.read_bytes())
    # holiday-cn adds next year's file, empty, before the notice is published.
    (tmp_path / "2028.json").write_text(
        '{"year": 2028, "papers": [], "days": []}', encoding="utf-8"
    )
    (tmp_path / "schema.json").write_text("not a notice", encoding="utf-8")
    assert [n.year for n in load_notices([tmp_path])] == [2027]
    with pytest.raises(HolidayDataError, match=r"2028\.json: 'days' must be a non-empty list"):
        load_notices([tmp_path / "2028.json"])


def test_two_notices_for_one_year_are_refused(tmp_path: Path) -> None:
    (tmp_path / "2027.json").write_bytes(INVENTED_2027.read_bytes())
    with pytest.raises(HolidayDataError, match="a second notice for 2027"):
        load_notices([INVENTED_2027, tmp_path])
    with pytest.raises(InvalidInputError, match="two notices for 2027"):
        WorkCalendar(notices=[load_notice(INVENTED_2027), load_notice(tmp_path / "2027.json")])


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], Any]:
    def mutate(doc: dict[str, Any]) -> Any:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return doc

    return mutate


def _drop(path: list[Any]) -> Callable[[dict[str, Any]], Any]:
    def mutate(doc: dict[str, Any]) -> Any:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return doc

    return mutate


def _append_day(entry: Any) -> Callable[[dict[str, Any]], Any]:
    def mutate(doc: dict[str, Any]) -> Any:
        doc["days"].append(entry)
        return doc

    return mutate


LAST = len(document()["days"])  # the index of an appended entry
SPRING_FESTIVAL_DAY_1 = next(
    i for i, e in enumerate(document()["days"]) if e["date"] == "2027-02-06"
)

# (id, how to break the file, what the message must say)
BROKEN: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("bad json", lambda doc: json.dumps(doc)[:-5], r"is not valid JSON: .*\(line 1, column"),
    ("not utf-8", lambda doc: json.dumps(doc).encode("utf-16"), "is not UTF-8 text"),
    ("not an object", lambda doc: [doc], "must be a JSON object"),
    (
        "duplicate key",
        lambda doc: json.dumps(doc)[:-1] + ', "year": 2028}',
        "key 'year' appears twice",
    ),
    ("missing year", _drop(["year"]), r"missing key\(s\): year"),
    ("missing days", _drop(["days"]), r"missing key\(s\): days"),
    ("unknown key", _set(["holidays"], []), r"unknown key\(s\): holidays"),
    ("year as text", _set(["year"], "2027"), "'year' must be an integer, not '2027'"),
    ("year as float", _set(["year"], 2027.0), "'year' must be an integer"),
    ("year as bool", _set(["year"], True), "'year' must be an integer, not True"),
    ("year too early", _set(["year"], 1999), "'year' 1999 is outside 2001–2100"),
    ("papers not strings", _set(["papers"], [1]), "'papers' must be a list of strings"),
    ("days not a list", _set(["days"], {}), "'days' must be a non-empty list"),
    ("day not an object", _set(["days", 0], "2027-01-01"), r"days\[0\]: must be an object"),
    (
        "day without isOffDay",
        _drop(["days", 0, "isOffDay"]),
        r"days\[0\]: missing key\(s\): isOffDay",
    ),
    ("day without date", _drop(["days", 1, "date"]), r"days\[1\]: missing key\(s\): date"),
    ("day with unknown key", _set(["days", 0, "off"], True), r"days\[0\]: unknown key\(s\): off"),
    (
        "name not text",
        _set(["days", 0, "name"], 1),
        r"days\[0\]: 'name' must be a non-empty string",
    ),
    (
        "date as number",
        _set(["days", 0, "date"], 20270101),
        r"days\[0\]: 'date' must be a YYYY-MM-DD string",
    ),
    (
        "date compact",
        _set(["days", 0, "date"], "20270101"),
        r"days\[0\]: 'date' must be a YYYY-MM-DD string",
    ),
    (
        "date impossible",
        _set(["days", 0, "date"], "2027-02-30"),
        r"days\[0\]: 'date' '2027-02-30' is not a real date",
    ),
    (
        "isOffDay as text",
        _set(["days", 0, "isOffDay"], "true"),
        r"days\[0\]: 'isOffDay' must be true or false",
    ),
    (
        "date years away",
        _set(["days", 2, "date"], "2029-01-03"),
        r"days\[2\]: 2029-01-03 is outside the notice's years 2026–2028",
    ),
    (
        "date listed twice",
        _append_day({"name": "元旦", "date": "2027-01-02", "isOffDay": False}),
        rf"days\[{LAST}\]: 2027-01-02 is listed twice \(also days\[1\]\)",
    ),
    (
        "statutory day worked",
        _set(["days", SPRING_FESTIVAL_DAY_1, "isOffDay"], False),
        rf"days\[{SPRING_FESTIVAL_DAY_1}\]: 2027-02-06 is a statutory holiday",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "message"), BROKEN, ids=[row[0] for row in BROKEN])
def test_a_broken_file_is_refused_and_changes_nothing(
    tmp_path: Path,
    calendar_2026: WorkCalendar,
    case: str,
    mutate: Callable[[dict[str, Any]], Any],
    message: str,
) -> None:
    broken = mutate(copy.deepcopy(document()))
    path = tmp_path / "2027.json"
    if isinstance(broken, bytes):
        path.write_bytes(broken)
    else:
        path.write_text(broken if isinstance(broken, str) else json.dumps(broken), encoding="utf-8")
    before = (default_calendar().data_version, calendar_2026.add_working_days(d("2027-02-03"), 5))
    with pytest.raises(HolidayDataError, match=message) as raised:
        # A good file before it is not taken either: a calendar is all or nothing.
        load_calendar([INVENTED_2027, path], published_through=2026)
    assert raised.value.field == "holiday_data"
    assert str(path) in str(raised.value)
    # Nothing cached or shared took anything from the file.
    after = (default_calendar().data_version, calendar_2026.add_working_days(d("2027-02-03"), 5))
    assert after == before
    assert WorkCalendar(published_through=2026).add_working_days(d("2027-02-03"), 5).provisional


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HolidayDataError, match=r"missing\.json: cannot be read"):
        load_notice(tmp_path / "missing.json")


def test_text_can_be_parsed_without_a_file() -> None:
    notice = parse_notice(INVENTED_2027.read_text(encoding="utf-8"), source="pasted")
    from_file = load_notice(INVENTED_2027)
    assert (notice.source, notice.fingerprint()) == ("pasted", from_file.fingerprint())
    with pytest.raises(HolidayDataError, match=r"^holiday_data: pasted: is not valid JSON"):
        parse_notice("{", source="pasted")


def test_holiday_cn_extras_are_accepted() -> None:
    # Real holiday-cn files carry $schema/$id and papers, and the 2020 file lists
    # the first day back after the extended Spring Festival (a Monday) as worked.
    doc = document()
    doc["$schema"] = "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json"
    doc["$id"] = "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/2027.json"
    doc["papers"] = ["https://www.gov.cn/zhengce/content/2026-11/01/content_0.htm"]
    doc["days"].append({"name": "春节", "date": "2027-02-15", "isOffDay": False})
    notice = parse_notice(json.dumps(doc), source="extras")
    assert d("2027-02-15") in notice.working_days
    assert WorkCalendar(published_through=2026, notices=[notice]).is_working_day(d("2027-02-15"))
