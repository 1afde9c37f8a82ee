"""Layer 2: a rule's day, the count behind it and the day to act, kept per calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from permitcal.by_identity import ByIdentity
from permitcal.cycles import calendar_step
from permitcal.policy import ActOn, Anchor, Rule, Step, Unit
from permitcal.workdays import WorkCalendar, WorkdayAnswer, _answer_of

__all__ = ["Dated", "PlannedRule", "dated_answer", "dated_answers", "question"]

# The working day a person acts on, as each kind of event says (Kind.act_on).
_WORKING_DAY_TO_ACT: dict[ActOn, Callable[[WorkCalendar, dt.date], WorkdayAnswer]] = {
    ActOn.ON_OR_BEFORE: WorkCalendar.last_working_day_on_or_before,
    ActOn.ON_OR_AFTER: WorkCalendar.first_working_day_on_or_after,
    ActOn.BEFORE: WorkCalendar.last_working_day_before,
}


class PlannedRule:
    """A rule with what ``_deadline`` looks up for it once per policy instead of per event."""

    __slots__ = ("act", "question", "rule", "shift", "without_points")

    def __init__(self, rule: Rule, question: int) -> None:
        self.rule = rule
        self.question = question
        """Names the rule's date question (steps, act-on, card anchor) among all policies."""
        self.act = _WORKING_DAY_TO_ACT[rule.kind.act_on]
        self.shift: dt.timedelta | None = None
        """The steps as one shift, when they are all calendar days (no month to clamp)."""
        if all(step.unit is Unit.DAYS for step in rule.steps):
            self.shift = dt.timedelta(days=sum(step.amount for step in rule.steps))
        self.without_points = rule
        if rule.without_points is not None:
            title, text = rule.without_points
            self.without_points = replace(rule, title=title, description=text)


# A rule's date question: the same steps, working day to act on and anchor give
# the same dated answer from the same anchor day, whichever rule or policy asks.
questions: dict[tuple[tuple[Step, ...], ActOn, bool], int] = {}


def question(rule: Rule) -> int:
    key = (rule.steps, rule.kind.act_on, rule.anchor is Anchor.CARD_RECEIVED)
    return questions.setdefault(key, len(questions))


# What dated_answer gives: the day, the count that led to it, the day to act on,
# whether the day is a working day, surely a rest day, and whether one acts on
# the day the card arrived.
Dated = tuple[dt.date, WorkdayAnswer, WorkdayAnswer, bool, bool, bool]

# Per calendar, as WorkCalendar keeps its own answers: an event's dated part by
# (question, anchor day). A calendar's holiday data never changes, so an entry
# cannot go stale; every feed whose cycle ends on the same day asks the same
# questions. Past _MAX_DATED answers a calendar starts again, as in descriptions.py.
_MAX_DATED = 200_000
_by_calendar: ByIdentity[WorkCalendar, dict[tuple[int, dt.date], Dated]] = ByIdentity(
    lambda _cal: {}
)


def dated_answers(cal: WorkCalendar) -> dict[tuple[int, dt.date], Dated]:
    answers = _by_calendar(cal)
    if len(answers) >= _MAX_DATED:
        answers.clear()
    return answers


def dated_answer(anchor: dt.date, rule: Rule, planned: PlannedRule, cal: WorkCalendar) -> Dated:
    """An event's day counted from ``anchor``, and what the calendar says about it."""
    if planned.shift is not None:
        counted = _answer_of(anchor + planned.shift, False, ())
    else:
        counted = apply_steps(anchor, rule.steps, cal)
    day = counted.date
    nearest = planned.act(cal, day)
    # The safe act-by day may fall before the card arrived when every possible
    # day off before the deadline counts as one; nobody can act before the card.
    # (An estimate assumes the card arrives on its anchor, the expiry: the same holds.)
    act_on_receipt = rule.anchor is Anchor.CARD_RECEIVED and nearest.date < anchor
    if act_on_receipt:
        nearest = WorkdayAnswer(anchor, nearest.provisional, nearest.unpublished_years)
    working_day = cal.is_working_day(day)
    surely_rest_day = not working_day and cal.is_surely_rest_day(day)
    # Whether `day` itself is a working day rests on its own year's notice too
    # (a consequence's nearest working day may lie in the year before).
    if not cal.notice_published(day.year) and not (
        nearest.provisional and day.year in nearest.unpublished_years  # it says so already
    ):
        years = tuple(sorted({*nearest.unpublished_years, day.year}))
        nearest = WorkdayAnswer(nearest.date, True, years)
    return day, counted, nearest, working_day, surely_rest_day, act_on_receipt


def apply_steps(start: dt.date, steps: tuple[Step, ...], cal: WorkCalendar) -> WorkdayAnswer:
    """Apply the steps in order; only working-day steps can make the result provisional."""
    day = start
    unpublished: tuple[int, ...] = ()
    for step in steps:
        if step.unit is not Unit.WORKING_DAYS:
            day = calendar_step(day, step)
        else:
            if step.amount < 1:
                raise ValueError("working-day steps count forward")  # a policy bug
            answer = cal.add_working_days(day, step.amount)
            day = answer.date
            if answer.unpublished_years:
                unpublished = tuple(sorted({*unpublished, *answer.unpublished_years}))
    return WorkdayAnswer(day, bool(unpublished), unpublished)
