"""RULES.md "Reminders count back from the act-by day": no alarm rings after the last day to act."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from permitcal import WorkCalendar, compute_deadlines, ics_bytes
from tests.conftest import d


def alarms_by_uid(data: bytes) -> dict[str, list[dt.date]]:
    """The day each alarm rings (alarms of all-day events count from their start)."""
    rings: dict[str, list[dt.date]] = {}
    for event in Calendar.from_ical(data).walk("VEVENT"):
        start = event.decoded("DTSTART")
        for alarm in event.walk("VALARM"):
            moment = dt.datetime.combine(start, dt.time()) + alarm.decoded("TRIGGER")
            rings.setdefault(str(event["UID"]), []).append(moment.date())
        if str(event["UID"]).count("-r"):
            rings.setdefault(str(event["UID"]), []).append(start)
    return rings


# (input, today, rule, the last day to act): deadlines in long breaks and on weekends
ACT_BY = [
    # the example: R1 in the Spring Festival break 2026 (02-15..23), 02-14 a worked Saturday
    ({"expires": "2026-02-23"}, "2026-01-01", "R1", "2026-02-14"),
    ({"expires": "2026-10-04"}, "2026-01-01", "R1", "2026-09-30"),  # National Day 2026
    ({"expires": "2025-05-04"}, "2025-01-01", "R1", "2025-04-30"),  # Labour Day 2025
    ({"expires": "2024-06-01"}, "2024-01-01", "R1", "2024-05-31"),  # a Saturday
    ({"expires": "2025-12-06"}, "2025-01-01", "R3", "2026-02-04"),  # R3 = 02-04, a working day
    (
        {"expires": "2025-12-21"},
        "2025-01-01",
        "R3",
        "2026-02-14",
    ),  # R3 02-19, in the Spring Festival
]


@pytest.mark.parametrize(("given", "today", "rule", "act_by"), ACT_BY)
def test_every_alarm_of_a_deadline_rings_by_its_act_by_day(
    calendar_2026: WorkCalendar, given: dict[str, str], today: str, rule: str, act_by: str
) -> None:
    shown = compute_deadlines(calendar=calendar_2026, today=d(today), cycles=1, **given)
    deadline = next(x for x in shown if x.rule == rule)
    assert deadline.nearest_working_day == d(act_by)
    data = ics_bytes(calendar=calendar_2026, today=d(today), cycles=1, **given)
    rings = {
        uid: days
        for uid, days in alarms_by_uid(data).items()
        if re.search(rf"-{rule}(-r\d+)?@", uid)
    }
    assert len(rings) == 3  # the event and its two reminders (7 and 1 days)
    for days in rings.values():
        for day in days:
            assert day <= d(act_by)
    # the event's own alarm rings on the act-by day itself
    own = next(days for uid, days in rings.items() if "-r" not in uid)
    assert own == [d(act_by)]


def test_reminders_say_what_to_do_and_by_when_never_today(calendar_2026: WorkCalendar) -> None:
    data = ics_bytes(
        expires="2026-02-23", today=d("2026-01-01"), cycles=1, calendar=calendar_2026, lang="both"
    )
    reminders = [e for e in Calendar.from_ical(data).walk("VEVENT") if "-r" in str(e["UID"])]
    assert reminders
    for event in reminders:
        text = str(event["DESCRIPTION"])
        assert "今天" not in text
        assert "today" not in text.lower()
        assert "还有" in text
        assert "days left" in str(event["SUMMARY"]) or "还有" in str(event["SUMMARY"])
    r1_day = next(e for e in reminders if str(e["UID"]).endswith("-R1-r1@permitcal"))
    assert r1_day.decoded("DTSTART") == d("2026-02-13")  # the day before Saturday 02-14
    assert "2026-02-14" in str(r1_day["DESCRIPTION"])
    assert "星期六" in str(r1_day["DESCRIPTION"])
    assert "签注" in str(r1_day["DESCRIPTION"])  # what to do
