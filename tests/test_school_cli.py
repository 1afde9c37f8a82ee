"""`permitcal show|ics --school STAGE:YEAR`: the events, their JSON kind, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from permitcal.cli import cli
from tests.ics_checks import assert_well_formed, events

BASE = ["--expires", "2027-04-20", "--cycles", "1", "--today", "2026-12-01"]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_show_json_marks_school_events_with_their_kind() -> None:
    result = run("show", *BASE, "--school", "primary:2027", "--school", "zhongkao:2027", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    kinds = [row["kind"] for row in rows]
    # The permit's rows are as before; the school's add their own kinds.
    assert {"deadline", "opening", "consequence"} <= set(kinds)
    school = [row for row in rows if row["kind"].startswith("school_")]
    assert {row["kind"] for row in school} == {
        "school_checkpoint",
        "school_watch",
        "school_warning",
    }
    warning = next(
        r for r in school if r["rule"].startswith("warn-permit") and r["stage"] == "primary"
    )
    assert warning["date"] == "2027-04-16"
    assert warning["expiry"] == "2027-04-20"
    assert warning["estimated_from"] == 2024
    assert warning["title"] == "小学入学前先签注（按往年估计）"
    checkpoint = next(r for r in school if r["rule"] == "info_registration")
    assert (checkpoint["date"], checkpoint["end"]) == ("2027-04-19", "2027-05-02")
    assert checkpoint["firmness"] == "official-via-repost"
    assert checkpoint["sources"][0]["url"].startswith("https://")
    # Every row has the keys a deadline row has.
    deadline_keys = set(next(r for r in rows if r["kind"] == "deadline"))
    assert all(deadline_keys <= set(row) for row in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_show_table_lists_school_rows() -> None:
    result = run("show", *BASE, "--school", "primary:2027", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "2027-04-19–05-02  info_registration" in result.output
    assert "est. from 2024" in result.output


def test_without_school_the_output_is_unchanged() -> None:
    plain = run("show", *BASE, "--json")
    assert all(not row["kind"].startswith("school") for row in json.loads(plain.output))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "college:2027",
            "--school: unknown stage 'college': one of kindergarten, primary, junior, zhongkao, gaokao",
        ),
        ("primary", "--school: expected STAGE:YEAR such as primary:2027, not 'primary'"),
        ("primary:next", "--school: the year must be a whole number 2000–2099, not 'next'"),
        ("primary:2019", "--school: no primary checkpoints before 2021"),
    ],
)
def test_bad_school_is_one_line(value: str, message: str) -> None:
    result = run("show", *BASE, "--school", value)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"permitcal: error: {message}")


def test_a_school_needs_a_shanghai_permit() -> None:
    result = run(
        "show", "--issued", "2026-04-20", "--policy", "beijing", "--school", "primary:2027"
    )
    assert result.exit_code == 2
    assert "the shanghai school checkpoints need a shanghai permit" in result.stderr


def test_ics_with_school_events(tmp_path: Path) -> None:
    out = tmp_path / "family.ics"
    result = run("ics", *BASE, "--identity", "fam", "--school", "primary:2027", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert_well_formed(data)
    uids = {e["UID"] for e in events(data)}
    assert "fam.school-primary-2027-20270101-info_registration@permitcal" in uids
    assert "fam.school-primary-2027-20270101-warn-permit.fam@permitcal" in uids
    assert "fam-20270420-R1@permitcal" in uids
