"""The command line: happy paths, JSON shape, .ics output, and one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from permitcal import ics_bytes
from permitcal.cli import cli
from tests.ics_checks import assert_well_formed

# RULES.md's worked examples assume a day before the first expiry.
WORKED_EXAMPLES_TODAY = "2024-01-01"


class PinnedRunner(CliRunner):
    """Runs `show` and `ics` as on WORKED_EXAMPLES_TODAY unless a test gives --today."""

    def invoke(self, cli: Any, args: Any = None, **kwargs: Any) -> Result:  # type: ignore[override]
        if args and args[0] in ("show", "ics") and "--today" not in args:
            args = [*args, "--today", WORKED_EXAMPLES_TODAY]
        return super().invoke(cli, args, **kwargs)


@pytest.fixture
def runner() -> CliRunner:
    return PinnedRunner()


def test_show_prints_a_table(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "--issued", "2023-06-01", "--cycles", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["日期", "规则", "所属到期日", "事项", "说明"]
    assert lines[1].startswith("2024-05-02  R2")
    assert "休息日→2024-05-06" in lines[1]
    assert any(line.startswith("2024-06-01  R1") for line in lines)


def test_show_english_table(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "--issued", "2023-06-01", "--lang", "en"])
    assert result.exit_code == 0
    assert "Permit & points expire" in result.output
    assert "rest day → 2024-05-31" in result.output


def test_show_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "--issued", "2023-06-01", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    keys = {
        "rule",
        "cycle",
        "date",
        "basis",
        "provisional",
        "working_day",
        "nearest_working_day",
        "title",
    }
    assert all(keys <= row.keys() for row in rows)
    expiry = next(r for r in rows if r["rule"] == "R1" and r["cycle"] == 1)
    assert expiry == expiry | {
        "date": "2024-06-01",
        "basis": "official",
        "provisional": False,
        "working_day": False,
        "nearest_working_day": "2024-05-31",
        "title": "居住证及积分到期",
    }
    assert {r["cycle"] for r in rows} == {1, 2, 3}


def test_show_options_reach_the_library(runner: CliRunner) -> None:
    args = ["show", "--expires", "2024-06-01", "--card-received", "2024-05-20", "--json"]
    args += ["--no-source-rules", "--cycles", "2", "--change", "education"]
    rows = json.loads(runner.invoke(cli, args).output)
    assert {r["rule"] for r in rows} == {"R1", "R2", "R3", "R4"}
    assert max(r["cycle"] for r in rows) == 2
    rows = json.loads(
        runner.invoke(
            cli, ["show", "--expires", "2024-06-01", "--card-received", "2024-05-20", "--json"]
        ).output
    )
    r6 = next(r for r in rows if r["rule"] == "R6" and r["cycle"] == 1)
    assert r6["date"] == "2024-05-27"
    assert r6["estimate"] is False


def test_ics_to_stdout_matches_the_library(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ics", "--issued", "2023-06-01", "--lang", "en"])
    assert result.exit_code == 0
    assert result.stdout_bytes == ics_bytes(issued="2023-06-01", lang="en")
    assert_well_formed(result.stdout_bytes)


def test_ics_to_file_with_alarms(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "permit.ics"
    args = ["ics", "--issued", "2023-06-01", "-o", str(out), "-a", "14", "--identity", "me"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0
    assert result.output == ""
    data = out.read_bytes()
    assert b"UID:me-20240601-R1-r14@permitcal" in data
    assert b"-r7@" not in data
    assert_well_formed(data)
    runner.invoke(cli, ["ics", "--issued", "2023-06-01", "-o", str(out), "--no-alarms"])
    assert b"VALARM" not in out.read_bytes()


BAD_ARGS = [
    (["show"], "--issued"),
    (["show", "--issued", "2023-02-30"], "not a real calendar date"),
    (["show", "--issued", "2023/6/1"], "YYYY-MM-DD"),
    (["show", "--issued", "0000-01-01"], "real calendar date"),
    (["show", "--issued", "99999-01-01"], "YYYY-MM-DD"),
    (["show", "--issued", "2023-06-01", "--expires", "2024-06-01"], "not both"),
    (["show", "--issued", "2023-06-01", "--card-received", "2023-01-01"], "--card-received"),
    (["show", "--issued", "2023-06-01", "--cycles", "0"], "--cycles"),
    (["show", "--issued", "2023-06-01", "--cycles", "x"], "--cycles"),
    (["show", "--issued", "2023-06-01", "--lang", "fr"], "--lang"),
    (["show", "--issued", "2023-06-01", "--change", "hair"], "--change"),
    (["show", "--bogus"], "--bogus"),
    (["ics", "--issued", "2023-06-01", "-a", "99"], "alarms"),
    (["ics", "--issued", "2023-06-01", "-a", "7", "--no-alarms"], "contradict"),
    (["ics", "--issued", "2023-06-01", "--identity", ""], "--identity: must be non-empty"),
    (["ics", "--issued", "2023-06-01", "--identity", "   "], "--identity"),
    (["ics", "--issued", "2023-06-01", "--identity", "\t"], "--identity"),
    (
        ["ics", "--issued", "2023-06-01", "-o", "/nonexistent/dir/x.ics"],
        "No such file or directory",
    ),
    (["frobnicate"], "frobnicate"),
]


@pytest.mark.parametrize(("args", "fragment"), BAD_ARGS)
def test_bad_input_exits_2_with_one_line(runner: CliRunner, args: list[str], fragment: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("permitcal: error: ")
    assert fragment in lines[0]


def test_bad_input_writes_no_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "never.ics"
    result = runner.invoke(cli, ["ics", "--issued", "2023-02-30", "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_output_into_a_missing_directory(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "x.ics"
    line = one_error_line(runner.invoke(cli, ["ics", "--issued", "2023-06-01", "-o", str(out)]))
    assert line == f"permitcal: error: --output: cannot write {out}: No such file or directory"
    assert not out.parent.exists()


def test_output_is_a_directory(runner: CliRunner, tmp_path: Path) -> None:
    line = one_error_line(
        runner.invoke(cli, ["ics", "--issued", "2023-06-01", "-o", str(tmp_path)])
    )
    assert "is a directory" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write read-only files")
def test_output_is_a_read_only_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "kept.ics"
    out.write_bytes(b"mine")
    out.chmod(0o444)
    line = one_error_line(runner.invoke(cli, ["ics", "--issued", "2023-06-01", "-o", str(out)]))
    assert str(out) in line
    assert out.read_bytes() == b"mine"


def test_output_refused_by_the_system(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a read-only file or a read-only file system does, also to root (who passes access checks)."""
    out = tmp_path / "kept.ics"
    out.write_bytes(b"mine")
    real_open = Path.open

    def refuse(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if path == out and "w" in mode:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    line = one_error_line(runner.invoke(cli, ["ics", "--issued", "2023-06-01", "-o", str(out)]))
    assert line == f"permitcal: error: --output: cannot write {out}: Permission denied"
    assert out.read_bytes() == b"mine"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_device_full(runner: CliRunner) -> None:
    line = one_error_line(runner.invoke(cli, ["ics", "--issued", "2023-06-01", "-o", "/dev/full"]))
    assert line == "permitcal: error: --output: cannot write /dev/full: No space left on device"


def test_failed_write_leaves_no_half_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "new.ics"
    real_open = Path.open

    class Full:
        def __init__(self, file: Any) -> None:
            self.file = file

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> int:
            self.file.write(data[:100])
            raise OSError(28, "No space left on device")

    def opened(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        file = real_open(path, mode, *args, **kwargs)
        return Full(file) if path == out else file

    monkeypatch.setattr(Path, "open", opened)
    line = one_error_line(runner.invoke(cli, ["ics", "--issued", "2023-06-01", "-o", str(out)]))
    assert line.endswith("No space left on device")
    assert not out.exists()


def test_real_entry_point_reports_an_unwritable_output_on_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "missing" / "x.ics"
    result = subprocess.run(
        [sys.executable, "-m", "permitcal", "ics", "--issued", "2023-06-01", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        result.stderr
        == f"permitcal: error: --output: cannot write {out}: No such file or directory\n"
    )


def test_help_and_version(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["--help"]).exit_code == 0
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == 0
    assert "permitcal" in version.output


def test_real_entry_point_reports_errors_on_one_line() -> None:
    import subprocess
    import sys

    bad = subprocess.run(
        [sys.executable, "-m", "permitcal", "show", "--issued", "2023-13-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert (
        bad.stderr.strip() == "permitcal: error: --issued: 2023-13-01 is not a real calendar date"
    )
    good = subprocess.run(
        [
            sys.executable,
            "-m",
            "permitcal",
            "ics",
            "--issued",
            "2023-06-01",
            "--today",
            "2024-01-01",
        ],
        capture_output=True,
        check=False,
    )
    assert good.returncode == 0
    assert good.stdout == ics_bytes(issued="2023-06-01")


@pytest.mark.parametrize(
    ("today", "expiries"),
    [
        ("2026-11-27", ["2027-06-01", "2028-06-01", "2029-06-01"]),  # the issue's example
        ("2024-01-01", ["2024-06-01", "2025-06-01", "2026-06-01"]),
        ("2026-08-30", ["2026-06-01", "2027-06-01", "2028-06-01"]),  # 2026-06-01 + 90 days
    ],
)
def test_today_starts_the_window_at_the_live_cycle(
    runner: CliRunner, today: str, expiries: list[str]
) -> None:
    args = ["show", "--issued", "2023-06-01", "--json", "--today", today]
    rows = json.loads(runner.invoke(cli, args).output)
    assert [r["date"] for r in rows if r["rule"] == "R1"] == expiries


def test_today_defaults_to_the_date_in_shanghai() -> None:
    from permitcal.inputs import shanghai_today

    before = shanghai_today()
    result = CliRunner().invoke(cli, ["show", "--issued", "2023-06-01", "--json"])
    after = shanghai_today()
    rows = json.loads(result.output)
    first_r1 = min(r["date"] for r in rows if r["rule"] == "R1")
    # The live cycle on the day: its late-renewal events (expiry + 90 days) are still ahead.
    r5 = next(r for r in rows if r["rule"] == "R5" and r["expiry"] == first_r1)
    assert r5["date"] >= before.isoformat() or r5["date"] >= after.isoformat()


def test_a_bad_today_is_a_one_line_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "--issued", "2023-06-01", "--today", "2026-02-30"])
    assert result.exit_code == 2
    assert "--today" in result.output


NOTICE_2027 = Path(__file__).parent / "data" / "holiday-cn" / "2027.json"


def test_a_holiday_file_applies_a_new_notice(runner: CliRunner) -> None:
    args = ["show", "--expires", "2027-02-10", "--cycles", "1", "--json", "--today", "2026-11-27"]
    before = {r["rule"]: r for r in json.loads(runner.invoke(cli, args).output)}
    given = runner.invoke(cli, [*args, "--holiday-data", str(NOTICE_2027)])
    assert given.exit_code == 0, given.output
    after = {r["rule"]: r for r in json.loads(given.output)}
    # Without the notice: the safe guess, provisional. With it: the notice's own answer, firm.
    assert before["R1"]["provisional"] is True
    assert before["R1"]["nearest_working_day"] == "2027-02-03"
    assert after["R1"]["provisional"] is False
    assert after["R1"]["nearest_working_day"] == "2027-02-04"  # the last day before the break
    ics = runner.invoke(cli, ["ics", "--expires", "2027-02-10", "--holiday-data", str(NOTICE_2027)])
    from icalendar import Calendar

    r1 = next(
        e for e in Calendar.from_ical(ics.stdout_bytes).walk("VEVENT") if "-R1@" in str(e["UID"])
    )
    assert "2027-02-04" in str(r1["DESCRIPTION"])
    assert "尚未公布" not in str(r1["DESCRIPTION"])  # firm: the notice is known


def test_a_bad_holiday_file_is_a_one_line_error_and_writes_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "2027.json"
    bad.write_text(
        '{"year": 2027, "days": [{"name": "春节", "date": "2027-13-01", "isOffDay": true}]}'
    )
    out = tmp_path / "out.ics"
    args = ["ics", "--expires", "2027-02-10", "--holiday-data", str(bad), "-o", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "--holiday-data" in result.output
    assert "2027.json" in result.output
    assert not out.exists()


def test_issue_18_policies_lists_every_key(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["policies"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == [
        "shanghai",
        "beijing",
        "national",
    ]
    rows = json.loads(runner.invoke(cli, ["policies", "--json"]).output)
    assert [row["key"] for row in rows] == ["shanghai", "beijing", "national"]
    assert all(row["sources"] and row["rules"] for row in rows)
    assert [row["points"] for row in rows] == [True, False, False]


def test_issue_18_policy_reaches_the_library(runner: CliRunner) -> None:
    args = ["--issued", "2024-03-31", "--cycles", "1", "--today", "2024-04-01"]
    result = runner.invoke(cli, ["ics", "--policy", "beijing", *args])
    assert result.exit_code == 0, result.output
    expected = ics_bytes(policy="beijing", issued="2024-03-31", cycles=1, today=dt.date(2024, 4, 1))
    assert result.stdout_bytes == expected
    shown = json.loads(runner.invoke(cli, ["show", "--json", "--policy", "national", *args]).output)
    assert [row["rule"] for row in shown] == ["N1", "N2", "N3"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--policy", "beijing", "--points"], "--points: the beijing policy has no points"),
        (
            ["--policy", "national", "--change", "spouse"],
            "the national policy has no change 'spouse'",
        ),
        (["--policy", "hangzhou"], "--policy"),
    ],
)
def test_issue_18_what_a_policy_lacks_is_refused(
    runner: CliRunner, args: list[str], fragment: str
) -> None:
    result = runner.invoke(cli, ["show", "--issued", "2024-03-31", *args])
    assert result.exit_code == 2
    assert fragment in one_error_line(result)
