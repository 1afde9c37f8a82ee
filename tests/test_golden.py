"""Whole-file comparisons with stored .ics files rendered with fixed clock and identity.

After an intended change of output run ``make golden`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from pathlib import Path
from typing import Any

import pytest

from permitcal import PermitInput, RenderOptions, WorkCalendar, compute, to_ical
from tests.ics_checks import assert_well_formed

GOLDEN = Path(__file__).parent / "golden"
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PRODID = "-//permitcal//golden//ZH"

CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "seed_zh": ({"issued": "2023-06-01"}, {"lang": "zh"}),
    "seed_en_no_alarms": ({"issued": "2023-06-01", "cycles": 1}, {"lang": "en", "alarms": ()}),
    "expires_card_changes_both": (
        {
            "expires": "2026-12-01",
            "card_received": "2026-12-28",
            "changes": ["education", "address"],
            "cycles": 2,
        },
        {"lang": "both", "sequence": 3, "url": "https://permitcal.example/m/golden"},
    ),
    "leap_day_official_only": (
        {"issued": "2024-02-29", "source_rules": False},
        {"lang": "zh", "alarms": (14,)},
    ),
    # Issue 18: the first policies besides Shanghai's.
    "beijing_leap_day_zh": ({"policy": "beijing", "issued": "2024-02-29"}, {"lang": "zh"}),
    "beijing_endorsed_changes_both": (
        {
            "policy": "beijing",
            "issued": "2025-11-30",
            "card_received": "2026-11-10",
            "changes": ["address"],
            "cycles": 2,
        },
        {"lang": "both", "sequence": 2, "url": "https://permitcal.example/m/golden"},
    ),
    "national_year_end_en": (
        {"policy": "national", "issued": "2025-12-31", "cycles": 2},
        {"lang": "en", "alarms": (7,)},
    ),
}


def render(case: str) -> bytes:
    permit_args, option_args = CASES[case]
    permit = PermitInput.create(**permit_args)
    options = RenderOptions(
        identity=f"golden-{case}", stamp=STAMP, prodid=PRODID, policy=permit.policy, **option_args
    )
    # Pinned at the 2026 notice so that a newer holidays release cannot change the files.
    return to_ical(compute(permit, calendar=WorkCalendar(published_through=2026)), options)


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_golden_file(case: str) -> None:
    path = GOLDEN / f"{case}.ics"
    data = render(case)
    if os.environ.get("PERMITCAL_REGENERATE_GOLDEN"):
        path.write_bytes(data)
    assert path.exists(), f"missing {path}; run `make golden`"
    stored = path.read_bytes()
    if data != stored:
        pytest.fail(
            f"{path.name} differs (run `make golden` if intended):\n{line_diff(stored, data)}"
        )


def line_diff(stored: bytes, rendered: bytes) -> str:
    """A unified diff of the lines (CRLF kept visible), not a byte index."""
    diff = difflib.unified_diff(
        stored.decode("utf-8", "replace").splitlines(keepends=True),
        rendered.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile="stored",
        tofile="rendered",
        n=2,
    )
    return "".join(line.replace("\r\n", "\\r\n") for line in diff)


def test_a_difference_is_shown_as_lines() -> None:
    stored = b"BEGIN:VCALENDAR\r\nSUMMARY:a\r\nEND:VCALENDAR\r\n"
    rendered = stored.replace(b"SUMMARY:a", b"SUMMARY:b")
    shown = line_diff(stored, rendered)
    assert "-SUMMARY:a\\r\n" in shown
    assert "+SUMMARY:b\\r\n" in shown


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_file_is_well_formed(case: str) -> None:
    assert_well_formed((GOLDEN / f"{case}.ics").read_bytes())
