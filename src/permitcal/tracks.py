"""Layer 2: tracks (a stable key, a policy, a permit) and a feed's events merged from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Unpack

from permitcal.deadlines import Deadline, compute
from permitcal.errors import InvalidInputError
from permitcal.inputs import PermitArgs, PermitInput
from permitcal.policy import DEFAULT_POLICY, Policy
from permitcal.workdays import WorkCalendar

__all__ = [
    "MAX_LABEL",
    "MAX_PERMITS",
    "Track",
    "bad_key_char",
    "check_household",
    "check_key",
    "check_label",
    "compute_tracks",
]

MAX_LABEL = 8
"""A household label names whose permit it is ("妈妈", "Lily"): short, as it starts titles."""
MAX_PERMITS = 6
"""Both parents, their children, a grandparent: more is not one family's calendar."""


def bad_key_char(char: str) -> bool:
    """Characters that would break or blur a UID: its own separators, any space, controls."""
    return char in "@;," or char.isspace() or not char.isprintable()


def check_key(key: object, field: str = "track") -> str:
    """A track key (or a UID prefix) fit to start a UID; else an InvalidInputError."""
    if not isinstance(key, str) or not key or any(bad_key_char(c) for c in key):
        raise InvalidInputError(
            field,
            "must be non-empty, without @ , ; spaces or control characters",
            reason="bad_characters" if key else "required",
        )
    return key


def check_label(label: object, field: str = "label") -> str:
    """A permit's label, trimmed: at most MAX_LABEL characters, no line breaks or controls."""
    if not isinstance(label, str):
        raise InvalidInputError(field, "expected text", reason="not_text")
    text = label.strip()
    if len(text) > MAX_LABEL:
        raise InvalidInputError(
            field,
            f"at most {MAX_LABEL} characters",
            reason="label_too_long",
            params={"max": MAX_LABEL, "text": text},
        )
    if any(not c.isprintable() for c in text):
        raise InvalidInputError(
            field, "without line breaks or control characters", reason="control_characters"
        )
    return text


def check_household(labels: Sequence[str], field: str = "permits") -> None:
    """The labels of one calendar's permits: 1 to MAX_PERMITS of them, and with several,
    each non-empty and its own (every title starts with it)."""
    if not 1 <= len(labels) <= MAX_PERMITS:
        raise InvalidInputError(
            field,
            f"a calendar holds 1 to {MAX_PERMITS} permits",
            reason="too_many_permits" if labels else "required",
            params={"max": MAX_PERMITS},
        )
    if len(labels) == 1:
        return
    for index, label in enumerate(labels):
        if not label:
            raise InvalidInputError(
                f"{field}[{index}].label",
                f"with several permits each needs a label: whose it is, ≤ {MAX_LABEL} characters",
                reason="label_required",
                params={"max": MAX_LABEL},
            )
        if labels.index(label) != index:
            raise InvalidInputError(
                f"{field}[{index}].label",
                f"two permits are both labelled {label!r}",
                reason="duplicate_label",
                params={"text": label},
            )


@dataclass(frozen=True, slots=True)
class Track:
    """One line of events in a feed: a stable key, and a permit under its policy.

    The key starts every UID of the track's events, so it must never change
    for the same permit: a stored subscription's single permit keeps the key
    its UIDs always used (``s-<account>``). A later kind of source (a table of
    dated checkpoints) will be a track too.
    """

    key: str
    permit: PermitInput
    """Validated under its policy (``PermitInput.create(policy=...)``)."""

    def __post_init__(self) -> None:
        check_key(self.key)

    @property
    def policy(self) -> Policy:
        """The track's policy: the one its permit was validated for."""
        return self.permit.policy

    @classmethod
    def create(
        cls, key: str, *, policy: object = DEFAULT_POLICY, **inputs: Unpack[PermitArgs]
    ) -> Track:
        """A track from raw inputs, validated as :meth:`PermitInput.create` does.

        >>> me = Track.create("me", issued="2023-06-01", cycles=1)
        >>> child = Track.create("child", policy="beijing", issued="2024-03-31", cycles=1)
        >>> sorted({(d.track, d.rule[0]) for d in compute_tracks([me, child])})
        [('child', 'B'), ('me', 'R')]
        """
        return cls(key, PermitInput.create(policy=policy, **inputs))


def compute_tracks(
    tracks: Sequence[Track],
    calendar: WorkCalendar | None = None,
    today: dt.date | None = None,
) -> list[Deadline]:
    """Every track's deadlines, each computed alone and marked with its key, by date.

    A track's events never depend on the other tracks: adding, changing or
    removing one leaves every other track's events (and so their UIDs) as
    they were. Keys must differ, or two permits would share UIDs.
    """
    seen: set[str] = set()
    for track in tracks:
        if track.key in seen:
            raise InvalidInputError(
                "track",
                f"two tracks share the key {track.key!r}: their events would share UIDs",
                reason="duplicate_track",
                params={"text": track.key},
            )
        seen.add(track.key)
    merged = [
        (index, replace(deadline, track=track.key))
        for index, track in enumerate(tracks)
        for deadline in compute(track.permit, None, calendar, today)
    ]
    # Stable: within a day, tracks in the order given, each in its own order.
    merged.sort(key=lambda pair: (pair[1].date, pair[0]))
    return [deadline for _, deadline in merged]
