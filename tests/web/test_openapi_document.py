"""The OpenAPI document: valid 3.1, and every routed path either in it or left out with a reason."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from permitcal.settings_schema import BY_NAME, SETTINGS, Setting
from permitcal.web.api.openapi import NOT_DOCUMENTED, WEBDAV_METHODS, openapi_document

# Flask answers HEAD as GET on every path.
IMPLIED = {"HEAD"}
# The fields of a path item that are operations.
OPERATIONS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def openapi_path(rule: str) -> str:
    """/f/<token>/<name>.ics → /f/{token}/{name}.ics (converters dropped)."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_the_served_document_is_valid_openapi(client: FlaskClient) -> None:
    validate(client.get("/openapi.json").get_json())


def test_every_routed_path_and_method_is_documented_or_left_out_with_a_reason(app: Flask) -> None:
    paths = openapi_document("")["paths"]
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule in NOT_DOCUMENTED:
            continue
        item = paths.get(openapi_path(rule.rule))
        if item is None:
            missing.append(rule.rule)
            continue
        methods = set(rule.methods or ()) - IMPLIED
        if getattr(rule, "provide_automatic_options", False):
            methods.discard("OPTIONS")  # Flask's own answer on every path
        documented = {m.upper() for m in item if m in OPERATIONS}
        missing += [
            f"{m} {rule.rule}"
            for m in methods
            if m not in documented and m not in item.get(WEBDAV_METHODS, ())
        ]
    assert missing == []


def test_nothing_is_left_out_that_is_not_routed(app: Flask) -> None:
    routed = {rule.rule for rule in app.url_map.iter_rules()}
    assert set(NOT_DOCUMENTED) <= routed
    assert all(reason.strip() for reason in NOT_DOCUMENTED.values())
    documented = set(openapi_document("")["paths"])
    assert documented <= {openapi_path(r) for r in routed}


def test_the_feed_url_the_api_hands_out_is_documented(client: FlaskClient) -> None:
    created = client.post("/api/subscriptions", json={"issued": "2023-06-01"}).get_json()
    feed_path = re.sub(r"^https?://[^/]+", "", created["feed_url"])
    token, name = feed_path.split("/")[2:4]
    assert feed_path == f"/f/{token}/{name}"
    assert "/f/{token}/{name}.ics" in openapi_document("")["paths"]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_settings_schemas_come_from_the_table(setting: Setting) -> None:
    document = openapi_document("")
    schema = document["components"]["schemas"]["Settings"]["properties"][setting.name]
    assert schema["description"].startswith(setting.help)
    query = document["paths"]["/feed.ics"]["get"]["parameters"]
    assert setting.name in {p["name"] for p in query}


def test_limits_and_choices_are_the_tables() -> None:
    properties = openapi_document("")["components"]["schemas"]["Settings"]["properties"]
    cycles, alarms = BY_NAME["cycles"], BY_NAME["alarms"]
    assert (properties["cycles"]["minimum"], properties["cycles"]["maximum"]) == (
        cycles.minimum,
        cycles.maximum,
    )
    assert properties["cycles"]["default"] == cycles.default
    assert properties["alarms"]["maxItems"] == alarms.max_items
    assert properties["alarms"]["items"]["maximum"] == alarms.maximum
    assert properties["alarms"]["default"] == list(alarms.default)  # type: ignore[call-overload]
    assert properties["lang"]["enum"] == list(BY_NAME["lang"].choices)
    assert properties["changes"]["items"]["enum"] == list(BY_NAME["changes"].choices)
