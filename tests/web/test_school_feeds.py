"""School steps in the stateless feed and JSON, and the service's school data (issue #20)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from permitcal import ics_bytes
from permitcal.school_data import SchoolDataError
from tests.ics_checks import assert_well_formed, events
from tests.web.conftest import NOW, make_app, service
from tests.web.test_household import household

FEED = "/feed.ics?expires=2027-04-20&school=primary:2027"


def test_the_stateless_feed_has_the_warning(client: FlaskClient) -> None:
    answer = client.get(FEED)
    assert answer.status_code == 200
    assert_well_formed(answer.data)
    found = events(answer.data)
    warnings = [e for e in found if "-warn-permit." in e["UID"]]
    assert len(warnings) == 1
    assert warnings[0]["SUMMARY"].startswith("小学入学前先签注")
    assert "2027年4月20日到期" in warnings[0]["DESCRIPTION"]
    # The library's bytes for the same input (ics_bytes with school=), the URL aside.
    library = ics_bytes(
        expires="2027-04-20", school=["primary:2027"], today=NOW.date(), url="http://localhost/"
    )
    assert answer.data == library


def test_school_steps_repeated_or_comma_separated(client: FlaskClient) -> None:
    one = client.get("/feed.ics?expires=2027-04-20&school=primary:2027,junior:2030")
    two = client.get("/feed.ics?expires=2027-04-20&school=primary:2027&school=junior:2030")
    assert one.status_code == two.status_code == 200
    assert one.data == two.data
    assert one.data != client.get(FEED).data  # the cache key holds the schools
    assert client.get(FEED.replace("&school=primary:2027", "")).data.count(b"school") == 0


def test_the_stateless_json_has_school_rows(client: FlaskClient) -> None:
    rows = client.get("/api/deadlines?expires=2027-04-20&school=primary:2027&lang=en").get_json()
    kinds = [r["kind"] for r in rows]
    assert "school_checkpoint" in kinds
    assert kinds.count("school_warning") == 1
    [warning] = [r for r in rows if r["kind"] == "school_warning"]
    assert warning["expiry"] == "2027-04-20"
    assert warning["stage"] == "primary"
    assert warning["year"] == 2027
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


@pytest.mark.parametrize(
    ("school", "reason", "sentence"),
    [
        ("prim:2027", "not_one_of", "“prim”不是可选的值"),
        ("primary", "not_stage_year", "不是“阶段:年份”的形式"),
        ("primary:1999", "out_of_range", "请填写2000到2099之间的整数"),
        ("primary:2027,junior:2028,zhongkao:2030,gaokao:2033,kindergarten:2027", "too_many_schools",
         "最多放4个入学步骤"),
    ],
)  # fmt: skip
def test_bad_school_values_are_400_with_the_sentence(
    client: FlaskClient, school: str, reason: str, sentence: str
) -> None:
    feed = client.get(f"/feed.ics?expires=2027-04-20&school={school}")
    assert feed.status_code == 400
    assert feed.content_type.startswith("text/plain")
    assert sentence in feed.get_data(as_text=True)
    api = client.get(f"/api/deadlines?expires=2027-04-20&school={school}")
    assert api.status_code == 400
    assert (api.get_json()["error"]["field"], api.get_json()["error"]["reason"]) == (
        "school",
        reason,
    )


def test_a_school_step_of_another_city_is_400(client: FlaskClient) -> None:
    answer = client.get("/feed.ics?issued=2026-03-31&policy=beijing&school=primary:2027")
    assert answer.status_code == 400
    assert "入学日期只适用于上海居住证" in answer.get_data(as_text=True)


def write_school_data(path: Path, shift_days: int) -> Path:
    """The packaged checkpoints with every 2024 primary date moved by ``shift_days``."""
    packaged = resources.files("permitcal").joinpath("data", "school_checkpoints.json")
    document = json.loads(packaged.read_text(encoding="utf-8"))
    for checkpoint in document["cities"]["shanghai"]["primary"]["years"]["2024"]:
        for name in ("date", "until"):
            if name in checkpoint:
                day = dt.date.fromisoformat(checkpoint[name]) + dt.timedelta(days=shift_days)
                checkpoint[name] = day.isoformat()
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_school_data_file_is_read_once_and_moves_the_versions(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    packaged = make_app(tmp_path / "a")
    moved = make_app(tmp_path / "b", SCHOOL_DATA=str(write_school_data(tmp_path / "s.json", 7)))
    assert service(moved).school_data.version != service(packaged).school_data.version
    assert service(moved).school_data.version in service(moved).versions
    assert service(moved).versions_key != service(packaged).versions_key
    before = packaged.test_client().get(FEED)
    after = moved.test_client().get(FEED)
    assert before.headers["ETag"] != after.headers["ETag"]
    # The same subscription under the operator's file: its school events move.
    body = {"permits": [{"expires": "2027-04-20"}], "schools": [{"stage": "primary", "year": 2027}]}
    for app in (packaged, moved):
        sub = household(app.test_client(), *body["permits"], schools=body["schools"])
        dates = [d["date"] for d in sub["deadlines"] if d["kind"] == "school_checkpoint"]
        app.config["found_dates"] = dates
    assert packaged.config["found_dates"] != moved.config["found_dates"]


def test_a_bad_school_data_file_stops_the_start(tmp_path: Path) -> None:
    bad = tmp_path / "school.json"
    bad.write_text('{"format": 1, "cities": {"shanghai": {"nursery": {}}}}', encoding="utf-8")
    with pytest.raises(SchoolDataError, match=r"school\.json, cities\.shanghai\.nursery"):
        make_app(tmp_path, SCHOOL_DATA=str(bad))


def test_serve_says_what_is_wrong_with_the_school_data_file(tmp_path: Path) -> None:
    bad = tmp_path / "school.json"
    bad.write_text('{"format": 2, "cities": {}}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "permitcal", "serve", "--port", "18761"],
        env={"PERMITCAL_SCHOOL_DATA": str(bad), "PERMITCAL_INSTANCE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"permitcal: error: --school-data: {bad}: 'format' must be 1, not 2"]


def test_the_answer_lists_no_schools_without_them(app: Flask, client: FlaskClient) -> None:
    sub = household(client, {"expires": "2027-04-20"})
    assert sub["schools"] == []
    assert not any(d["kind"].startswith("school") for d in sub["deadlines"])
