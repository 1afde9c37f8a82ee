"""A stage's checkpoints for one year: as published, or estimated from the last year published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from permitcal.errors import InvalidInputError
from permitcal.school_data import Checkpoint, Stage, StageData

__all__ = ["SEASON_LEAD", "Season", "same_week_day", "season"]

SEASON_LEAD = dt.timedelta(days=90)
"""A permit expiring this long before the first checkpoint can still be lapsed on it:
the late endorsement keeps continuity for 60 days and needs a new permit after 90."""


@dataclass(frozen=True, slots=True)
class Season:
    """A stage's checkpoints for one year, maybe estimated from an earlier year's."""

    checkpoints: tuple[Checkpoint, ...]
    estimated_from: int | None

    @property
    def checked(self) -> tuple[Checkpoint, ...]:
        return tuple(c for c in self.checkpoints if c.checks)


def season(data: StageData, stage: Stage, year: int, source: str) -> Season:
    """The year's checkpoints: as published, else the last earlier year's moved (an estimate)."""
    if year in data.years:
        return Season(data.years[year], None)
    earlier = [y for y in data.years if y < year]
    if earlier:
        base = max(earlier)
        return Season(tuple(_moved(c, year - base) for c in data.years[base]), base)
    if data.years and data.watch is None:
        first = min(data.years)
        raise InvalidInputError(
            "school",
            f"no {stage.value} checkpoints before {first} in {source}",
            reason="no_school_data",
            params={"stage": stage.value, "year": year, "first": first},
        )
    return Season((), None)


def _moved(checkpoint: Checkpoint, years: int) -> Checkpoint:
    return replace(
        checkpoint,
        start=same_week_day(checkpoint.start, years),
        end=same_week_day(checkpoint.end, years),
    )


def same_week_day(date: dt.date, years: int) -> dt.date:
    """The same ISO weekday of the same ISO week ``years`` later (notices keep their weekdays).

    >>> same_week_day(dt.date(2024, 4, 15), 3)  # Monday of week 16
    datetime.date(2027, 4, 19)
    """
    iso = date.isocalendar()
    target = iso.year + years
    weeks = dt.date(target, 12, 28).isocalendar().week  # 52 or 53
    return dt.date.fromisocalendar(target, min(iso.week, weeks), iso.weekday)
