"""Issue 16: a holder without points (积分) gets a calendar without the points events."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from permitcal import PermitInput, WorkCalendar, compute, ics_bytes
from permitcal.cli import cli
from permitcal.ical import default_identity

POINTS_RULES = {"R6", "R7", "R8", "R9"}


@pytest.mark.parametrize(
    ("points", "rules", "r1_title"),
    [
        (True, {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"}, "居住证及积分到期"),
        (False, {"R1", "R2", "R3", "R4", "R5"}, "居住证到期"),
    ],
)
def test_points_decide_the_points_events(
    calendar: WorkCalendar, points: bool, rules: set[str], r1_title: str
) -> None:
    permit = PermitInput.create(issued="2023-06-01", points=points)
    deadlines = compute(permit, calendar=calendar)
    assert {d.rule for d in deadlines} == rules
    # R9 (a new degree to verify for the points) only with points.
    educated = PermitInput.create(issued="2023-06-01", changes=["education"], points=points)
    assert ("R9" in {d.rule for d in compute(educated, calendar=calendar)}) is points
    r1 = next(d for d in deadlines if d.rule == "R1")
    assert r1.title.zh == r1_title
    assert ("积分" in r1.description.zh) is points
    r2 = next(d for d in deadlines if d.rule == "R2")
    # The checklist keeps the permit's items and drops the points' own ones.
    for item, kept in (("居住地址", True), ("工作单位", True), ("职称", points), ("配偶", points)):
        assert (f"- {item}：" in r2.description.zh) is kept, item
    assert ("续办申请" in r2.description.zh) is points


def test_no_points_r1_reads_permit_expires_in_english(calendar: WorkCalendar) -> None:
    permit = PermitInput.create(issued="2023-06-01", points=False)
    r1 = next(d for d in compute(permit, calendar=calendar) if d.rule == "R1")
    assert r1.title.en == "Permit expires"
    assert "points" not in r1.description.en


def test_the_default_changes_no_uid() -> None:
    with_default = PermitInput.create(issued="2023-06-01")
    assert "points" not in with_default.canonical()
    assert default_identity(with_default) == default_identity(
        PermitInput.create(issued="2023-06-01", points=True)
    )
    assert default_identity(with_default) != default_identity(
        PermitInput.create(issued="2023-06-01", points=False)
    )
    assert ics_bytes(issued="2023-06-01", cycles=1) == ics_bytes(
        issued="2023-06-01", cycles=1, points=True
    )
    assert b"-R6@" not in ics_bytes(issued="2023-06-01", cycles=1, points=False)


@pytest.mark.parametrize(
    ("option", "has_r6"), [([], True), (["--points"], True), (["--no-points"], False)]
)
def test_cli_points_options(option: list[str], has_r6: bool) -> None:
    result = CliRunner().invoke(
        cli, ["show", "--issued", "2023-06-01", "--today", "2024-01-01", "--json", *option]
    )
    assert result.exit_code == 0, result.output
    assert ('"rule": "R6"' in result.output) is has_r6


def test_points_must_be_true_or_false() -> None:
    with pytest.raises(ValueError, match="points: must be true or false"):
        PermitInput.create(issued="2023-06-01", points="no")
