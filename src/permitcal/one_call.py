"""The one-call entry points: inputs in, deadlines or iCalendar bytes out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Unpack

from permitcal.deadlines import compute
from permitcal.ical import DEFAULT_ALARMS, RenderOptions, default_identity, to_ical
from permitcal.inputs import PermitArgs, PermitInput
from permitcal.policy import DEFAULT_POLICY
from permitcal.school import school_feed
from permitcal.school_data import SchoolData
from permitcal.workdays import WorkCalendar

__all__ = ["ics_bytes"]


def ics_bytes(
    *,
    lang: object = "zh",
    alarms: Iterable[object] = DEFAULT_ALARMS,
    identity: str | None = None,
    stamp: dt.datetime | None = None,
    sequence: int = 0,
    url: str | None = None,
    policy: object = DEFAULT_POLICY,
    calendar: WorkCalendar | None = None,
    today: dt.date | None = None,
    school: Iterable[object] = (),
    school_data: SchoolData | None = None,
    **inputs: Unpack[PermitArgs],
) -> bytes:
    """The .ics bytes for a permit; the same arguments always give the same bytes.

    ``identity`` keeps UIDs stable across changes of a stored subscription;
    without it they are derived from the inputs. ``stamp`` and ``sequence``
    describe the record's last change (DTSTAMP, LAST-MODIFIED, SEQUENCE).
    ``today`` starts the cycles at the live one (see :func:`compute_deadlines`).
    ``policy`` is a key of :func:`permitcal.policies` (or a Policy).
    ``school`` adds school tracks depending on this permit, each ``"STAGE:YEAR"``
    (``"primary:2027"``) or a ``(stage, year)`` pair; their checkpoints come from
    ``school_data`` (default: :func:`permitcal.school_data.default_school_data`).

    >>> data = ics_bytes(issued="2023-06-01", lang="en", cycles=1)
    >>> data.startswith(b"BEGIN:VCALENDAR\\r\\n") and b"DTSTART;VALUE=DATE:20240601" in data
    True
    """
    permit = PermitInput.create(policy=policy, **inputs)
    options = RenderOptions(
        identity=identity or default_identity(permit),
        lang=lang,  # type: ignore[arg-type]  # validated in RenderOptions
        stamp=stamp,
        sequence=sequence,
        alarms=tuple(alarms),  # type: ignore[arg-type]  # validated in RenderOptions
        url=url,
        policy=permit.policy,
    )
    schools = tuple(school)
    if schools:
        # The permit's events are the same as without them: keyed by the identity.
        feed = school_feed(permit, options.identity, schools, calendar, today, school_data)
        return to_ical(feed, options)
    return to_ical(compute(permit, None, calendar, today), options)
