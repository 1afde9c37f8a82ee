"""The command line's household: several permits in one calendar, read from a JSON file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.ical import default_identity
from permitcal.settings_schema import PERMIT_NAMES
from permitcal.tracks import Track, check_household, check_label

__all__ = ["Household", "read_household"]

_ENTRY_FIELDS = ("id", "label", *PERMIT_NAMES)


@dataclass(frozen=True, slots=True)
class Household:
    """The file's permits as tracks, and the labels that start their titles (several only)."""

    tracks: tuple[Track, ...]
    labels: dict[str, str]


def read_household(path: str, *, cycles: int, source_rules: bool) -> Household:
    """The permits of ``path``: ``{"permits": [...]}`` or a bare list, each entry as the
    API's (``label``, ``policy``, ``issued`` or ``expires``, ``card_received``,
    ``changes``, ``points``, and an optional ``id`` that keeps its UIDs across edits)."""
    entries = _entries(path)
    labels = []
    for index, entry in enumerate(entries):
        try:
            labels.append(check_label(entry.get("label", "")))
        except PermitcalError as error:
            raise error.inside(f"permits[{index}]") from None
    check_household(labels)
    tracks = []
    for index, entry in enumerate(entries):
        values = {k: v for k, v in entry.items() if k not in ("id", "label")}
        try:
            track = Track.create(
                entry.get("id") or "p", cycles=cycles, source_rules=source_rules, **values
            )
        except PermitcalError as error:
            raise error.inside(f"permits[{index}]") from None
        if "id" not in entry:
            # Derived from the permit's inputs, as one permit's --identity default is: the
            # same file gives the same UIDs; an "id" keeps them when a date is corrected.
            track = Track(f"{default_identity(track.permit)}-{index + 1}", track.permit)
        tracks.append(track)
    keys = [t.key for t in tracks]
    return Household(tuple(tracks), dict(zip(keys, labels, strict=True)) if len(tracks) > 1 else {})


def _entries(path: str) -> list[dict[str, Any]]:
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidInputError(
            "permits", f"cannot read {path}: {error.strerror or error}", reason="invalid"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInputError(
            "permits", f"{path} is not JSON (UTF-8): {error}", reason="not_json"
        ) from None
    entries = body.get("permits") if isinstance(body, dict) else body
    if not isinstance(entries, list):
        raise InvalidInputError(
            "permits",
            f'{path}: expected {{"permits": [...]}} or a list of permits',
            reason="not_a_list",
        )
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise InvalidInputError(
                f"permits[{index}]", "expected a JSON object", reason="not_an_object"
            )
        unknown = sorted(set(entry) - set(_ENTRY_FIELDS))
        if unknown:
            raise InvalidInputError(
                f"permits[{index}].{unknown[0]}",
                f"unknown field; a permit has: {', '.join(_ENTRY_FIELDS)}",
                reason="unknown_field",
                params={"known": list(_ENTRY_FIELDS)},
            )
    return entries


def household_keys(household: Household) -> Sequence[str]:
    return [t.key for t in household.tracks]
