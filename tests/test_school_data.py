"""The school checkpoint file: the packaged one, an operator's own, and clear errors for bad ones."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from permitcal import SchoolDataError, SchoolTrack, Stage, Track, WorkCalendar, compute_school
from permitcal.cli import cli
from permitcal.school_data import (
    FIRMNESS,
    SCHOOL_DATA_ENV,
    default_school_data,
    load_school_data,
    parse_school_data,
)

CALENDAR = WorkCalendar(published_through=2026)


def packaged() -> dict[str, Any]:
    text = (
        resources.files("permitcal").joinpath("data", "school_checkpoints.json").read_text("utf-8")
    )
    document: dict[str, Any] = json.loads(text)
    return document


def test_the_packaged_file_covers_every_stage_of_shanghai_with_sources() -> None:
    data = default_school_data()
    assert set(data.cities["shanghai"]) == set(Stage)
    for stage in data.cities["shanghai"].values():
        for checkpoints in stage.years.values():
            for c in checkpoints:
                assert c.firmness in FIRMNESS
                assert c.source_title
                assert c.source_url is None or c.source_url.startswith("http")
        assert stage.years or stage.watch is not None
    # Only SCHOOL.md's dates: the stages without any published date have none.
    assert not data.cities["shanghai"][Stage.JUNIOR].years


def first(document: dict[str, Any]) -> dict[str, Any]:
    """The first primary checkpoint of 2024, to break."""
    entry: dict[str, Any] = document["cities"]["shanghai"]["primary"]["years"]["2024"][0]
    return entry


def without(key: str) -> Any:
    def change(document: dict[str, Any]) -> None:
        del first(document)[key]

    return change


def setting(key: str, value: object) -> Any:
    def change(document: dict[str, Any]) -> None:
        first(document)[key] = value

    return change


def unknown_stage(document: dict[str, Any]) -> None:
    stages = document["cities"]["shanghai"]
    stages["college"] = stages["primary"]


def unknown_city(document: dict[str, Any]) -> None:
    document["cities"]["atlantis"] = {}


def bad_year(document: dict[str, Any]) -> None:
    years = document["cities"]["shanghai"]["primary"]["years"]
    years["27"] = years["2024"]


def duplicate_id(document: dict[str, Any]) -> None:
    years = document["cities"]["shanghai"]["primary"]["years"]
    years["2024"][1]["id"] = years["2024"][0]["id"]


BAD = [
    # change, words the message must hold
    (without("firmness"), "primary.years.2024[0]: missing key(s): firmness"),
    (without("source"), "missing key(s): source"),
    (setting("date", "2024-02-30"), "'date' '2024-02-30' is not a real date"),
    (setting("date", "2024/04/15"), "'date' must be a YYYY-MM-DD string"),
    (setting("until", "2024-04-01"), "'until' 2024-04-01 is before 'date' 2024-04-15"),
    (setting("date", "2019-04-15"), "outside the years 2023–2024"),
    (unknown_stage, "unknown stage 'college'"),
    (unknown_city, "unknown city 'atlantis'"),
    (
        setting("firmness", "rumour"),
        "unknown firmness 'rumour' (one of official, official-via-repost, guide, news)",
    ),
    (setting("checks", ["points"]), "points are checked with the permit"),
    (setting("checks", ["salary"]), "'checks' must be a list of permit and points"),
    (setting("id", "Info Registration"), "'id' must be lower-case letters"),
    (setting("colour", "red"), "unknown key(s): colour (comments start with '_')"),
    (setting("source", {"title": "x", "url": "ftp://x"}), "'url' must be http(s)"),
    (setting("what", {"zh": "登记"}), "missing key(s): en"),
    (bad_year, "a year must be four digits"),
    (duplicate_id, "id 'info_registration' appears twice"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_a_bad_file_is_refused_naming_the_file_and_the_problem(
    tmp_path: Path, change: Any, message: str
) -> None:
    document = copy.deepcopy(packaged())
    change(document)
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    with pytest.raises(SchoolDataError) as raised:
        load_school_data(path)
    assert str(path) in str(raised.value)
    assert message in str(raised.value)
    assert raised.value.reason == "bad_school_data"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "is not valid JSON"),
        ('{"format": 1, "format": 1, "cities": {}}', "key 'format' appears twice"),
        ('{"format": 2, "cities": {}}', "'format' must be 1"),
        ("[]", "must be a JSON object"),
        (
            '{"format": 1, "cities": {"shanghai": {"primary": {}}}}',
            "needs 'years', 'watch' or both",
        ),
    ],
)
def test_broken_json_is_refused(text: str, message: str) -> None:
    with pytest.raises(SchoolDataError) as raised:
        parse_school_data(text, "x.json")
    assert message in str(raised.value)
    assert "x.json" in str(raised.value)


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SchoolDataError, match="cannot be read"):
        load_school_data(tmp_path / "missing.json")


def test_an_operator_file_from_the_environment_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = packaged()
    document["cities"]["shanghai"]["primary"]["years"]["2027"] = [
        dict(first(document), date="2027-04-12", until="2027-04-25")
    ]
    path = tmp_path / "operator.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    monkeypatch.setenv(SCHOOL_DATA_ENV, str(path))
    me = Track.create("me", expires="2030-01-01", cycles=1)
    [event] = compute_school(SchoolTrack.create("kid", "primary:2027", ["me"]), [me], CALENDAR)
    assert (str(event.date), event.estimated_from) == ("2027-04-12", None)


def test_a_bad_file_from_the_environment_stops_with_its_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{}", "utf-8")
    monkeypatch.setenv(SCHOOL_DATA_ENV, str(path))
    with pytest.raises(SchoolDataError, match="missing key"):
        default_school_data()
    monkeypatch.delenv(SCHOOL_DATA_ENV)
    assert default_school_data().source.endswith("school_checkpoints.json")


def test_the_cli_refuses_a_bad_file_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": 1, "cities": {"shanghai": {"kindergarden": {"years": {}}}}}', "utf-8"
    )
    out = tmp_path / "out.ics"
    result = CliRunner().invoke(
        cli,
        [
            "ics",
            "--expires",
            "2027-04-20",
            "--school",
            "primary:2027",
            "--school-data",
            str(bad),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"permitcal: error: --school-data: {bad}, cities.shanghai.kindergarden: unknown stage "
        "'kindergarden' (one of kindergarten, primary, junior, zhongkao, gaokao)"
    ]
    assert not out.exists()
