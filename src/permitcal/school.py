"""Layer 2: a school track — a child's stage and year, its checkpoints, and clash warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from permitcal.deadlines import Deadline
from permitcal.errors import InvalidInputError
from permitcal.inputs import PermitInput
from permitcal.policy import Text
from permitcal.school_data import (
    Checkpoint,
    SchoolData,
    Stage,
    StageData,
    default_school_data,
)
from permitcal.school_events import SchoolEvent
from permitcal.school_season import SEASON_LEAD, season
from permitcal.school_warnings import warnings
from permitcal.school_wording import W, checkpoint_text, estimate_mark, join, source_line
from permitcal.tracks import Track, check_key, compute_tracks
from permitcal.workdays import WorkCalendar, default_calendar

__all__ = [
    "SEASON_LEAD",
    "SchoolTrack",
    "compute_feed",
    "compute_school",
    "parse_school",
    "school_feed",
    "school_key",
]

FIRST_YEAR, LAST_YEAR = 2000, 2099


def parse_school(value: object) -> tuple[Stage, int]:
    """``"primary:2027"`` (or a ``(stage, year)`` pair) as a stage and a year."""
    if isinstance(value, str):
        stage_text, sep, year_text = value.partition(":")
        if not sep:
            raise InvalidInputError(
                "school",
                f"expected STAGE:YEAR such as primary:2027, not {value!r}",
                reason="not_stage_year",
                params={"text": value},
            )
        stage_value: object = stage_text.strip()
        year_value: object = year_text.strip()
    elif isinstance(value, tuple) and len(value) == 2:
        stage_value, year_value = value
    else:
        raise InvalidInputError(
            "school", f"expected STAGE:YEAR, not {value!r}", reason="not_stage_year"
        )
    choices = [s.value for s in Stage]
    if stage_value not in choices:
        raise InvalidInputError(
            "school",
            f"unknown stage {stage_value!r}: one of {', '.join(choices)}",
            reason="not_one_of",
            params={
                "choices": choices,
                **({"text": stage_value} if isinstance(stage_value, str) else {}),
            },
        )
    year = year_value
    if isinstance(year_value, str) and year_value.isascii() and year_value.isdigit():
        year = int(year_value)
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInputError(
            "school",
            f"the year must be a whole number {FIRST_YEAR}–{LAST_YEAR}, not {year_value!r}",
            reason="out_of_range",
            params={
                "min": FIRST_YEAR,
                "max": LAST_YEAR,
                **({"value": year} if isinstance(year, int) else {}),
            },
        )
    return Stage(stage_value), year


@dataclass(frozen=True)
class SchoolTrack:
    """A child's school step in one year, and the permit tracks (by key) it depends on.

    ``key`` starts the UIDs of its events, like a permit track's: keep it for
    the same child and step. ``labels`` names permits in warnings ("妻子");
    without one, a permit is named by its key when there are several.
    """

    key: str
    stage: Stage
    year: int
    permits: tuple[str, ...]
    city: str = "shanghai"
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_key(self.key)
        stage, year = parse_school((self.stage, self.year))
        object.__setattr__(self, "stage", stage)
        object.__setattr__(self, "year", year)
        # The permits are part of the school input ("which permits it depends on").
        object.__setattr__(self, "permits", tuple(check_key(k, "school") for k in self.permits))
        if len(set(self.permits)) != len(self.permits):
            raise InvalidInputError(
                "school",
                "a permit is named twice",
                reason="duplicate_track",
                params={"text": next(k for k in self.permits if self.permits.count(k) > 1)},
            )

    @classmethod
    def create(
        cls, key: str, school: object, permits: Sequence[str], **options: Any
    ) -> SchoolTrack:
        """From ``"primary:2027"`` (see :func:`parse_school`) and the permit keys."""
        stage, year = parse_school(school)
        return cls(key, stage, year, tuple(permits), **options)


def compute_school(
    school: SchoolTrack,
    tracks: Sequence[Track],
    calendar: WorkCalendar | None = None,
    data: SchoolData | None = None,
) -> list[SchoolEvent]:
    """The school track's events: checkpoints, a watch reminder, and clash warnings, by date.

    It reads only the permit tracks it names; permit tracks never read it.
    """
    data = data or default_school_data()
    cal = calendar or default_calendar()
    stage_data = data.stage(school.city, school.stage)
    if stage_data is None:
        raise InvalidInputError(
            "school",
            f"no {school.stage.value} data for {school.city} in {data.source}",
            reason="no_school_data",
            params={"stage": school.stage.value, "year": school.year},
        )
    found = season(stage_data, school.stage, school.year, data.source)
    events = [_checkpoint_event(school, c, found.estimated_from, cal) for c in found.checkpoints]
    if stage_data.watch is not None:
        events.append(_watch_event(school, stage_data, cal))
    by_key = {t.key: t for t in tracks}
    for key in school.permits:
        track = by_key.get(key)
        if track is None:
            raise InvalidInputError(
                "school",
                f"the school track {school.key!r} depends on {key!r}, which is not a permit track "
                "of this feed",
                reason="unknown_track",
                params={"text": key},
            )
        if track.policy.id != school.city:
            raise InvalidInputError(
                "school",
                f"the {school.city} school checkpoints need a {school.city} permit, and {key!r} "
                f"is under {track.policy.id!r}",
                reason="wrong_city",
                params={"text": key},
            )
        events.extend(warnings(school, track, found, cal))
    events.sort(key=lambda e: (e.date, e.rule))
    return events


def compute_feed(
    tracks: Sequence[Track],
    schools: Sequence[SchoolTrack] = (),
    calendar: WorkCalendar | None = None,
    today: dt.date | None = None,
    data: SchoolData | None = None,
) -> list[Deadline | SchoolEvent]:
    """The permit tracks' deadlines (as :func:`compute_tracks` gives them) and the school
    tracks' events, merged by date. Every key must differ (they start the UIDs)."""
    keys = [t.key for t in tracks] + [s.key for s in schools]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise InvalidInputError(
                "track",
                f"two tracks share the key {key!r}: their events would share UIDs",
                reason="duplicate_track",
                params={"text": key},
            )
    merged: list[tuple[dt.date, int, Deadline | SchoolEvent]] = [
        (d.date, 0, d) for d in compute_tracks(tracks, calendar, today)
    ]
    for index, school in enumerate(schools, start=1):
        merged.extend((e.date, index, e) for e in compute_school(school, tracks, calendar, data))
    merged.sort(key=lambda item: (item[0], item[1]))
    return [item for _, _, item in merged]


def school_key(identity: str, stage: Stage, year: int) -> str:
    """The key of a one-permit feed's school track: ``<identity>.school-<stage>-<year>``.

    Built from the feed's identity, so it is as stable as the permit's own UIDs
    and never equal to another feed's.
    """
    return f"{identity}.school-{stage.value}-{year}"


def school_feed(
    permit: PermitInput,
    identity: str,
    schools: Sequence[object],
    calendar: WorkCalendar | None = None,
    today: dt.date | None = None,
    data: SchoolData | None = None,
) -> list[Deadline | SchoolEvent]:
    """One permit (its track keyed by ``identity``) and school tracks that depend on it.

    For a caller with one permit (the CLI, :func:`permitcal.ics_bytes`, a stateless
    feed): each of ``schools`` is ``"STAGE:YEAR"`` or a ``(stage, year)`` pair.
    """
    parsed = list(dict.fromkeys(parse_school(value) for value in schools))
    tracks = [
        SchoolTrack(school_key(identity, stage, year), stage, year, (identity,))
        for stage, year in parsed
    ]
    return compute_feed([Track(identity, permit)], tracks, calendar, today, data)


def _stage_name(school: SchoolTrack) -> Text:
    return school.stage.label


def _checkpoint_event(
    school: SchoolTrack, c: Checkpoint, estimated_from: int | None, cal: WorkCalendar
) -> SchoolEvent:
    stage = _stage_name(school)
    parts = [checkpoint_text(c, estimated_from)]
    if not c.checks:
        parts.append(W.checks_nothing)
    else:
        parts.append(W.checks_points if "points" in c.checks else W.checks_permit)
        note = W.points_required if school.stage.points_required else W.points_priority
        parts.append(note.format(stage=stage))
    if estimated_from is not None:
        parts.append(W.estimated.format(year=school.year, source=estimated_from))
    if c.district is not None:
        parts.append(W.district.format(district=c.district))
    parts.append(W.check_notice)
    parts.append(source_line(c.firmness, c.source_title, c.source_url))
    title = Text(c.what.zh, c.what.en)
    mark = estimate_mark(estimated_from)
    return SchoolEvent(
        track=school.key,
        rule=c.id,
        kind="school_checkpoint",
        date=c.start,
        end=c.end,
        year=school.year,
        stage=school.stage.value,
        title=Text(title.zh + mark.zh, title.en + mark.en),
        description=join(parts),
        estimated_from=estimated_from,
        firmness=c.firmness,
        sources=((c.source_title, c.source_url),),
        checks=c.checks,
        working_day=cal.is_working_day(c.start),
        alarm_on=c.start if c.checks else None,
    )


def _watch_event(school: SchoolTrack, data: StageData, cal: WorkCalendar) -> SchoolEvent:
    watch = data.watch
    assert watch is not None
    stage = _stage_name(school)
    date = dt.date(school.year, watch.month, 1)
    parts = [W.watch_body.format(what=watch.what)]
    if watch.checks:
        parts.append(W.checks_points if "points" in watch.checks else W.checks_permit)
        note = W.points_required if school.stage.points_required else W.points_priority
        parts.append(note.format(stage=stage))
    parts.append(W.check_notice)
    parts.append(source_line(watch.firmness, watch.source_title, watch.source_url))
    return SchoolEvent(
        track=school.key,
        rule="watch",
        kind="school_watch",
        date=date,
        end=date,
        year=school.year,
        stage=school.stage.value,
        title=W.watch_title.format(year=school.year, stage=stage),
        description=join(parts),
        estimated_from=None,
        firmness=watch.firmness,
        sources=((watch.source_title, watch.source_url),),
        checks=watch.checks,
        working_day=cal.is_working_day(date),
        alarm_on=date,
    )
