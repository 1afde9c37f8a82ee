"""No input produces a 500: generated bodies, query strings and DAV requests (Hypothesis)."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from permitcal.web.storage.settings import FIELDS
from tests.web.caldav_helpers import basic_auth
from tests.web.conftest import create_subscription, path_of, service

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

dates = st.dates().map(lambda d: d.isoformat()) | st.from_regex(
    r"\d{1,5}-\d{1,2}-\d{1,2}", fullmatch=True
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | dates
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
bodies = (
    st.dictionaries(st.sampled_from([*FIELDS, "name", ""]), json_values, max_size=6) | json_values
)
queries = st.dictionaries(
    st.sampled_from([*FIELDS, "download", "ui", "x"]),
    dates
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=15)
    | st.from_regex(r"[0-9,]{0,12}", fullmatch=True),
    max_size=6,
)


@FUZZ
@given(body=bodies)
def test_create_and_patch_never_fail_inside(app: Flask, client: FlaskClient, body: Any) -> None:
    before = service(app).store.count()
    created = client.post(
        "/api/subscriptions", data=json.dumps(body), content_type="application/json"
    )
    assert created.status_code in (201, 400), created.get_data(as_text=True)
    assert service(app).store.count() == before + (created.status_code == 201)
    if created.status_code == 201:
        patched = client.patch(
            path_of(created.get_json()["api_url"]),
            data=json.dumps(body),
            content_type="application/json",
        )
        assert patched.status_code in (200, 400)


@FUZZ
@given(query=queries)
def test_stateless_endpoints_never_fail_inside(client: FlaskClient, query: dict[str, str]) -> None:
    for path in ("/feed.ics", "/api/deadlines"):
        response = client.get(path, query_string=query)
        assert response.status_code in (200, 400), (
            path,
            query,
            response.get_data(as_text=True)[:300],
        )


@FUZZ
@given(form=queries, kind=st.sampled_from(["issued", "expires", "other", ""]))
def test_page_form_never_fails_inside(
    app: Flask, client: FlaskClient, form: dict[str, str], kind: str
) -> None:
    data = {**form, "date_kind": kind, "date": form.get("issued", "")}
    response = client.post("/", data=data)
    assert response.status_code in (303, 400)


@FUZZ
@given(
    body=st.binary(max_size=300) | st.text(max_size=200).map(str.encode),
    method=st.sampled_from(["PROPFIND", "REPORT", "PUT", "PROPPATCH"]),
    depth=st.sampled_from(["0", "1", "infinity", "2", "", "x"]),
    suffix=st.sampled_from(["", "permit/", "permit/x.ics", "other/"]),
)
def test_dav_never_fails_inside(
    app: Flask, client: FlaskClient, body: bytes, method: str, depth: str, suffix: str
) -> None:
    if not hasattr(app, "_fuzz_sub"):
        app._fuzz_sub = create_subscription(client)  # type: ignore[attr-defined]
    sub = app._fuzz_sub  # type: ignore[attr-defined]
    response = client.open(
        f"/dav/{sub['id']}/{suffix}",
        method=method,
        data=body,
        headers={
            **basic_auth(sub),
            "Depth": depth,
            "Content-Type": "application/xml",
        },
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
