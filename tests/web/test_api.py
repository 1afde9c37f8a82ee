"""The JSON API: every endpoint, its errors, and that rejected requests store nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import create_subscription, path_of, service


def count(app: Flask) -> int:
    return service(app).store.count()


def test_create_returns_links_token_and_deadlines(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/api/subscriptions",
        json={"issued": "2026-06-01", "card_received": "2026-05-20", "lang": "en", "alarms": [14]},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == path_of(body["api_url"])
    for key in (
        "feed_url",
        "webcal_url",
        "google_url",
        "outlook_url",
        "download_url",
        "manage_url",
    ):
        assert body[key]
    assert body["webcal_url"] == body["feed_url"].replace("http://", "webcal://", 1)
    assert body["feed_url"].endswith("/shanghai-permit.ics")
    assert body["google_url"].startswith(
        "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F"
    )
    assert body["outlook_url"].startswith(
        "https://outlook.live.com/calendar/0/addfromweb?url=http%3A"
    )
    assert len(body["manage_token"]) == 32
    assert body["manage_token"] not in body["feed_url"]
    assert body["settings"]["alarms"] == [14]
    # The card came in the renewal window before the new period: the renewal at `issued`.
    r6 = next(d for d in body["deadlines"] if d["rule"] == "R6" and d["cycle"] == 0)
    assert r6["date"] == "2026-05-27"
    assert r6["title"] == "Points declaration due"
    assert count(app) == 1


def test_deadlines_match_the_cli_json(client: FlaskClient) -> None:
    from click.testing import CliRunner

    from permitcal.cli import cli

    body = create_subscription(client, issued="2023-06-01")
    cli_rows = json.loads(
        CliRunner().invoke(cli, ["show", "--issued", "2023-06-01", "--json"]).output
    )
    # Each row also names its permit: the subscription's only one.
    assert {row.pop("permit") for row in body["deadlines"]} == {body["permits"][0]["id"]}
    assert body["deadlines"] == cli_rows


def test_read(client: FlaskClient) -> None:
    created = create_subscription(client)
    read = client.get(path_of(created["api_url"]))
    assert read.status_code == 200
    assert read.get_json() == created


def test_patch_is_partial_and_bumps_revision(client: FlaskClient) -> None:
    created = create_subscription(client, issued="2023-06-01", lang="en", changes=["employer"])
    patched = client.patch(path_of(created["api_url"]), json={"card_received": "2024-05-20"})
    assert patched.status_code == 200
    body = patched.get_json()
    assert body["revision"] == 1
    assert body["settings"]["lang"] == "en"  # untouched fields stay
    assert body["settings"]["changes"] == ["employer"]
    assert body["settings"]["card_received"] == "2024-05-20"
    assert body["feed_url"] == created["feed_url"]
    cleared = client.patch(path_of(created["api_url"]), json={"card_received": None})
    assert cleared.get_json()["settings"]["card_received"] is None
    switched = client.patch(path_of(created["api_url"]), json={"expires": "2025-03-01"})
    settings = switched.get_json()["settings"]
    assert settings["expires"] == "2025-03-01"
    assert settings["issued"] is None


def test_delete(app: Flask, client: FlaskClient) -> None:
    created = create_subscription(client)
    response = client.delete(path_of(created["api_url"]))
    assert response.status_code == 204
    assert response.data == b""
    assert client.get(path_of(created["api_url"])).status_code == 404
    assert client.delete(path_of(created["api_url"])).status_code == 404
    assert count(app) == 0


def test_rotate(client: FlaskClient) -> None:
    created = create_subscription(client)
    rotated = client.post(path_of(created["api_url"]) + "/rotate").get_json()
    assert rotated["feed_url"] != created["feed_url"]
    assert rotated["manage_token"] == created["manage_token"]
    assert client.get(path_of(created["feed_url"])).status_code == 404
    assert client.get(path_of(rotated["feed_url"])).status_code == 200
    assert client.get(path_of(created["api_url"])).get_json()["feed_url"] == rotated["feed_url"]


BAD_BODIES: list[tuple[Any, str]] = [
    ({}, "issued"),
    ({"issued": "2023-02-30"}, "issued"),
    ({"issued": "2023/6/1"}, "issued"),
    ({"issued": "0000-06-01"}, "issued"),
    ({"issued": "99999-06-01"}, "issued"),
    ({"issued": 20230601}, "issued"),
    ({"issued": "2023-06-01", "expires": "2024-06-01"}, "expires"),
    ({"issued": "2023-06-01", "card_received": "2023-01-01"}, "card_received"),
    ({"issued": "2023-06-01", "cycles": "3"}, "cycles"),
    ({"issued": "2023-06-01", "cycles": 0}, "cycles"),
    ({"issued": "2023-06-01", "cycles": 2.5}, "cycles"),
    ({"issued": "2023-06-01", "lang": "fr"}, "lang"),
    ({"issued": "2023-06-01", "alarms": "7"}, "alarms"),
    ({"issued": "2023-06-01", "alarms": [7, -1]}, "alarms"),
    ({"issued": "2023-06-01", "alarms": [True]}, "alarms"),
    ({"issued": "2023-06-01", "changes": "address"}, "changes"),
    ({"issued": "2023-06-01", "changes": ["moon"]}, "changes"),
    ({"issued": "2023-06-01", "source_rules": "yes"}, "source_rules"),
    ({"issued": "2023-06-01", "name": "Zhang San"}, "name"),
    ([], "body"),
    ("2023-06-01", "body"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_create_rejects_bad_bodies(app: Flask, client: FlaskClient, body: Any, field: str) -> None:
    response = client.post("/api/subscriptions", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input"
    assert error["field"] == field
    assert field in error["message"]
    assert count(app) == 0


def test_malformed_json_and_wrong_content_type(app: Flask, client: FlaskClient) -> None:
    broken = client.post("/api/subscriptions", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.get_json()["error"]["field"] == "body"
    null = client.post("/api/subscriptions", data="null", content_type="application/json")
    assert null.status_code == 400
    assert "JSON object" in null.get_json()["error"]["message"]
    form = client.post("/api/subscriptions", data={"issued": "2023-06-01"})
    assert form.status_code == 415
    assert form.get_json()["error"]["code"] == "unsupported_media_type"
    assert count(app) == 0


def test_oversized_body_is_413(app: Flask, client: FlaskClient) -> None:
    body = json.dumps({"issued": "2023-06-01", "changes": ["address"] * 20000})
    response = client.post("/api/subscriptions", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert count(app) == 0


def test_patch_rejects_bad_input_and_changes_nothing(client: FlaskClient) -> None:
    created = create_subscription(client)
    for body in (
        {"issued": "2023-02-30"},
        {"cycles": 99},
        {"issued": "2023-06-01", "expires": "2024-06-01"},
        {"x": 1},
    ):
        response = client.patch(path_of(created["api_url"]), json=body)
        assert response.status_code == 400
    assert client.get(path_of(created["api_url"])).get_json() == created


DEEP_BODIES = [
    "[" * 1000 + "]" * 1000,
    '{"a":' * 1000 + "1" + "}" * 1000,
    # Parses, but deep enough to trouble whatever recurses over it afterwards.
    '{"changes":' + "[" * 500 + "]" * 500 + "}",
    '{"lang":' + "[" * 17 + "]" * 17 + "}",
]


@pytest.mark.parametrize("body", DEEP_BODIES, ids=["arrays", "objects", "in-changes", "17-deep"])
def test_deeply_nested_json_is_400(app: Flask, client: FlaskClient, body: str) -> None:
    created = create_subscription(client)
    for response in (
        client.post("/api/subscriptions", data=body, content_type="application/json"),
        client.patch(path_of(created["api_url"]), data=body, content_type="application/json"),
    ):
        assert response.status_code == 400, response.get_data(as_text=True)[:200]
        error = response.get_json()["error"]
        assert error["code"] == "invalid_input"
        assert error["field"] == "body"
        assert "nests more than 16 levels" in error["message"]
    assert count(app) == 1
    assert client.get(path_of(created["api_url"])).get_json() == created


def test_json_nested_as_deep_as_allowed_reaches_validation(client: FlaskClient) -> None:
    body = '{"lang":' + "[" * 15 + "]" * 15 + "}"
    response = client.post("/api/subscriptions", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "lang"


@pytest.mark.parametrize("token", ["nope", "A" * 32, "A" * 31 + "!", "%00" * 8, "..%2f" * 8])
def test_unknown_and_malformed_manage_tokens(client: FlaskClient, token: str) -> None:
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(f"/api/subscriptions/{token}", json={})
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.post(f"/api/subscriptions/{token}/rotate").status_code == 404


def test_wrong_method_is_405_json(client: FlaskClient) -> None:
    response = client.put("/api/subscriptions", json={})
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_stateless_deadlines(client: FlaskClient) -> None:
    # Live on the service's today (2026-11-20): 2026-09-01 + 90 days is still ahead.
    rows = client.get("/api/deadlines?issued=2025-09-01&cycles=1&lang=en").get_json()
    assert rows[0]["rule"] == "R2"
    assert rows[0]["date"] == "2026-08-02"  # a Sunday
    assert rows[0]["nearest_working_day"] == "2026-08-03"
    rolled = client.get("/api/deadlines?issued=2023-06-01&cycles=1").get_json()
    assert {r["expiry"] for r in rolled} == {"2027-06-01"}  # the window rolled on
    bad = client.get("/api/deadlines?issued=2023-13-01")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["field"] == "issued"


def test_openapi_document(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {
        "/api/subscriptions",
        "/api/subscriptions/{token}",
        "/api/subscriptions/{token}/rotate",
    } <= doc["paths"].keys()
    settings = doc["components"]["schemas"]["Settings"]["properties"]
    from permitcal.web.storage.settings import FIELDS

    assert set(settings) == set(FIELDS)


def test_rate_limit_on_create(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import make_app

    app = make_app(tmp_path, RATELIMIT_CREATE="2 per minute")
    client = app.test_client()
    codes = [
        client.post("/api/subscriptions", json={"issued": "2023-06-01"}).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    limited = client.post("/api/subscriptions", json={"issued": "2023-06-01"})
    assert limited.get_json()["error"]["code"] == "too_many_requests"
    assert "Retry-After" in limited.headers
    assert service(app).store.count() == 2


def test_openapi_describes_every_field_the_api_returns(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    documented = set(doc["components"]["schemas"]["Subscription"]["properties"])
    returned = set(create_subscription(client))
    assert returned == documented
