"""School steps of a stored household over HTTP (issue #20): events, warnings, UIDs, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.caldav_helpers import client_for, create
from tests.web.conftest import path_of
from tests.web.test_api import count
from tests.web.test_household import api_patch, feed_events, household, post

# SCHOOL.md's case: one parent's permit expires in April, on top of the primary
# school registration season of 2027; the other's in September, after it.
MOM = {"label": "妈妈", "expires": "2027-04-20"}
DAD = {"label": "爸爸", "expires": "2027-09-30"}
PRIMARY_2027 = {"stage": "primary", "year": 2027}


def school_events(found: dict[str, dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {uid: e for uid, e in found.items() if uid.startswith(key + "-")}


def permit_events(found: dict[str, dict[str, str]], sub: dict[str, Any]) -> set[str]:
    """The UIDs of the permits' events (every UID that no school step's key starts)."""
    schools = [s["id"] for s in sub["schools"]]
    return {uid for uid in found if not any(uid.startswith(k + "-") for k in schools)}


def test_two_parents_and_primary_2027(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, schools=[{**PRIMARY_2027, "permits": ["妈妈", "爸爸"]}])
    mom, dad = (p["id"] for p in sub["permits"])
    [school] = sub["schools"]
    assert school["stage"] == "primary"
    assert school["year"] == 2027
    assert school["permits"] == [mom, dad]  # labels in the body, ids in the answer
    key = school["id"]
    assert key.startswith(f"s-{sub['id']}-k")
    assert len(key) == len(f"s-{sub['id']}-k") + 5

    found = school_events(feed_events(client, sub), key)
    kinds = {}
    for event in found.values():
        kinds.setdefault(event["CATEGORIES"], []).append(event)
    warnings = [e for e in found.values() if "妈妈" in e["SUMMARY"] + e["DESCRIPTION"]]
    assert len(warnings) == 1, [e["SUMMARY"] for e in found.values()]
    assert not any("爸爸" in e["SUMMARY"] + e["DESCRIPTION"] for e in found.values())
    # Checkpoints of April–May 2027 (estimated from an earlier year's notice).
    starts = sorted(e["DTSTART;VALUE=DATE"] for e in found.values())
    assert any(s.startswith("202704") for s in starts)
    assert any(s.startswith("202705") for s in starts)
    # The answer lists them too: checkpoints and the one warning, naming Mom's permit.
    rows = [d for d in sub["deadlines"] if d.get("school") == key]
    assert {r["kind"] for r in rows} >= {"school_checkpoint", "school_warning"}
    assert [r["permit"] for r in rows if r["kind"] == "school_warning"] == [mom]
    assert all(d["permit"] in (mom, dad) for d in sub["deadlines"] if "school" not in d)


def test_school_steps_default_to_every_shanghai_permit(client: FlaskClient) -> None:
    grandma = {"label": "奶奶", "issued": "2026-03-31", "policy": "beijing"}
    sub = household(client, MOM, grandma, DAD, schools=[PRIMARY_2027])
    ids = [p["id"] for p in sub["permits"]]
    assert sub["schools"][0]["permits"] == [ids[0], ids[2]]


def test_adding_and_removing_a_school_step_keeps_the_permits_uids(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD)
    before = feed_events(client, sub)
    with_school = api_patch(client, sub, {"schools": [PRIMARY_2027]}).get_json()
    after = feed_events(client, with_school)
    assert permit_events(after, with_school) == set(before)
    for uid, event in before.items():
        assert after[uid]["SEQUENCE"] == event["SEQUENCE"], uid
    assert len(after) > len(before)
    without = api_patch(client, sub, {"schools": []}).get_json()
    assert without["schools"] == []
    assert feed_events(client, without).keys() == before.keys()


def test_a_permit_date_change_keeps_the_school_uids(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, schools=[PRIMARY_2027])
    key = sub["schools"][0]["id"]
    mom = sub["permits"][0]["id"]
    before = school_events(feed_events(client, sub), key)
    [warning] = [uid for uid, e in before.items() if "妈妈" in e["DESCRIPTION"]]
    # Renewed late: the new expiry still falls in the season, with a new act-by day.
    body = {"permits": [{"id": mom, "expires": "2027-05-10"}, {"id": sub["permits"][1]["id"]}]}
    changed = api_patch(client, sub, body).get_json()
    assert changed["schools"] == sub["schools"]  # same id, stage, year, permits
    after = school_events(feed_events(client, changed), key)
    assert after.keys() == before.keys()
    assert after[warning]["DESCRIPTION"] != before[warning]["DESCRIPTION"]
    assert int(after[warning]["SEQUENCE"]) == int(before[warning]["SEQUENCE"]) + 1
    for uid in set(before) - {warning}:
        assert after[uid]["SEQUENCE"] == before[uid]["SEQUENCE"], uid


def test_a_patch_naming_the_step_keeps_its_key(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, schools=[PRIMARY_2027])
    [school] = sub["schools"]
    body = {"schools": [{"id": school["id"], "permits": [sub["permits"][1]["id"]]}, {
        "stage": "junior", "year": 2030}]}  # fmt: skip
    changed = api_patch(client, sub, body).get_json()
    assert changed["schools"][0] == {**school, "permits": [sub["permits"][1]["id"]]}
    assert changed["schools"][1]["id"] not in (school["id"], None)


def test_removing_a_permit_drops_it_from_the_school_step(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, schools=[PRIMARY_2027])
    _, dad = (p["id"] for p in sub["permits"])
    key = sub["schools"][0]["id"]
    changed = api_patch(client, sub, {"permits": [{"id": dad}]}).get_json()
    assert changed["schools"] == [{"id": key, "stage": "primary", "year": 2027, "permits": [dad]}]
    found = school_events(feed_events(client, changed), key)
    assert found  # the checkpoints stay
    assert not any("妈妈" in e["DESCRIPTION"] for e in found.values())  # her warning is gone


def test_removing_the_only_permit_of_a_school_step_is_refused(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, schools=[{**PRIMARY_2027, "permits": ["妈妈"]}])
    _, dad = (p["id"] for p in sub["permits"])
    before = client.get(path_of(sub["api_url"])).get_json()
    answer = api_patch(client, sub, {"permits": [{"id": dad}]})
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert (error["field"], error["reason"]) == ("schools[0].permits", "school_needs_a_permit")
    assert "primary:2027" in error["message"]
    assert client.get(path_of(sub["api_url"])).get_json() == before
    # Removing the step in the same request, or naming another permit, is accepted.
    moved = api_patch(
        client, sub, {"permits": [{"id": dad}], "schools": [{**PRIMARY_2027, "permits": [dad]}]}
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["schools"][0]["permits"] == [dad]


def test_the_page_refuses_to_remove_a_school_steps_only_permit(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, schools=[{**PRIMARY_2027, "permits": ["妈妈"]}])
    mom = sub["permits"][0]["id"]
    before = client.get(path_of(sub["api_url"])).get_json()
    manage = path_of(sub["manage_url"])
    answer = client.post(f"{manage}/permits/{mom}/delete", data={"confirm": "1"})
    # Said on the manage page, in the holder's words; nothing changed.
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "入学步骤" in page
    assert f'action="{manage}/permits#family"' in page  # the manage page, not an error page
    assert client.get(path_of(sub["api_url"])).get_json() == before


@pytest.mark.parametrize(
    ("schools", "field", "reason"),
    [
        ([{"stage": "nursery", "year": 2027}], "schools[0].stage", "not_one_of"),
        ([{"year": 2027}], "schools[0].stage", "required"),
        ([{"stage": "primary", "year": 1999}], "schools[0].year", "out_of_range"),
        ([{"stage": "primary", "year": "2027"}], "schools[0].year", "out_of_range"),
        ([{"stage": "primary", "year": 2100}], "schools[0].year", "out_of_range"),
        ([{**PRIMARY_2027, "permits": ["奶奶"]}], "schools[0].permits[0]", "unknown_permit"),
        (
            [{**PRIMARY_2027, "permits": ["妈妈", "妈妈"]}],
            "schools[0].permits[1]",
            "unknown_permit",
        ),
        ([{**PRIMARY_2027, "permits": []}], "schools[0].permits", "required"),
        ([{**PRIMARY_2027, "id": "s-nothing-kabcde"}], "schools[0].id", "unknown_school"),
        ([{**PRIMARY_2027, "class": "1A"}], "schools[0].class", "unknown_field"),
        ([PRIMARY_2027] * 5, "schools", "too_many_schools"),
        ([PRIMARY_2027, {**PRIMARY_2027, "permits": ["妈妈"]}], "schools[1]", "school_twice"),
        ({"stage": "primary"}, "schools", "not_a_list"),
        (["primary:2027"], "schools[0]", "not_an_object"),
    ],
)
def test_bad_school_steps_are_refused_and_store_nothing(
    app: Flask, client: FlaskClient, schools: Any, field: str, reason: str
) -> None:
    answer = post(client, {"permits": [MOM, DAD], "schools": schools})
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert (error["field"], error["reason"]) == (field, reason), error
    assert count(app) == 0


def test_a_school_step_needs_a_shanghai_permit(app: Flask, client: FlaskClient) -> None:
    grandma = {"label": "奶奶", "issued": "2026-03-31", "policy": "beijing"}
    answer = post(client, {"permits": [grandma], "schools": [PRIMARY_2027]})
    assert answer.get_json()["error"]["reason"] == "no_city_permit"
    answer = post(
        client, {"permits": [MOM, grandma], "schools": [{**PRIMARY_2027, "permits": ["奶奶"]}]}
    )
    assert answer.get_json()["error"]["reason"] == "wrong_city"
    assert count(app) == 0


def test_a_refused_school_patch_changes_nothing(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, schools=[PRIMARY_2027])
    before = client.get(path_of(sub["api_url"])).get_json()
    for schools in ([PRIMARY_2027] * 5, [{"stage": "primary", "year": 3000}]):
        assert api_patch(client, sub, {"schools": schools}).status_code == 400
    assert client.get(path_of(sub["api_url"])).get_json() == before


def test_a_one_permit_subscription_takes_school_steps(client: FlaskClient) -> None:
    answer = post(
        client, {"expires": "2027-04-20", "schools": [{"stage": "primary", "year": 2027}]}
    )
    assert answer.status_code == 201, answer.get_json()
    sub = answer.get_json()
    assert sub["schools"][0]["permits"] == [f"s-{sub['id']}"]
    warnings = [d for d in sub["deadlines"] if d["kind"] == "school_warning"]
    assert len(warnings) == 1
    # A settings-only PATCH keeps the step.
    changed = api_patch(client, sub, {"lang": "en"}).get_json()
    assert changed["schools"] == sub["schools"]


def test_caldav_shows_the_school_events(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base, permits=[MOM, DAD], schools=[PRIMARY_2027])
    key = sub["schools"][0]["id"]
    calendar = client_for(base, sub).principal().calendars()[0]
    uids = {str(o.icalendar_component["UID"]) for o in calendar.events()}
    school = {uid for uid in uids if uid.startswith(key + "-")}
    expected = {d["school"] for d in sub["deadlines"] if "school" in d}
    assert expected == {key}
    assert len(school) == len([d for d in sub["deadlines"] if "school" in d])
    assert any("-warn-permit." in uid for uid in school)
