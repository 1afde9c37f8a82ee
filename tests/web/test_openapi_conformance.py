"""The published OpenAPI document against the server itself (Schemathesis, in-process WSGI)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import positive_data_acceptance  # type: ignore[attr-defined]

from permitcal.inputs import DATE_LIMITS
from permitcal.policy import policies
from permitcal.school_data import Stage, packaged_school_data
from permitcal.web.api.openapi import openapi_document
from permitcal.web.storage.schools import MAX_SCHOOLS
from tests.web.conftest import create_subscription, path_of

# The JSON API, the feeds and the health check; the HTML pages (forms with a
# CSRF token) and CalDAV (WebDAV, described only in part) have their own tests.
CHECKED_TAGS = {"api", "feeds", "health"}
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, item in openapi_document("")["paths"].items()
    for method, operation in item.items()
    if method in ("get", "post", "patch", "delete") and CHECKED_TAGS & set(operation["tags"])
]
# Operations whose only input is a token path parameter: nothing to make invalid.
WITH_INPUT = {
    "POST /api/subscriptions",
    "PATCH /api/subscriptions/{token}",
    "GET /api/deadlines",
    "GET /feed.ics",
}
RUNS = [
    pytest.param(label, mode, id=f"{label}-{mode.value}")
    for label in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or label in WITH_INPUT
]
BOUNDED = settings(
    max_examples=25,
    derandomize=True,  # the same requests on every run
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
BASE_ISSUED = "2023-06-01"  # the subscription each token operation works on


def test_every_operation_is_exercised() -> None:
    assert len(OPERATIONS) == 11
    assert set(OPERATIONS) >= WITH_INPUT


@pytest.mark.parametrize(("label", "mode"), RUNS)
def test_server_answers_as_its_schema_says(app: Flask, label: str, mode: GenerationMode) -> None:
    """No 5xx; status codes, content types and bodies as documented; valid input accepted.

    Negative mode also checks that input the schema forbids is refused.
    """
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operation = schema.find_operation_by_label(label)
    assert operation is not None
    client = app.test_client()

    strategy = operation.as_strategy(mode)
    if mode is GenerationMode.POSITIVE and label in ("GET /feed.ics", "GET /api/deadlines"):
        # Separate query parameters cannot say "issued or expires": most drawn
        # queries lack both. Half the cases get an anchor, so the rest is tested.
        strategy |= operation.as_strategy(mode, query={"issued": BASE_ISSUED})

    @BOUNDED
    @given(case=strategy)
    def check(case: Case) -> None:
        if "token" in case.path_parameters:
            # A fresh subscription each time, so that DELETE and PATCH cannot starve the rest.
            sub = create_subscription(client, issued=BASE_ISSUED)
            feed_token = path_of(sub["feed_url"]).split("/")[2]
            is_feed = label.endswith(".ics")
            case.path_parameters["token"] = feed_token if is_feed else sub["manage_token"]
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        if mode is GenerationMode.POSITIVE:
            assert response.status_code < 400 or refused_for_a_rule_between_fields(
                case, response.status_code
            ), (case.path_parameters, case.query, case.body, response.text[:300])

    check()


def refused_for_a_rule_between_fields(case: Case, status: int) -> bool:
    """Schema-valid input the server may still refuse: rules JSON Schema cannot state.

    A stale If-Match is refused with 412.

    Exactly one of issued and expires (a PATCH counts the stored one too),
    card_received between the permit date and the last projected renewal, and
    under a policy without points neither points nor the points' changes.
    School steps: a year the stage has no data for yet, a permit reference
    that is not one of the calendar's, Shanghai permits only, and at most
    four different steps however they are written.
    """
    if status == 412:
        # A drawn If-Match is almost never the subscription's real ETag.
        return "If-Match" in (case.headers or {})
    if status != 400:
        return False
    if _schools_refused(case):
        return True
    if isinstance(case.body, dict) and "permits" in case.body:
        return _household_refused(case.body)
    values: dict[str, Any]
    if case.method == "GET":
        values = dict(case.query or {})
    elif case.method == "PATCH":
        values = _patched_anchors(case.body)
    else:
        values = dict(case.body)
    anchors = [name for name in ("issued", "expires") if values.get(name) not in (None, "")]
    given = dict(case.query or {}) if case.method == "GET" else dict(case.body)
    return (
        len(anchors) != 1
        or values.get("card_received") not in (None, "")
        or _refused_by_policy(given)
    )


def _schools_refused(case: Case) -> bool:
    """The school steps' rules between fields (see refused_for_a_rule_between_fields)."""
    if case.method == "GET":
        query = dict(case.query or {})
        raw = query.get("school") or []
        values = [raw] if isinstance(raw, str) else list(raw)
        steps = {part for value in values if value for part in value.split(",")}
        if not steps:
            return False
        return (
            len(steps) > MAX_SCHOOLS
            or query.get("policy") not in (None, "", "shanghai")
            or any(_before_the_data(*step.split(":")) for step in steps)
        )
    body = case.body if isinstance(case.body, dict) else {}
    entries = body.get("schools")
    if not isinstance(entries, list) or not entries:
        return False
    permits = body.get("permits")
    policies_given = (
        [p.get("policy") for p in permits if isinstance(p, dict)]
        if isinstance(permits, list)
        else [body.get("policy")]
    )
    no_shanghai = bool(policies_given) and all(p not in (None, "shanghai") for p in policies_given)
    return any(
        entry.get("id") is not None  # drawn ids are never this calendar's
        or "permits" in entry  # drawn references are never its ids or labels
        or no_shanghai
        or not {"stage", "year"} <= set(entry)
        or _before_the_data(entry["stage"], entry["year"])
        for entry in entries
    )


def _before_the_data(stage: str, year: object) -> bool:
    """A year before the stage's first year in the packaged school data (no estimate then)."""
    found = packaged_school_data().stage("shanghai", Stage(stage))
    assert found is not None
    return bool(found.years) and found.watch is None and int(str(year)) < min(found.years)


def _household_refused(body: dict[str, Any]) -> bool:
    """A household's rules between fields: each new permit's one anchor and its card (as
    above), an id that is not one of this calendar's, and distinct labels for several."""
    permits = body["permits"]
    labels = [str(p.get("label") or "").strip() for p in permits]
    several = len(permits) > 1 and (not all(labels) or len(set(labels)) != len(labels))
    return several or any(
        entry.get("id") is not None  # drawn ids are never this calendar's
        or len([n for n in ("issued", "expires") if entry.get(n) not in (None, "")]) != 1
        or entry.get("card_received") not in (None, "")
        or _refused_by_policy(entry)
        for entry in permits
    )


def _refused_by_policy(values: dict[str, Any]) -> bool:
    """Points, or a change only the points need, asked of a policy that has no points."""
    policy = policies().get(values.get("policy") or "")
    if policy is None or policy.points:
        return False
    points = values.get("points")
    asked = points is True or (isinstance(points, str) and points.strip().lower() in TRUE)
    changes = values.get("changes") or []
    names = changes.split(",") if isinstance(changes, str) else changes
    known = {c.value for c in policy.changes}
    return asked or any(name.strip() and name.strip() not in known for name in names)


TRUE = ("1", "true", "yes", "on")


def _patched_anchors(body: dict[str, Any]) -> dict[str, Any]:
    """The dates a PATCH leaves on the base subscription (giving one anchor clears the other)."""
    values: dict[str, Any] = {"issued": BASE_ISSUED, "expires": None}
    values.update({k: v for k, v in body.items() if k in ("issued", "expires", "card_received")})
    if body.get("issued") is not None and "expires" not in body:
        values["expires"] = None
    if body.get("expires") is not None and "issued" not in body:
        values["issued"] = None
    return values


# -- the disagreements the run above found, each pinned ----------------------


@pytest.fixture
def new_settings_schema(client: FlaskClient) -> jsonschema_rs.Validator:
    """A validator for POST bodies, from the document the app serves."""
    document = client.get("/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/NewSettings", "components": document["components"]}
    return jsonschema_rs.validator_for(schema, validate_formats=True)


@pytest.mark.parametrize(
    ("change", "accepted", "stored"),
    [
        # Numbers: JSON has one kind, and JSON Schema's integer includes 3.0.
        ({"cycles": 3.0}, True, {"cycles": 3}),
        ({"cycles": 42.0}, False, None),
        ({"cycles": 2.5}, False, None),
        ({"alarms": [7.0, 1]}, True, {"alarms": [7, 1]}),
        ({"alarms": [0.5]}, False, None),
        # Repeats count once; the entries counted for maxItems are those given.
        ({"changes": ["address", "address"]}, True, {"changes": ["address"]}),
        ({"alarms": [7, 7, 1]}, True, {"alarms": [7, 1]}),
        ({"alarms": [1, 1, 1, 1, 1, 1]}, False, None),
        # An empty language is no language in JSON (a query string treats it as absent).
        ({"lang": ""}, False, None),
        ({"lang": "en"}, True, {"lang": "en"}),
    ],
)
def test_numbers_repeats_and_lang_mean_the_same_to_schema_and_server(
    client: FlaskClient,
    new_settings_schema: jsonschema_rs.Validator,
    change: dict[str, Any],
    accepted: bool,
    stored: dict[str, Any] | None,
) -> None:
    body = {"issued": BASE_ISSUED, **change}
    assert new_settings_schema.is_valid(body) is accepted
    response = client.post("/api/subscriptions", json=body)
    assert response.status_code == (201 if accepted else 400), response.get_json()
    if stored is not None:
        settings = response.get_json()["settings"]
        assert {k: settings[k] for k in stored} == stored
        assert all(type(v) is int for v in [settings["cycles"], *settings["alarms"]])
        # PATCH reads numbers the same way.
        patched = client.patch(path_of(response.get_json()["api_url"]), json=change)
        assert patched.status_code == 200
        assert {k: patched.get_json()["settings"][k] for k in stored} == stored


@pytest.mark.parametrize("kind", ["issued", "expires"])
def test_date_limits_are_the_same_in_schema_and_server(
    client: FlaskClient, new_settings_schema: jsonschema_rs.Validator, kind: str
) -> None:
    first, last = DATE_LIMITS[kind]
    one_day = dt.timedelta(days=1)
    for day in (first - one_day, first, last, last + one_day):
        body = {kind: day.isoformat()}
        accepted = first <= day <= last
        assert new_settings_schema.is_valid(body) is accepted, body
        assert client.post("/api/subscriptions", json=body).status_code == (
            201 if accepted else 400
        )
        query = client.get("/api/deadlines", query_string=body)
        assert query.status_code == (200 if accepted else 400)


def test_one_anchor_is_required_by_schema_and_server(
    client: FlaskClient, new_settings_schema: jsonschema_rs.Validator
) -> None:
    for body, accepted in [
        ({}, False),
        ({"issued": None, "expires": None}, False),
        ({"issued": BASE_ISSUED, "expires": "2024-06-01"}, False),
        ({"issued": None, "expires": "2024-06-01"}, True),
    ]:
        assert new_settings_schema.is_valid(body) is accepted, body
        status = client.post("/api/subscriptions", json=body).status_code
        assert status == (201 if accepted else 400), body


def test_empty_lang_in_a_query_string_means_the_default(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    parameters = document["paths"]["/api/deadlines"]["get"]["parameters"]
    lang = next(p for p in parameters if p["name"] == "lang")
    assert jsonschema_rs.is_valid(lang["schema"], "")
    assert not jsonschema_rs.is_valid(lang["schema"], "fr")
    empty = client.get("/api/deadlines", query_string={"issued": BASE_ISSUED, "lang": ""})
    default = client.get("/api/deadlines", query_string={"issued": BASE_ISSUED})
    assert empty.status_code == 200
    assert empty.get_json() == default.get_json()
    assert empty.get_json()[0]["title"] == "可以开始办理签注"
    feed = client.get("/feed.ics", query_string={"issued": BASE_ISSUED, "lang": ""})
    assert feed.status_code == 200
    assert feed.data == client.get("/feed.ics", query_string={"issued": BASE_ISSUED}).data
    assert (
        client.get("/feed.ics", query_string={"issued": BASE_ISSUED, "lang": "fr"}).status_code
        == 400
    )
