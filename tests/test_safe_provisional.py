"""Back-test of the safe provisional answers: hide each notice of 2017–2026 and compare.

For each year Y, ``WorkCalendar(published_through=Y - 1)`` answers as if Y's
notice were not yet published; ``WorkCalendar()`` knows it. RULES.md asks
that no act-by day and no R6 date is later than the notice's, and that the
safe answers stay under a day or so earlier in the mean. ``pytest -s``
prints the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import pytest

from permitcal import SHANGHAI, PermitInput, WorkCalendar, compute
from permitcal.notices import statutory_days

YEARS = range(2017, 2027)
R6_WORKING_DAYS = 5
# The New Year break of Y's notice may start in December of Y - 1.
DECEMBER_TAIL = 17
DAY = dt.timedelta(days=1)

# Measured with the bounds of permitcal.notices (mean days earlier than the
# notice): act-by 0.20, R6 0.67, opening 0.20 later. The limits sit just above.
MAX_MEAN_EARLIER_ACT_BY = 0.25
MAX_MEAN_EARLIER_R6 = 0.75
MAX_MEAN_LATER_OPENING = 0.25
# R6's act-by day as the event states it (never before the card): measured 1.14
# days earlier than with the notice in the mean, 15 at worst (before the card-day
# floor: 1.23 and 17, and 133 of 3,652 card days had an act-by on or before the card).
MAX_MEAN_EARLIER_R6_ACT_BY = 1.2
# What counting statutory days and weekends only gave (the rule before the
# safe answers): about 4% of act-by days and 5% of R6 dates too late.
MIN_UNSAFE_SHARE_OF_OLD_RULE = 0.03


@dataclass
class Tally:
    """How one question's answers compare with the notice's, over many days."""

    days: int = 0
    wrong_side: list[str] = field(default_factory=list)
    """Answers on the unsafe side: later for deadlines and counts, earlier for openings."""
    days_off_safe_side: int = 0
    """The sum of the distances to the notice's answer, on the safe side."""
    largest_gap: int = 0
    """The largest of those distances."""

    def add(self, day: dt.date, safe: dt.date, real: dt.date, later_is_unsafe: bool) -> None:
        self.days += 1
        gap = (real - safe).days if later_is_unsafe else (safe - real).days
        if gap < 0:
            self.wrong_side.append(f"{day}: {safe} vs the notice's {real}")
        else:
            self.days_off_safe_side += gap
            self.largest_gap = max(self.largest_gap, gap)

    @property
    def mean(self) -> float:
        return self.days_off_safe_side / self.days

    @property
    def unsafe_share(self) -> float:
        return len(self.wrong_side) / self.days


def days_of(year: int) -> Iterator[dt.date]:
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += DAY


def december_tail(year: int) -> Iterator[dt.date]:
    for offset in range(DECEMBER_TAIL, 0, -1):
        yield dt.date(year, 1, 1) - offset * DAY


@pytest.fixture(scope="module")
def real() -> WorkCalendar:
    return WorkCalendar()


@pytest.fixture(scope="module")
def hidden() -> dict[int, WorkCalendar]:
    return {year: WorkCalendar(published_through=year - 1) for year in YEARS}


# Each question a deadline asks of the working days, and which direction is unsafe.
QUESTIONS: dict[str, tuple[Callable[[WorkCalendar, dt.date], dt.date], bool]] = {
    "act_by": (lambda cal, day: cal.last_working_day_on_or_before(day).date, True),
    "consequence": (lambda cal, day: cal.last_working_day_before(day).date, True),
    "opening": (lambda cal, day: cal.first_working_day_on_or_after(day).date, False),
    "r6": (lambda cal, day: cal.add_working_days(day, R6_WORKING_DAYS).date, True),
}


@pytest.fixture(scope="module")
def figures(real: WorkCalendar, hidden: dict[int, WorkCalendar]) -> dict[str, Tally]:
    tallies = {name: Tally() for name in ("act_by", "consequence", "opening", "r6", "december")}
    for year in YEARS:
        safe = hidden[year]
        for day in days_of(year):
            for name, (ask, later_is_unsafe) in QUESTIONS.items():
                tallies[name].add(day, ask(safe, day), ask(real, day), later_is_unsafe)
        for day in december_tail(year):
            for name in ("act_by", "r6"):
                ask = QUESTIONS[name][0]
                tallies["december"].add(day, ask(safe, day), ask(real, day), later_is_unsafe=True)
    print()
    for name, tally in tallies.items():
        print(
            f"safe {name:11}: {len(tally.wrong_side)} of {tally.days} on the unsafe side, "
            f"mean {tally.mean:.3f} days on the safe side"
        )
    return tallies


@pytest.mark.parametrize("question", ["act_by", "consequence", "r6", "december"])
def test_no_safe_answer_is_later_than_the_notices(figures: dict[str, Tally], question: str) -> None:
    assert figures[question].wrong_side == []


def test_no_safe_opening_is_earlier_than_the_notices(figures: dict[str, Tally]) -> None:
    # An opening named too early may send a person to a closed centre; one named
    # later cannot hide a deadline, since every window closes weeks after it opens.
    assert figures["opening"].wrong_side == []


@pytest.mark.parametrize(
    ("question", "limit"),
    [
        ("act_by", MAX_MEAN_EARLIER_ACT_BY),
        ("consequence", MAX_MEAN_EARLIER_ACT_BY),
        ("r6", MAX_MEAN_EARLIER_R6),
        ("opening", MAX_MEAN_LATER_OPENING),
    ],
)
def test_safe_answers_stay_close_to_the_notices(
    figures: dict[str, Tally], question: str, limit: float
) -> None:
    assert figures[question].mean < limit


@pytest.mark.parametrize("year", YEARS)
def test_answers_over_a_hidden_year_are_provisional(
    hidden: dict[int, WorkCalendar], year: int
) -> None:
    safe = hidden[year]
    for day in days_of(year):
        for answer in (
            safe.last_working_day_on_or_before(day),
            safe.first_working_day_on_or_after(day),
            safe.add_working_days(day, R6_WORKING_DAYS),
        ):
            assert year in answer.unpublished_years, day


@pytest.mark.parametrize("year", YEARS)
def test_hiding_a_notice_hides_all_it_says(
    real: WorkCalendar, hidden: dict[int, WorkCalendar], year: int
) -> None:
    # Nothing the notice alone decides may be known with certainty: its make-up
    # weekends are not surely worked, and its non-statutory days off may be worked.
    safe = hidden[year]
    statutory = statutory_days(year)
    for day in [*december_tail(year), *days_of(year)]:
        if day.weekday() >= 5 and real.is_working_day(day):
            assert not safe.is_working_day(day), f"make-up day {day} leaked"
        if day.weekday() < 5 and not real.is_working_day(day) and day not in statutory:
            assert safe.add_working_days(day - DAY, 1).date == day, f"day off {day} leaked"


def _scan(day: dt.date, step: int, working: Callable[[dt.date], bool]) -> dt.date:
    while not working(day):
        day += step * DAY
    return day


def _count(start: dt.date, count: int, working: Callable[[dt.date], bool]) -> dt.date:
    day = start
    while count:
        day += DAY
        count -= working(day)
    return day


def _old_rule(real: WorkCalendar, hidden_from: int) -> Callable[[dt.date], bool]:
    """Working days as the code before the safe answers had them, with ``hidden_from`` on hidden."""

    def working(day: dt.date) -> bool:
        if day.year < hidden_from:
            return real.is_working_day(day)
        return day.weekday() < 5 and day not in statutory_days(day.year)

    return working


def test_the_back_test_catches_the_old_rule(real: WorkCalendar) -> None:
    # Counting only statutory days and weekends in the hidden year must show up
    # as unsafe, or the comparison above proves nothing.
    act_by, r6 = Tally(), Tally()
    for year in YEARS:
        old_rule = _old_rule(real, year)
        for day in days_of(year):
            act_by.add(
                day,
                _scan(day, -1, old_rule),
                real.last_working_day_on_or_before(day).date,
                later_is_unsafe=True,
            )
            r6.add(
                day,
                _count(day, R6_WORKING_DAYS, old_rule),
                real.add_working_days(day, R6_WORKING_DAYS).date,
                later_is_unsafe=True,
            )
    print(
        f"\nold rule: act-by {len(act_by.wrong_side)} of {act_by.days} later "
        f"({act_by.unsafe_share:.1%}), R6 {len(r6.wrong_side)} of {r6.days} later "
        f"({r6.unsafe_share:.1%})"
    )
    assert act_by.unsafe_share > MIN_UNSAFE_SHARE_OF_OLD_RULE
    assert r6.unsafe_share > MIN_UNSAFE_SHARE_OF_OLD_RULE


# Only R6: the back-test asks about its act-by day, as the event states it.
R6_ONLY = replace(SHANGHAI, rules=(SHANGHAI.rule("R6"),))


def r6_act_by(card: dt.date, cal: WorkCalendar) -> dt.date:
    """R6's act-by day as the library states it, for a card received on ``card``."""
    permit = PermitInput.create(expires=card, card_received=card, cycles=1)
    (deadline,) = (x for x in compute(permit, R6_ONLY, cal) if x.cycle == 1)
    return deadline.nearest_working_day


@pytest.fixture(scope="module")
def r6_act_by_figures(
    real: WorkCalendar, hidden: dict[int, WorkCalendar]
) -> tuple[Tally, list[str]]:
    tally, before_card = Tally(), []
    for year in YEARS:
        for card in days_of(year):
            safe = r6_act_by(card, hidden[year])
            tally.add(card, safe, r6_act_by(card, real), later_is_unsafe=True)
            if safe < card:
                before_card.append(f"{card}: act by {safe}")
    print(
        f"\nR6 act-by as stated: {len(tally.wrong_side)} of {tally.days} later than with the "
        f"notice, {len(before_card)} before the card, mean {tally.mean:.3f} days earlier, "
        f"{tally.largest_gap} at worst"
    )
    return tally, before_card


def test_r6_act_by_as_stated_is_never_later_than_the_notices(
    r6_act_by_figures: tuple[Tally, list[str]],
) -> None:
    tally, _ = r6_act_by_figures
    assert tally.wrong_side == []
    assert tally.mean < MAX_MEAN_EARLIER_R6_ACT_BY


def test_r6_act_by_as_stated_is_never_before_the_card(
    r6_act_by_figures: tuple[Tally, list[str]],
) -> None:
    _, before_card = r6_act_by_figures
    assert before_card == []
