"""School tracks (issue #20): checkpoints, estimates, clash warnings, UIDs, and the feed."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from permitcal import (
    InvalidInputError,
    PermitInput,
    RenderOptions,
    SchoolEvent,
    SchoolTrack,
    Track,
    WorkCalendar,
    compute_feed,
    compute_school,
    compute_tracks,
    ics_bytes,
    parse_school,
    to_ical,
)
from permitcal.school_data import Stage, parse_school_data
from permitcal.school_season import same_week_day
from tests.ics_checks import assert_well_formed, events
from tests.test_properties import permits

CALENDAR = WorkCalendar(published_through=2026)
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
OPTIONS = RenderOptions(identity="feed", stamp=STAMP)


def school_events(school: str, expires: str, **permit: object) -> list[SchoolEvent]:
    me = Track.create("me", expires=expires, cycles=1, **permit)  # type: ignore[arg-type]
    return compute_school(SchoolTrack.create("kid", school, ["me"]), [me], CALENDAR)


def warnings(found: list[SchoolEvent]) -> dict[str, SchoolEvent]:
    return {e.rule: e for e in found if e.kind == "school_warning"}


# SCHOOL.md's examples and the edges of a season (from 90 days before the first
# checkpoint to the last). Primary 2027 is estimated from 2024: information
# registration 2027-04-19 – 05-02, online registration 05-12 – 05-16.
CLASHES = [
    # stage:year, expiry, {warning rule: its day}, why
    (
        "primary:2027",
        "2027-04-20",
        {"warn-permit.me": "2027-04-16"},
        "April expiry: endorse before the registration opens",
    ),
    ("primary:2027", "2027-09-10", {}, "September expiry: after the last checkpoint"),
    ("primary:2027", "2027-01-18", {}, "91 days before the first checkpoint: outside the season"),
    (
        "primary:2027",
        "2027-01-19",
        {"warn-permit.me": "2027-01-19"},
        "90 days before: the expiry's own act-by day",
    ),
    (
        "primary:2027",
        "2027-03-01",
        {"warn-permit.me": "2027-03-01"},
        "before the season's checkpoints: endorse by the expiry",
    ),
    ("primary:2027", "2027-05-16", {}, "the last checkpoint's last day: valid throughout"),
    (
        "zhongkao:2027",
        "2027-04-01",
        {"warn-permit.me": "2027-04-01", "warn-points.me": "2027-03-29"},
        "a points lapse before the 中考 check warns",
    ),
    ("zhongkao:2027", "2027-06-01", {}, "after the 中考 check"),
    (
        "gaokao:2028",
        "2027-10-20",
        {"warn-permit.me": "2027-10-15", "warn-points.me": "2027-10-12"},
        "inside the 高考 registration",
    ),
    (
        "kindergarten:2027",
        "2027-04-20",
        {"warn-permit.me": "2027-04-20"},
        "kindergarten: no points warning, the points only give priority",
    ),
    (
        "junior:2027",
        "2027-04-20",
        {},
        "no published date: only a watch event, nothing to clash with",
    ),
]


@pytest.mark.parametrize(("school", "expires", "expected", "why"), CLASHES)
def test_clash_warnings(school: str, expires: str, expected: dict[str, str], why: str) -> None:
    found = warnings(school_events(school, expires))
    assert {rule: str(e.date) for rule, e in found.items()} == expected, why
    for event in found.values():
        assert event.permit == "me"
        assert event.expiry == dt.date.fromisoformat(expires)
        assert event.sources
        assert event.sources[0][0]


def test_issue_20_april_expiry_says_what_to_do_and_by_when() -> None:
    [warning] = warnings(school_events("primary:2027", "2027-04-20")).values()
    assert warning.description.zh.startswith(
        "最迟2027年4月16日（星期五）完成签注：2027年4月19日开始小学入学信息登记（按往年估计）。"
    )
    assert warning.description.en.startswith(
        "Endorse by 2027-04-16 (Friday) at the latest: primary school information registration starts 2027-04-19"
    )
    # Priority stages say so instead of warning about the points.
    assert "不以积分为报名条件" in warning.description.zh
    assert warning.title.zh == "小学入学前先签注（按往年估计）"
    # The day rests on 2027, whose holiday notice is not in this calendar.
    assert warning.provisional
    assert "2027年的节假日安排尚未公布" in warning.description.zh


def test_points_warning_leaves_days_for_the_points_system() -> None:
    found = warnings(school_events("zhongkao:2027", "2027-04-01"))
    points = found["warn-points.me"]
    assert (
        "2027年3月29日（星期一）完成签注，2027年4月1日（星期四）前提交积分续办"
        in points.description.zh
    )
    assert "积分在2027年4月2日起失效" in points.description.zh
    assert points.checks == ("permit", "points")


def test_without_points_a_points_stage_says_so() -> None:
    found = warnings(school_events("zhongkao:2027", "2027-04-01", points=False))
    assert set(found) == {"warn-permit.me"}
    assert "没有登记积分" in found["warn-permit.me"].description.zh


def test_a_recorded_renewal_removes_the_permit_warning_not_the_points_one() -> None:
    found = warnings(school_events("zhongkao:2027", "2027-04-01", card_received="2027-03-10"))
    assert set(found) == {"warn-points.me"}


@pytest.mark.parametrize(
    ("school", "source_year", "first"),
    [
        ("primary:2027", 2024, "2027-04-19"),
        ("kindergarten:2026", 2024, "2026-04-14"),
        ("zhongkao:2027", 2022, "2027-05-08"),
        ("gaokao:2028", 2025, "2027-10-18"),
    ],
)
def test_a_year_without_a_notice_is_estimated_and_says_from_when(
    school: str, source_year: int, first: str
) -> None:
    checkpoints = [e for e in school_events(school, "2030-01-01") if e.kind == "school_checkpoint"]
    assert str(min(e.date for e in checkpoints)) == first
    for event in checkpoints:
        assert event.estimated_from == source_year
        assert event.title.zh.endswith("（按往年估计）")
        assert event.title.en.endswith(f"(est. from {source_year})")
        assert f"日期由{source_year}年的日期移到同一周的同一星期几" in event.description.zh
        assert event.to_dict()["estimated_from"] == source_year


def test_a_published_year_is_not_an_estimate() -> None:
    found = [
        e for e in school_events("primary:2024", "2030-01-01") if e.kind == "school_checkpoint"
    ]
    assert [(str(e.date), str(e.end)) for e in found] == [
        ("2024-04-15", "2024-04-28"),
        ("2024-05-08", "2024-05-12"),
    ]
    assert all(e.estimated_from is None and "估" not in e.title.zh for e in found)
    # A date only one district gave says so.
    assert "只见于黄浦区的通知" in found[1].description.zh


@pytest.mark.parametrize("school", ["junior:2027", "zhongkao:2027"])
def test_a_stage_without_a_published_window_gets_a_watch_event(school: str) -> None:
    [watch] = [e for e in school_events(school, "2030-01-01") if e.kind == "school_watch"]
    assert watch.date == dt.date(2027, 4 if school.startswith("junior") else 1, 1)
    assert watch.title.zh.startswith("留意2027年")
    assert "具体日期尚未收录" in watch.description.zh


@pytest.mark.parametrize(
    ("day", "years", "moved"),
    [
        ("2024-04-15", 3, "2027-04-19"),  # Monday of ISO week 16
        ("2024-04-28", 3, "2027-05-02"),  # Sunday of week 17
        ("2022-05-07", 5, "2027-05-08"),  # Saturday of week 18
        ("2024-10-14", 1, "2025-10-13"),
        ("2020-12-31", 1, "2021-12-30"),  # week 53 of 2020 → week 52 of 2021
    ],
)
def test_same_weekday_of_the_same_week(day: str, years: int, moved: str) -> None:
    result = same_week_day(dt.date.fromisoformat(day), years)
    assert str(result) == moved
    assert result.weekday() == dt.date.fromisoformat(day).weekday()


def test_warnings_name_each_parent_and_uids_stay_when_a_permit_changes() -> None:
    def feed(wife_expires: str) -> bytes:
        me = Track.create("s-1", expires="2027-09-01", cycles=1)
        wife = Track.create("s-1.2", expires=wife_expires, cycles=1)
        kid = SchoolTrack.create(
            "s-1.k1", "primary:2027", ["s-1", "s-1.2"], labels={"s-1.2": "妻子"}
        )
        return to_ical(compute_feed([me, wife], [kid], CALENDAR), OPTIONS)

    before, after = events(feed("2027-04-20")), events(feed("2027-04-10"))
    warned = [e for e in before if "warn-" in e["UID"]]
    assert [e["UID"] for e in warned] == ["s-1.k1-20270101-warn-permit.s-1.2@permitcal"]
    assert warned[0]["SUMMARY"].startswith("【妻子】小学入学前先签注")
    school_uids = {e["UID"] for e in before if e["UID"].startswith("s-1.k1-")}
    assert school_uids == {e["UID"] for e in after if e["UID"].startswith("s-1.k1-")}
    # The warning's slot keeps its UID; its day and text follow the new expiry.
    changed = {e["UID"]: e for e in after}[warned[0]["UID"]]
    assert changed["DTSTART;VALUE=DATE"] != warned[0]["DTSTART;VALUE=DATE"]


def test_checkpoint_uids_stay_when_the_estimate_becomes_published() -> None:
    document = json.loads(_packaged_text())
    primary = document["cities"]["shanghai"]["primary"]["years"]
    primary["2027"] = [
        dict(c, date=c["date"].replace("2024", "2027"), until=c["until"].replace("2024", "2027"))
        for c in primary["2024"]
    ]
    published = parse_school_data(json.dumps(document), "test.json")
    me = [Track.create("me", expires="2030-01-01", cycles=1)]
    kid = SchoolTrack.create("kid", "primary:2027", ["me"])
    estimated = compute_school(kid, me, CALENDAR)
    firm = compute_school(kid, me, CALENDAR, published)
    assert [e.uid() for e in estimated] == [e.uid() for e in firm]
    assert [e.date for e in estimated] != [e.date for e in firm]
    assert all(e.estimated_from is None for e in firm)


def _packaged_text() -> str:
    from importlib import resources

    return (
        resources.files("permitcal").joinpath("data", "school_checkpoints.json").read_text("utf-8")
    )


def test_the_feed_has_multi_day_school_events_and_is_well_formed() -> None:
    data = ics_bytes(
        expires="2027-04-20", cycles=1, school=["primary:2027"], identity="s-9", calendar=CALENDAR
    )
    assert_well_formed(data)
    found = {e["UID"]: e for e in events(data)}
    registration = found["s-9.school-primary-2027-20270101-info_registration@permitcal"]
    assert registration["DTSTART;VALUE=DATE"] == "20270419"
    assert registration["DTEND;VALUE=DATE"] == "20270503"  # exclusive: through 2 May
    assert registration["CATEGORIES"] == "子女入学"
    assert "s-9.school-primary-2027-20270101-warn-permit.s-9@permitcal" in found


@st.composite
def schools(draw: st.DrawFn) -> str:
    stage = draw(st.sampled_from([s.value for s in Stage]))
    return f"{stage}:{draw(st.integers(2025, 2040))}"


@given(permit=permits(), school=st.lists(schools(), min_size=1, max_size=3, unique=True))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_school_track_never_changes_the_permits_events(
    permit: PermitInput, school: list[str]
) -> None:
    """The permit's events are byte-identical with and without school tracks."""
    track = Track("p", permit)
    alone = to_ical(compute_tracks([track], CALENDAR), OPTIONS)
    kids = [SchoolTrack.create(f"k{i}", s, ["p"]) for i, s in enumerate(school)]
    both = to_ical(compute_feed([track], kids, CALENDAR), OPTIONS)
    assert_well_formed(both)
    assert permit_blocks(both) == permit_blocks(alone)


def permit_blocks(data: bytes) -> list[bytes]:
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, re.S)
    return [b for b in blocks if b"\r\nUID:p-" in b]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("primary", "not_stage_year"),
        ("college:2027", "not_one_of"),
        ("primary:27x", "out_of_range"),
        ("primary:1999", "out_of_range"),
        (("primary", True), "out_of_range"),
        (42, "not_stage_year"),
    ],
)
def test_bad_stage_or_year(value: object, reason: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_school(value)
    assert (raised.value.field, raised.value.reason) == ("school", reason)


def test_stage_and_year_parse() -> None:
    assert parse_school("gaokao:2028") == (Stage.GAOKAO, 2028)
    assert parse_school(("primary", 2027)) == (Stage.PRIMARY, 2027)


@pytest.mark.parametrize(
    ("tracks", "school", "reason"),
    [
        (
            [Track.create("me", expires="2027-04-20")],
            SchoolTrack.create("kid", "primary:2027", ["wife"]),
            "unknown_track",
        ),
        (
            [Track.create("me", policy="beijing", issued="2026-04-20")],
            SchoolTrack.create("kid", "primary:2027", ["me"]),
            "wrong_city",
        ),
        (
            [Track.create("me", expires="2027-04-20")],
            SchoolTrack.create("me", "primary:2027", ["me"]),
            "duplicate_track",
        ),
        (
            [Track.create("me", expires="2027-04-20")],
            SchoolTrack.create("kid", "primary:2019", ["me"]),
            "no_school_data",
        ),
    ],
)
def test_bad_feeds_are_clear_errors(tracks: list[Track], school: SchoolTrack, reason: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        compute_feed(tracks, [school], CALENDAR)
    assert raised.value.reason == reason
    assert school.key in str(raised.value) or reason in (
        "no_school_data",
        "wrong_city",
        "unknown_track",
    )
