"""A school track's event (checkpoint, watch, clash warning): its JSON form and its VEVENT."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from icalendar import Event
from icalendar.prop import vDDDTypes

from permitcal.ical import RenderOptions, _base_event, event_uid
from permitcal.ical_write import Item
from permitcal.policy import Lang, Text
from permitcal.school_wording import CATEGORY

__all__ = ["SchoolEvent", "SchoolKind"]

SchoolKind = Literal["school_checkpoint", "school_watch", "school_warning"]


class _Slot(NamedTuple):
    """What :func:`event_uid` reads: a date naming the cycle, and the event's id."""

    expiry: dt.date
    rule: str


@dataclass(frozen=True, slots=True)
class SchoolEvent:
    """One event of a school track; all-day, from ``date`` through ``end``."""

    track: str
    """The school track's key: it starts the UID."""
    rule: str
    """The slot within the track: a checkpoint id, ``watch``, or ``warn-permit.<permit key>``
    / ``warn-points.<permit key>``. With the year it names the UID, so a checkpoint keeps
    its UID when its dates go from estimated to published, and a warning keeps its UID
    (its text and date change, so a stored feed raises its SEQUENCE) when a permit's
    dates change."""
    kind: SchoolKind
    date: dt.date
    end: dt.date
    """The last day, included (a notice's range)."""
    year: int
    stage: str
    title: Text
    description: Text
    estimated_from: int | None
    """The year whose dates were moved to this year's (按往年估计), or None."""
    firmness: str
    """The source's firmness (see :data:`permitcal.school_data.FIRMNESS`)."""
    sources: tuple[tuple[str, str | None], ...]
    checks: tuple[str, ...]
    working_day: bool
    alarm_on: dt.date | None
    """The day its alarm rings at 09:00 (a warning's rings earlier too: see :meth:`vevents`)."""
    provisional: bool = False
    """A warning's day was counted over a year without a holiday notice."""
    permit: str | None = None
    """A warning's permit track key."""
    expiry: dt.date | None = None
    """A warning's permit expiry."""

    @property
    def estimate(self) -> bool:
        return self.estimated_from is not None

    def uid(self, suffix: str = "") -> str:
        """``<track>-<year>0101-<rule>@permitcal``: the year, not a date that may move."""
        return event_uid(self.track, _Slot(dt.date(self.year, 1, 1), self.rule), suffix)

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The JSON form ``permitcal show --json`` prints: a deadline's keys (``cycle`` and
        ``basis`` null, ``expiry`` the warned permit's) and the school's own."""
        return {
            "rule": self.rule,
            "cycle": None,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "basis": None,
            "expiry": None if self.expiry is None else self.expiry.isoformat(),
            "estimate": self.estimate,
            "provisional": self.provisional,
            "date_provisional": False,
            "working_day": self.working_day,
            "nearest_working_day": self.date.isoformat(),
            "title": self.title.get(lang, " / "),
            "description": self.description.get(lang),
            "track": self.track,
            "end": self.end.isoformat(),
            "stage": self.stage,
            "year": self.year,
            "estimated_from": self.estimated_from,
            "firmness": self.firmness,
            "checks": list(self.checks),
            "permit": self.permit,
            "sources": [{"title": t, "url": u} for t, u in self.sources],
        }

    def vevents(self, options: RenderOptions) -> list[tuple[dt.date, Event]]:
        """The event as :func:`permitcal.to_vcalendar` adds it: (sort date, VEVENT)."""
        alarm_on = self.alarm_on
        if self.kind == "school_warning" and alarm_on is not None and options.alarms:
            # Google and Outlook drop feed alarms; where they ring, ring with time to act.
            alarm_on = alarm_on - dt.timedelta(days=max(options.alarms))
        item = Item(
            self.date,
            self.uid(),
            self.title.get(options.lang, " "),
            self.description.get(options.lang),
            alarm_on,
            CATEGORY.get(options.lang, " / "),
        )
        event = _base_event(item, options)
        # A notice's range is one multi-day event (DTEND exclusive), assigned in place
        # so the property order stays.
        event["DTEND"] = vDDDTypes(self.end + dt.timedelta(days=1))
        return [(self.date, event)]
