"""The sentence at the top of the result page: the next deadline, the day to act by, what to do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from permitcal.deadlines import Deadline
from permitcal.policy import Policy
from permitcal.policy.model import Anchor, Kind
from permitcal.web.storage.household import Household
from permitcal.web.words.texts import UiLang, format_day, ui_text

__all__ = ["NextStep", "household_next_step", "next_step", "whose"]


@dataclass(frozen=True, slots=True)
class NextStep:
    rule: str
    title: str
    day: str
    detail: str
    how: str
    """Where and how to do it, in one sentence."""
    date: dt.date | None = None
    who: str = ""
    """Whose permit it is, "【妈妈】" / "[Mom] ", when the calendar holds several."""


def next_step(
    deadlines: Sequence[Deadline], policy: Policy, today: dt.date, lang: UiLang
) -> NextStep | None:
    """The first deadline still ahead that asks something of the person, in words."""
    # A cycle whose renewed card is recorded is renewed: its expiry asks nothing more,
    # and its points declaration (anchored on that card) is what comes next.
    renewed = {
        d.expiry
        for d in deadlines
        if policy.rule(d.rule).anchor is Anchor.CARD_RECEIVED and not d.estimate
    }
    ahead = [
        d
        for d in deadlines
        if d.kind is Kind.DEADLINE
        and d.nearest_working_day >= today
        and policy.rule(d.rule).todo is not None
        and not (d.expiry in renewed and policy.rule(d.rule).anchor is Anchor.EXPIRY)
    ]
    if not ahead:
        return None
    due = ahead[0]
    todo = policy.rule(due.rule).todo
    assert todo is not None
    opening = next(
        (
            d
            for d in deadlines
            # The window that opens for this very act: the same cycle, the same anchor
            # (the renewal window says nothing about the points declaration).
            if d.kind is Kind.OPENING
            and d.expiry == due.expiry
            and policy.rule(d.rule).anchor is policy.rule(due.rule).anchor
            and today < d.date <= due.date
        ),
        None,
    )
    if opening is not None:
        what = ui_text("next_opens", lang).format(
            day=format_day(opening.nearest_working_day, lang), todo=todo.get(lang)
        )
    else:
        what = ui_text("next_do", lang).format(todo=todo.get(lang))
    if not due.working_day:
        key = "next_act_by_maybe" if due.provisional else "next_act_by"
        what += ui_text(key, lang).format(
            day=format_day(due.date, lang, weekday=False),
            act_by=format_day(due.nearest_working_day, lang),
        )
    return NextStep(
        rule=due.rule,
        title=due.title.get(lang),
        day=format_day(due.date, lang),
        detail=what + ui_text("next_end", lang),
        how=ui_text("next_how_points" if policy.rule(due.rule).points else "next_how_permit", lang),
        date=due.date,
    )


def household_next_step(
    household: Household, deadlines: Sequence[Deadline], today: dt.date, lang: UiLang
) -> NextStep | None:
    """The earliest next step of any permit of the calendar, naming whose it is when there
    are several: each permit's step is found among its own deadlines, under its own policy."""
    labels = household.labels
    steps = []
    for permit in household.permits:
        mine = [d for d in deadlines if d.track == permit.key] if labels else list(deadlines)
        step = next_step(mine, permit.settings.rules, today, lang)
        if step is not None:
            steps.append(replace(step, who=whose(labels.get(permit.key or "", ""), lang)))
    return min(steps, key=lambda step: step.date or dt.date.max, default=None)


def whose(label: str, lang: UiLang) -> str:
    """A label as the feed's titles start with it: "【妈妈】", in English "[Mom] "."""
    if not label:
        return ""
    return f"[{label}] " if lang == "en" else f"【{label}】"
