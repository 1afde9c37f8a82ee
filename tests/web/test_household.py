"""A household in one calendar over HTTP: permits, labels, stable UIDs and SEQUENCE, refusals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.ics_checks import assert_well_formed, events
from tests.web.caldav_helpers import client_for, create
from tests.web.conftest import path_of
from tests.web.test_api import count

MOM = {"label": "妈妈", "expires": "2027-03-15"}
DAD = {"label": "爸爸", "issued": "2026-08-01", "changes": ["employer"]}
LILY = {"label": "Lily", "expires": "2027-05-20", "points": False}


def post(client: FlaskClient, body: dict[str, Any]) -> Any:
    return client.post("/api/subscriptions", json=body)


def household(client: FlaskClient, *permits: dict[str, Any], **calendar: Any) -> dict[str, Any]:
    answer = post(client, {"permits": list(permits), **calendar})
    assert answer.status_code == 201, answer.get_json()
    body: dict[str, Any] = answer.get_json()
    return body


def feed_events(client: FlaskClient, sub: dict[str, Any]) -> dict[str, dict[str, str]]:
    """UID -> the event's properties, from the subscription's feed."""
    answer = client.get(path_of(sub["feed_url"]))
    assert answer.status_code == 200
    assert_well_formed(answer.data)
    return {e["UID"]: e for e in events(answer.data)}


def by_permit(found: dict[str, dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    """The events of one permit: its key, then the expiry's digits (the first permit's key
    is the start of the others')."""
    return {
        uid: e
        for uid, e in found.items()
        if uid.startswith(key + "-") and uid[len(key) + 1].isdigit()
    }


def api_patch(client: FlaskClient, sub: dict[str, Any], body: dict[str, Any]) -> Any:
    return client.patch(path_of(sub["api_url"]), json=body)


def test_two_permits_in_one_calendar(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD)
    keys = [p["id"] for p in sub["permits"]]
    assert keys[0] == f"s-{sub['id']}"  # the first permit: what one-permit UIDs always were
    assert keys[1].startswith(f"s-{sub['id']}-p")
    assert [p["label"] for p in sub["permits"]] == ["妈妈", "爸爸"]
    assert sub["permits"][1]["changes"] == ["employer"]
    assert {d["permit"] for d in sub["deadlines"]} == set(keys)
    found = feed_events(client, sub)
    mom, dad = by_permit(found, keys[0]), by_permit(found, keys[1])
    assert len(mom) + len(dad) == len(found)  # every event is one permit's
    assert all(e["SUMMARY"].startswith("【妈妈】") for e in mom.values())
    assert all(e["SUMMARY"].startswith("【爸爸】") for e in dad.values())
    assert any(
        e["DTSTART;VALUE=DATE"] == "20270315" and e["UID"].endswith("-R1@permitcal")
        for e in mom.values()
    )
    assert any(
        e["DTSTART;VALUE=DATE"] == "20270801" and e["UID"].endswith("-R1@permitcal")
        for e in dad.values()
    )


def test_six_permits_have_distinct_uids_and_english_labels(client: FlaskClient) -> None:
    permits = [{"label": f"P{i}", "expires": f"2027-0{i + 1}-10"} for i in range(6)]
    sub = household(client, *permits, lang="en")
    found = feed_events(client, sub)
    keys = [p["id"] for p in sub["permits"]]
    assert len(set(keys)) == 6
    for index, key in enumerate(keys):
        mine = by_permit(found, key).values()
        assert mine
        assert all(e["SUMMARY"].startswith(f"[P{index}] ") for e in mine)
    assert len(found) == len({e["UID"] for e in found.values()})


def test_one_permit_has_no_label_in_its_titles(client: FlaskClient) -> None:
    sub = household(client, {"label": "我", "expires": "2027-03-15"})
    assert sub["permits"][0]["label"] == "我"
    assert not any("【" in e["SUMMARY"] for e in feed_events(client, sub).values())


def test_the_single_permit_body_is_one_permit(client: FlaskClient) -> None:
    answer = post(client, {"issued": "2026-06-01", "lang": "en"})
    sub = answer.get_json()
    assert answer.status_code == 201
    assert sub["permits"] == [
        {
            "id": f"s-{sub['id']}",
            "label": "",
            "issued": "2026-06-01",
            "expires": None,
            "card_received": None,
            "changes": [],
            "points": True,
            "policy": "shanghai",
        }
    ]
    assert sub["settings"]["issued"] == "2026-06-01"


def test_a_household_can_mix_policies(client: FlaskClient) -> None:
    sub = household(client, MOM, {"label": "奶奶", "issued": "2026-03-31", "policy": "beijing"})
    rules = {d["rule"][0] for d in sub["deadlines"] if d["permit"] == sub["permits"][1]["id"]}
    assert rules == {"B"}
    assert sub["permits"][1]["points"] is False  # Beijing has no points


def test_removing_one_of_three_keeps_the_others_uids_and_sequence(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, LILY)
    before = feed_events(client, sub)
    keep = [sub["permits"][0]["id"], sub["permits"][2]["id"]]
    answer = api_patch(client, sub, {"permits": [{"id": keep[0]}, {"id": keep[1]}]})
    assert answer.status_code == 200, answer.get_json()
    assert [p["id"] for p in answer.get_json()["permits"]] == keep
    after = feed_events(client, sub)
    kept_before = {u: e for u, e in before.items() if not u.startswith(sub["permits"][1]["id"])}
    assert set(after) == set(kept_before)
    for uid, event in after.items():
        assert event["SEQUENCE"] == kept_before[uid]["SEQUENCE"] == "0", uid
        assert event["SUMMARY"] == kept_before[uid]["SUMMARY"]


def test_editing_one_permit_changes_only_its_own_events(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, LILY)
    mom, dad, lily = (p["id"] for p in sub["permits"])
    before = feed_events(client, sub)
    answer = api_patch(
        client,
        sub,
        {
            "permits": [
                {"id": mom},
                {"id": dad, "issued": "2026-09-01"},
                {"id": lily, "label": "莉莉"},
            ]
        },
    )
    assert answer.status_code == 200, answer.get_json()
    after = feed_events(client, sub)
    assert by_permit(after, mom) == by_permit(before, mom)  # not a byte of Mom's changed
    assert all(e["SEQUENCE"] == "0" for e in by_permit(after, mom).values())
    # Dad's dates moved: new UIDs (they carry the expiry); Lily's titles changed: SEQUENCE 1.
    assert not set(by_permit(after, dad)) & set(by_permit(before, dad))
    assert set(by_permit(after, lily)) == set(by_permit(before, lily))
    assert all(
        e["SEQUENCE"] == "1" and e["SUMMARY"].startswith("【莉莉】")
        for e in by_permit(after, lily).values()
    )


def test_adding_a_permit_keeps_the_first(client: FlaskClient) -> None:
    sub = post(client, {"expires": "2027-03-15"}).get_json()
    first = sub["permits"][0]["id"]
    answer = api_patch(
        client, sub, {"permits": [{"id": first, "label": "我"}, {"label": "孩子", **LILY}]}
    )
    # A label given twice: the entry's own "label" comes last and wins.
    assert answer.status_code == 200, answer.get_json()
    permits = answer.get_json()["permits"]
    assert permits[0]["id"] == first
    assert permits[1]["label"] == "Lily"
    uids = set(feed_events(client, sub))
    assert any(u.startswith(first + "-2027") for u in uids)


def test_calendar_wide_settings_apply_to_every_permit(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD)
    answer = api_patch(client, sub, {"lang": "en", "alarms": []})
    assert answer.status_code == 200
    found = feed_events(client, sub)
    assert all("[" in e["SUMMARY"] for e in found.values())
    assert not any("left:" in e["SUMMARY"] for e in found.values())  # no reminder events


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"permits": [MOM] * 7}, "permits", "too_many_permits"),
        ({"permits": []}, "permits", "required"),
        ({"permits": [MOM, {**DAD, "label": ""}]}, "permits[1].label", "label_required"),
        ({"permits": [MOM, {**DAD, "label": "妈妈"}]}, "permits[1].label", "duplicate_label"),
        ({"permits": [{**MOM, "label": "Grandmother"}]}, "permits[0].label", "label_too_long"),
        ({"permits": [{**MOM, "label": "a\nb"}]}, "permits[0].label", "control_characters"),
        ({"permits": [MOM, {"label": "x"}]}, "permits[1].issued", "issued_or_expires"),
        ({"permits": [{**MOM, "colour": "red"}]}, "permits[0].colour", "unknown_field"),
        ({"permits": [MOM], "issued": "2026-01-01"}, "issued", "inside_permits"),
        ({"permits": [{**MOM, "id": "s-nothing"}]}, "permits[0].id", "unknown_permit"),
        ({"permits": "mom"}, "permits", "not_a_list"),
        (
            {
                "permits": [
                    MOM,
                    {"label": "奶奶", "issued": "2026-03-31", "policy": "beijing", "points": True},
                ]
            },
            "permits[1].points",
            "no_points",
        ),
    ],
)
def test_bad_households_are_refused_and_store_nothing(
    app: Flask, client: FlaskClient, body: dict[str, Any], field: str, code: str
) -> None:
    answer = post(client, body)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert (error["field"], error["reason"]) == (field, code), error
    assert count(app) == 0


def test_a_refused_patch_changes_nothing(client: FlaskClient) -> None:
    sub = household(client, MOM, DAD)
    before = client.get(path_of(sub["api_url"])).get_json()
    for body in (
        {"issued": "2026-01-01"},  # several permits: name the one to change
        {"permits": [{"id": sub["permits"][0]["id"]}, {"id": sub["permits"][0]["id"]}]},
        {
            "permits": [
                {"id": sub["permits"][0]["id"], "label": ""},
                {"id": sub["permits"][1]["id"]},
            ]
        },
    ):
        answer = api_patch(client, sub, body)
        assert answer.status_code == 400, body
    assert client.get(path_of(sub["api_url"])).get_json() == before


def test_caldav_shows_every_permit(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base, permits=[MOM, DAD, LILY], lang="en")
    calendar = client_for(base, sub).principal().calendars()[0]
    objects = calendar.events()
    summaries = {str(o.icalendar_component["SUMMARY"]) for o in objects}
    for label in ("妈妈", "爸爸", "Lily"):
        assert any(s.startswith(f"[{label}] ") for s in summaries), label
    uids = {str(o.icalendar_component["UID"]) for o in objects}
    assert len(uids) == len(objects)
    # The key is what comes before "-<expiry YYYYMMDD>-"; an account id may itself hold "20".
    keys = {re.sub(r"-[0-9]{8}-.*", "", uid) for uid in uids}
    assert keys == {p["id"] for p in sub["permits"]}
