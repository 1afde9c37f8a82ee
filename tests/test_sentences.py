"""Issue 16: every sentence of RULES.md "Sentences that stay true", swept over many inputs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from permitcal import Kind, PermitInput, RenderOptions, WorkCalendar, compute, to_vcalendar
from permitcal.deadlines import Deadline
from permitcal.notices import statutory_days
from permitcal.policy import SHANGHAI

# Expiries every other day from mid-2026 to the end of 2027: every kind of day of
# a year with a notice (2026) and of one without (2027, with the data pinned at 2026).
FIRST = dt.date(2026, 6, 1)
EXPIRIES = [FIRST + dt.timedelta(days=n) for n in range(0, 580, 2)]
ISO = r"(\d{4}-\d{2}-\d{2})"
REST_DAY_CLAIMS = (re.compile(ISO + "是休息日"), re.compile(ISO + " is a rest day"))


def inputs() -> Iterator[PermitInput]:
    for expiry in EXPIRIES:
        yield PermitInput.create(expires=expiry, cycles=2)
        # A card a few days after expiry: R6 counted over the card, late events void.
        yield PermitInput.create(expires=expiry, card_received=expiry + dt.timedelta(days=3))


@pytest.fixture(scope="module")
def swept(calendar_2026: WorkCalendar) -> list[tuple[list[Deadline], list[dict[str, str]]]]:
    options = RenderOptions(identity="sweep", lang="both", alarms=(7, 1))
    result = []
    for permit in inputs():
        deadlines = compute(permit, calendar=calendar_2026)
        events = [
            {
                "UID": str(e["UID"]),
                "SUMMARY": str(e["SUMMARY"]),
                "DESCRIPTION": str(e["DESCRIPTION"]),
            }
            for e in to_vcalendar(deadlines, options).walk("VEVENT")
        ]
        result.append((deadlines, events))
    return result


def test_no_possible_day_off_is_called_a_rest_day(
    swept: list[tuple[list[Deadline], list[dict[str, str]]]], calendar_2026: WorkCalendar
) -> None:
    # In a year without a notice only its statutory days are surely off.
    wrong = set()
    for _, events in swept:
        for event in events:
            for pattern in REST_DAY_CLAIMS:
                for found in pattern.findall(event["DESCRIPTION"]):
                    day = dt.date.fromisoformat(found)
                    if not calendar_2026.notice_published(day.year) and (
                        day not in statutory_days(day.year)
                    ):
                        wrong.add(f"{event['UID']}: {found}")
    assert sorted(wrong) == []


def test_rest_day_deadlines_lead_with_the_act_by_day_and_never_say_today(
    swept: list[tuple[list[Deadline], list[dict[str, str]]]],
) -> None:
    checked = 0
    for deadlines, _ in swept:
        for d in deadlines:
            if d.kind is not Kind.DEADLINE or d.working_day:
                continue
            checked += 1
            assert "今天" not in d.description.zh, (d.rule, d.date)
            assert "today" not in d.description.en.lower(), (d.rule, d.date)
            act_by = d.nearest_working_day.isoformat()
            assert act_by in d.description.zh.split("\n")[0], (d.rule, d.date)
            assert act_by in d.description.en.split("\n")[0], (d.rule, d.date)
    assert checked > 500


def test_openings_make_no_never_later_claim(
    swept: list[tuple[list[Deadline], list[dict[str, str]]]],
) -> None:
    for deadlines, _ in swept:
        for d in deadlines:
            if d.kind is Kind.OPENING:
                assert "宁早勿晚" not in d.description.zh
                assert "never later" not in d.description.en


def test_consequences_carry_no_note_about_a_day_to_act(
    swept: list[tuple[list[Deadline], list[dict[str, str]]]],
) -> None:
    for deadlines, _ in swept:
        for d in deadlines:
            if d.kind is Kind.CONSEQUENCE:
                assert "节假日安排" not in d.description.zh, (d.rule, d.date)
                assert "holiday schedule" not in d.description.en, (d.rule, d.date)


def test_r7_explains_its_order_against_r6(
    swept: list[tuple[list[Deadline], list[dict[str, str]]]],
) -> None:
    r6 = SHANGHAI.rule("R6").title
    for deadlines, _ in swept:
        for d in deadlines:
            if d.rule == "R7":
                assert f"“{r6.zh}”" in d.description.zh
                assert f'"{r6.en}"' in d.description.en


def test_reminders_in_both_languages_say_each_once_with_english_plurals(
    swept: list[tuple[list[Deadline], list[dict[str, str]]]],
) -> None:
    titles = {rule.id: rule.title for rule in SHANGHAI.rules}
    reminders = 0
    for _, events in swept:
        for event in events:
            match = re.search(r"-(R\d)-r(\d+)@", event["UID"])
            if match is None:
                continue
            reminders += 1
            title, days = titles[match.group(1)], int(match.group(2))
            assert event["SUMMARY"].count(title.zh) == 1, event["SUMMARY"]
            assert event["SUMMARY"].count(title.en) == 1, event["SUMMARY"]
            count = "1 day from now" if days == 1 else f"{days} days from now"
            assert count in event["DESCRIPTION"], event["DESCRIPTION"]
            assert "day(s)" not in event["DESCRIPTION"]
            assert "1 days" not in event["DESCRIPTION"]
            assert "今天是最后一天" not in event["DESCRIPTION"]
    assert reminders > 1000
