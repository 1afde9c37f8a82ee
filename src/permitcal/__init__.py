"""permitcal: residence permit (居住证) deadlines as iCalendar, under each city's policy.

>>> import permitcal
>>> expiry = [d for d in permitcal.compute_deadlines(issued="2023-06-01") if d.rule == "R1"][0]
>>> expiry.date, expiry.working_day, expiry.nearest_working_day
(datetime.date(2024, 6, 1), False, datetime.date(2024, 5, 31))
>>> list(permitcal.policies())
['shanghai', 'beijing', 'national']
"""

import warnings
from typing import Any

from permitcal._version import __version__
from permitcal.deadlines import Deadline, compute, compute_deadlines
from permitcal.errors import InvalidDateError, InvalidInputError, PermitcalError
from permitcal.ical import RenderOptions, default_identity, to_ical, to_vcalendar
from permitcal.inputs import PermitInput, parse_date
from permitcal.one_call import ics_bytes
from permitcal.policy import (
    BEIJING,
    NATIONAL,
    SHANGHAI,
    Basis,
    Change,
    Cycle,
    Kind,
    Policy,
    Rule,
    Text,
    get_policy,
    policies,
)
from permitcal.school import SchoolTrack, compute_feed, compute_school, parse_school
from permitcal.school_data import (
    SchoolData,
    SchoolDataError,
    Stage,
    default_school_data,
    load_school_data,
)
from permitcal.school_events import SchoolEvent
from permitcal.tracks import Track, compute_tracks
from permitcal.workdays import WorkCalendar, WorkdayAnswer

__all__ = [
    "BEIJING",
    "NATIONAL",
    "SHANGHAI",
    "Basis",
    "Change",
    "Cycle",
    "Deadline",
    "InvalidDateError",
    "InvalidInputError",
    "Kind",
    "PermitInput",
    "PermitcalError",
    "Policy",
    "RenderOptions",
    "Rule",
    "SchoolData",
    "SchoolDataError",
    "SchoolEvent",
    "SchoolTrack",
    "Stage",
    "Text",
    "Track",
    "WorkCalendar",
    "WorkdayAnswer",
    "__version__",
    "compute",
    "compute_deadlines",
    "compute_feed",
    "compute_school",
    "compute_tracks",
    "default_identity",
    "default_school_data",
    "get_policy",
    "ics_bytes",
    "load_school_data",
    "parse_date",
    "parse_school",
    "policies",
    "to_ical",
    "to_vcalendar",
]

# Names of 0.x, kept working with a warning: "calendar" now means only the
# working-day calendar (WorkCalendar); the iCalendar object is a VCALENDAR.
_RENAMED = {"to_calendar": "to_vcalendar", "calendar_bytes": "ics_bytes"}


def __getattr__(name: str) -> Any:
    if name in _RENAMED:
        new = _RENAMED[name]
        warnings.warn(f"permitcal.{name} is now permitcal.{new}", DeprecationWarning, stacklevel=2)
        return globals()[new]
    raise AttributeError(f"module 'permitcal' has no attribute {name!r}")
