"""The computation's caches (#19) never answer for other data, another policy or a language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from permitcal import PermitInput, Text, WorkCalendar, compute, get_policy
from permitcal import descriptions as descriptions_module
from permitcal.holiday_files import load_notice
from permitcal.ical import RenderOptions, to_ical
from permitcal.workdays import WorkdayAnswer

INVENTED_2027 = Path(__file__).parent / "data" / "holiday-cn" / "2027.json"
# Around the 2027 Spring Festival and National Day: the invented notice moves these.
DAYS = [dt.date(2027, 1, 25) + dt.timedelta(days=n) for n in range(40)] + [
    dt.date(2027, 9, 20) + dt.timedelta(days=n) for n in range(30)
]

Question = Callable[[WorkCalendar, dt.date], object]
QUESTIONS: list[Question] = [
    WorkCalendar.is_working_day,
    WorkCalendar.is_surely_rest_day,
    WorkCalendar.last_working_day_on_or_before,
    WorkCalendar.first_working_day_on_or_after,
    WorkCalendar.last_working_day_before,
    lambda cal, day: cal.add_working_days(day, 10),
]


def answers(cal: WorkCalendar) -> list[object]:
    return [question(cal, day) for question in QUESTIONS for day in DAYS]


def test_two_calendars_with_different_data_do_not_share_answers() -> None:
    without = WorkCalendar(published_through=2026)
    with_notice = WorkCalendar(published_through=2026, notices=[load_notice(INVENTED_2027)])
    # Asked in turn, each calendar twice (the second time from its cache) ...
    first = [answers(without), answers(with_notice)]
    second = [answers(without), answers(with_notice)]
    assert first == second
    # ... and each as a calendar that never saw the other answers.
    assert first[0] == answers(WorkCalendar(published_through=2026))
    assert first[1] == answers(
        WorkCalendar(published_through=2026, notices=[load_notice(INVENTED_2027)])
    )
    assert first[0] != first[1]  # the notice does change answers: the test has teeth


def test_a_notice_gives_a_new_calendar_and_the_old_one_keeps_its_data() -> None:
    old = WorkCalendar(published_through=2026)
    before = answers(old)
    assert isinstance(old.last_working_day_on_or_before(DAYS[0]), WorkdayAnswer)
    WorkCalendar(published_through=2026, notices=[load_notice(INVENTED_2027)])
    assert answers(old) == before
    # The data a cached answer rests on cannot be changed under it.
    for name in ("published_through", "notices", "data_version"):
        with pytest.raises(AttributeError):
            setattr(old, name, getattr(old, name))


def test_provisional_answers_name_their_years_after_caching() -> None:
    cal = WorkCalendar(published_through=2026)
    answer = cal.add_working_days(dt.date(2027, 9, 28), 5)
    assert answer == cal.add_working_days(dt.date(2027, 9, 28), 5)
    assert answer.provisional
    assert answer.unpublished_years == (2027,)


def fresh_descriptions(permit: PermitInput, cal: WorkCalendar) -> list[Text]:
    descriptions_module._filled.clear()
    descriptions_module._texts.clear()
    return [d.description for d in compute(permit, calendar=cal)]


@pytest.mark.parametrize("policy", ["shanghai", "beijing", "national"])
def test_descriptions_do_not_depend_on_what_was_described_before(policy: str) -> None:
    cal = WorkCalendar(published_through=2026)
    permit = PermitInput.create(
        policy=policy, issued="2025-12-31", card_received=None, cycles=3, changes=["address"]
    )
    alone = fresh_descriptions(permit, cal)
    # Every policy's events over the same days first, with and without changes and points.
    for other in ("shanghai", "beijing", "national"):
        for changes in ([], ["address"]):
            compute(
                PermitInput.create(policy=other, issued="2025-12-31", changes=changes), calendar=cal
            )
    compute(PermitInput.create(issued="2025-12-31", points=False), calendar=cal)
    assert [d.description for d in compute(permit, calendar=cal)] == alone


def test_a_variant_policy_with_the_same_key_gets_its_own_texts() -> None:
    cal = WorkCalendar(published_through=2026)
    shanghai = get_policy("shanghai")
    permit = PermitInput.create(issued="2025-06-01", cycles=1)
    plain = compute(permit, calendar=cal)
    note = Text("变体说明", "A variant's note")
    variant = replace(shanghai, event_note=note)
    with_note = compute(permit, variant, calendar=cal)
    assert all("A variant's note" in d.description.en for d in with_note)
    assert not any("A variant's note" in d.description.en for d in plain)
    assert [d.description for d in compute(permit, calendar=cal)] == [d.description for d in plain]


def test_each_language_reads_its_own_side_of_cached_texts() -> None:
    cal = WorkCalendar(published_through=2026)
    permit = PermitInput.create(issued="2025-06-01", cycles=2)
    deadlines = compute(permit, calendar=cal)
    feeds = {
        lang: to_ical(deadlines, RenderOptions(identity="x", lang=lang))  # type: ignore[arg-type]
        for lang in ("zh", "en", "both")
    }
    for d in deadlines:
        assert d.description.zh.split("\n", 1)[0][:20].encode() not in feeds["en"]
    assert feeds["zh"] != feeds["en"] != feeds["both"]
    again = compute(permit, calendar=cal)
    assert [(d.description.zh, d.description.en) for d in again] == [
        (d.description.zh, d.description.en) for d in deadlines
    ]
