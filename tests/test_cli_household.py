"""permitcal show/ics --permits FILE: a household in one calendar from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from permitcal.cli import cli
from tests.ics_checks import assert_well_formed, events

FAMILY = {
    "permits": [
        {"label": "妈妈", "expires": "2027-04-20"},
        {"label": "爸爸", "issued": "2026-08-01", "changes": ["employer"]},
        {"label": "奶奶", "issued": "2026-03-31", "policy": "beijing"},
    ]
}
TODAY = ["--today", "2026-12-03"]


def family_file(tmp_path: Path, body: object = FAMILY) -> str:
    path = tmp_path / "family.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_show_json_names_each_permit(tmp_path: Path) -> None:
    result = run("show", "--permits", family_file(tmp_path), "--json", *TODAY)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    by_label: dict[str, set[str]] = {}
    for row in rows:
        by_label.setdefault(row["label"], set()).add(row["rule"][0])
    assert by_label == {"妈妈": {"R"}, "爸爸": {"R"}, "奶奶": {"B"}}
    assert len({row["track"] for row in rows}) == 3
    mom_expiry = [r for r in rows if r["label"] == "妈妈" and r["rule"] == "R1"]
    assert mom_expiry[0]["date"] == "2027-04-20"


def test_ics_titles_start_with_the_labels(tmp_path: Path) -> None:
    out = tmp_path / "family.ics"
    result = run("ics", "--permits", family_file(tmp_path), "-o", str(out), "--lang", "en", *TODAY)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert_well_formed(data)
    found = events(data)
    assert {e["SUMMARY"].split("]")[0] + "]" for e in found} == {"[妈妈]", "[爸爸]", "[奶奶]"}
    assert len({e["UID"] for e in found}) == len(found)


def test_the_same_file_gives_the_same_uids_and_an_id_keeps_them(tmp_path: Path) -> None:
    def uids(body: object) -> set[str]:
        out = tmp_path / "out.ics"
        result = run("ics", "--permits", family_file(tmp_path, body), "-o", str(out), *TODAY)
        assert result.exit_code == 0, result.output
        return {e["UID"] for e in events(out.read_bytes())}

    assert uids(FAMILY) == uids(FAMILY)
    pinned = {"permits": [{**p, "id": f"fam-{i}"} for i, p in enumerate(FAMILY["permits"])]}
    before = uids(pinned)
    corrected = json.loads(json.dumps(pinned))
    corrected["permits"][1]["changes"] = []  # Dad's checklist corrected: his UIDs stay
    after = uids(corrected)
    assert {u for u in before if u.startswith("fam-1-")} == {
        u for u in after if u.startswith("fam-1-")
    }
    assert before == after


def test_school_steps_depend_on_the_shanghai_permits(tmp_path: Path) -> None:
    result = run(
        "show", "--permits", family_file(tmp_path), "--school", "primary:2027", "--json", *TODAY
    )
    assert result.exit_code == 0, result.output
    warnings = [r for r in json.loads(result.output) if r["kind"] == "school_warning"]
    # Mum's permit expires 2027-04-20, in the primary season; Dad's (August) does not.
    assert len(warnings) == 1
    assert "妈妈" in warnings[0]["title"]


@pytest.mark.parametrize(
    ("body", "extra", "message"),
    [
        (
            FAMILY,
            ["--issued", "2026-01-01"],
            "--permits: the file gives each permit; leave out --issued",
        ),
        (FAMILY, ["--policy", "beijing"], "leave out --policy"),
        (FAMILY, ["--identity", "x"], "leave out --identity"),
        (
            {"permits": [{"label": "a", "expires": "2027-01-01"}] * 2},
            [],
            "--permits[1].label: two permits",
        ),
        ({"permits": [{"label": "", "expires": "2027-01-01"}] * 2}, [], "--permits[0].label:"),
        ({"permits": [{"label": "a", "expires": "2027-01-01"}] * 7}, [], "1 to 6 permits"),
        ({"permits": [{"label": "a"}]}, [], "--permits[0].issued:"),
        (
            {"permits": [{"label": "a", "expires": "2027-01-01", "colour": 1}]},
            [],
            "--permits[0].colour:",
        ),
        ({"permits": "mom"}, [], "--permits:"),
        ([], [], "--permits:"),
    ],
)
def test_bad_files_are_one_line_errors_and_write_nothing(
    tmp_path: Path, body: object, extra: list[str], message: str
) -> None:
    out = tmp_path / "out.ics"
    result = run("ics", "--permits", family_file(tmp_path, body), "-o", str(out), *extra)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "family.json"
    path.write_text("{permits: [", encoding="utf-8")
    result = run("show", "--permits", str(path))
    assert result.exit_code == 2
    assert "is not JSON" in result.output
    missing = run("show", "--permits", str(tmp_path / "nothing.json"))
    assert missing.exit_code == 2
    assert "cannot read" in missing.output
