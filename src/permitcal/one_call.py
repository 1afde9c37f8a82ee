"""The one-call entry points: inputs in, deadlines or iCalendar bytes out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Unpack

from permitcal.deadlines import compute
from permitcal.ical import DEFAULT_ALARMS, RenderOptions, default_identity, to_ical
from permitcal.inputs import PermitArgs, PermitInput
from permitcal.policy import DEFAULT_POLICY
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
    **inputs: Unpack[PermitArgs],
) -> bytes:
    """The .ics bytes for a permit; the same arguments always give the same bytes.

    ``identity`` keeps UIDs stable across changes of a stored subscription;
    without it they are derived from the inputs. ``stamp`` and ``sequence``
    describe the record's last change (DTSTAMP, LAST-MODIFIED, SEQUENCE).
    ``today`` starts the cycles at the live one (see :func:`compute_deadlines`).
    ``policy`` is a key of :func:`permitcal.policies` (or a Policy).

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
    return to_ical(compute(permit, None, calendar, today), options)
