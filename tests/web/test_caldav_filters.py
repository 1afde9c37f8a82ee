"""calendar-query filters (RFC 4791 §9.7) against one all-day event, table-driven."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from icalendar import Alarm, Calendar, Event

from permitcal.web.caldav.filters import FilterError, matches, parse_filter

NS = 'xmlns:C="urn:ietf:params:xml:ns:caldav"'


def calendar(*, dtend: bool = True, duration: dt.timedelta | None = None) -> Calendar:
    """One all-day event on 2026-12-10 (Shanghai) with a 09:00 alarm a week before."""
    cal = Calendar()
    cal.add("prodid", "-//test//")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", "s-abc-20261210-R1@permitcal")
    event.add("dtstamp", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    event.add("dtstart", dt.date(2026, 12, 10))
    if dtend:
        event.add("dtend", dt.date(2026, 12, 11))
    if duration is not None:
        event.add("duration", duration)
    event.add("summary", "签注窗口 Permit Expires")
    event.add("description", "Renew at the EXIT-ENTRY office. Straße")
    event.add("categories", ["Permit", "上海"])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", "x")
    alarm.add("trigger", dt.timedelta(days=-7, hours=9))
    event.add_component(alarm)
    cal.add_component(event)
    return cal


def query(inner: str) -> ET.Element:
    return ET.fromstring(
        f'<C:calendar-query {NS}><C:filter><C:comp-filter name="VCALENDAR">'
        f"{inner}</C:comp-filter></C:filter></C:calendar-query>"
    )


def event_filter(inner: str = "") -> ET.Element:
    return query(f'<C:comp-filter name="VEVENT">{inner}</C:comp-filter>')


def prop(name: str, inner: str = "") -> ET.Element:
    return event_filter(f'<C:prop-filter name="{name}">{inner}</C:prop-filter>')


def text(value: str, **attrs: str) -> str:
    rendered = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f"<C:text-match{rendered}>{value}</C:text-match>"


def time_range(start: str | None = None, end: str | None = None) -> str:
    bounds = (f' start="{start}"' if start else "") + (f' end="{end}"' if end else "")
    return f"<C:time-range{bounds}/>"


# The event covers 2026-12-09T16:00Z to 2026-12-10T16:00Z (midnight to midnight UTC+8).
CASES = [
    ("no filter", ET.fromstring(f"<C:calendar-query {NS}/>"), True),
    ("VCALENDAR only", query(""), True),
    ("VEVENT", event_filter(), True),
    ("VTODO", query('<C:comp-filter name="VTODO"/>'), False),
    (
        "VTODO not defined",
        query('<C:comp-filter name="VTODO"><C:is-not-defined/></C:comp-filter>'),
        True,
    ),
    ("VEVENT not defined", event_filter("<C:is-not-defined/>"), False),
    ("summary substring", prop("SUMMARY", text("签注窗口")), True),
    ("summary other", prop("SUMMARY", text("居住证")), False),
    ("ascii-casemap default", prop("SUMMARY", text("permit expires")), True),
    ("ascii-casemap leaves ß", prop("DESCRIPTION", text("STRASSE")), False),
    ("unicode-casemap", prop("DESCRIPTION", text("STRASSE", collation="i;unicode-casemap")), True),
    ("octet is exact", prop("SUMMARY", text("permit", collation="i;octet")), False),
    ("octet exact hit", prop("SUMMARY", text("Permit", collation="i;octet")), True),
    ("negate hit", prop("SUMMARY", text("签注", negate_condition="yes")), False),
    ("negate miss", prop("SUMMARY", text("居住证", negate_condition="yes")), True),
    ("uid", prop("UID", text("s-abc-20261210-R1@permitcal")), True),
    ("uid other", prop("UID", text("s-abc-20261211-R1@permitcal")), False),
    ("description", prop("DESCRIPTION", text("exit-entry")), True),
    ("categories second", prop("CATEGORIES", text("上海")), True),
    ("categories none", prop("CATEGORIES", text("北京")), False),
    ("property defined", prop("DESCRIPTION"), True),
    ("property missing", prop("LOCATION"), False),
    ("property not defined", prop("LOCATION", "<C:is-not-defined/>"), True),
    ("text on missing property", prop("LOCATION", text("x", negate_condition="yes")), False),
    ("range inside", event_filter(time_range("20261210T000000Z", "20261210T010000Z")), True),
    (
        "range ends at start",
        event_filter(time_range("20261201T000000Z", "20261209T160000Z")),
        False,
    ),
    (
        "range starts at end",
        event_filter(time_range("20261210T160000Z", "20261211T000000Z")),
        False,
    ),
    ("range open end", event_filter(time_range(start="20261210T155959Z")), True),
    ("range open start", event_filter(time_range(end="20261209T160001Z")), True),
    ("range before", event_filter(time_range(end="20261209T160000Z")), False),
    (
        "range and text both",
        event_filter(
            time_range("20261201T000000Z", "20261231T000000Z")
            + f'<C:prop-filter name="SUMMARY">{text("permit")}</C:prop-filter>'
        ),
        True,
    ),
    (
        "alarm in range",  # 2026-12-03 09:00 +08:00 = 01:00Z
        event_filter(
            '<C:comp-filter name="VALARM">'
            + time_range("20261203T010000Z", "20261203T010001Z")
            + "</C:comp-filter>"
        ),
        True,
    ),
    (
        "alarm out of range",
        event_filter(
            '<C:comp-filter name="VALARM">'
            + time_range("20261203T010001Z", "20261204T000000Z")
            + "</C:comp-filter>"
        ),
        False,
    ),
]


@pytest.mark.parametrize(
    ("query_xml", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_filter(query_xml: ET.Element, expected: bool) -> None:
    assert matches(parse_filter(query_xml), calendar()) is expected


# RFC 4791 §9.9: an all-day event without DTEND lasts its day; DURATION counts from DTSTART.
@pytest.mark.parametrize(
    ("kwargs", "start", "end", "expected"),
    [
        ({"dtend": False}, "20261210T150000Z", "20261210T160000Z", True),
        ({"dtend": False}, "20261210T160000Z", "20261210T170000Z", False),
        ({"dtend": False, "duration": dt.timedelta(days=2)}, "20261211T160000Z", None, False),
        ({"dtend": False, "duration": dt.timedelta(days=2)}, "20261211T155959Z", None, True),
    ],
)
def test_all_day_spans(
    kwargs: dict[str, object], start: str, end: str | None, expected: bool
) -> None:
    found = parse_filter(event_filter(time_range(start, end)))
    assert matches(found, calendar(**kwargs)) is expected  # type: ignore[arg-type]


REFUSED = [
    ("param-filter", prop("SUMMARY", '<C:param-filter name="LANGUAGE"/>'), "supported-filter"),
    (
        "time-range on a property",
        prop("DTSTART", time_range("20260101T000000Z")),
        "supported-filter",
    ),
    (
        "nested unsupported in VTODO",
        query('<C:comp-filter name="VTODO"><C:param-filter name="X"/></C:comp-filter>'),
        "supported-filter",
    ),
    ("unknown component", query('<C:comp-filter name="VFOO"/>'), "supported-filter"),
    (
        "time-range on VTIMEZONE",
        query(f'<C:comp-filter name="VTIMEZONE">{time_range("20260101T000000Z")}</C:comp-filter>'),
        "supported-filter",
    ),
    ("foreign element", event_filter('<X:any xmlns:X="urn:x"/>'), "supported-filter"),
    ("match-type", prop("SUMMARY", text("a", match_type="equals")), "supported-filter"),
    ("collation", prop("SUMMARY", text("a", collation="i;basic")), "supported-collation"),
    ("floating time", event_filter(time_range("20260101T000000")), "valid-filter"),
    ("empty time-range", event_filter("<C:time-range/>"), "valid-filter"),
    (
        "inverted time-range",
        event_filter(time_range("20260102T000000Z", "20260101T000000Z")),
        "valid-filter",
    ),
    (
        "outer not VCALENDAR",
        ET.fromstring(
            f'<C:calendar-query {NS}><C:filter><C:comp-filter name="VEVENT"/></C:filter></C:calendar-query>'
        ),
        "valid-filter",
    ),
    (
        "negate-condition value",
        prop("SUMMARY", text("a", negate_condition="maybe")),
        "valid-filter",
    ),
]


@pytest.mark.parametrize(
    ("query_xml", "condition"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_refused(query_xml: ET.Element, condition: str) -> None:
    with pytest.raises(FilterError) as raised:
        parse_filter(query_xml)
    assert raised.value.condition == condition
