"""Bodies without a Content-Length (Transfer-Encoding: chunked) have the same limit as others."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.caldav_helpers import XML, basic_auth
from tests.web.conftest import create_subscription, path_of, service

LIMIT = 32 * 1024  # MAX_CONTENT_LENGTH's default


def json_of_size(size: int) -> bytes:
    """A valid subscription body of exactly ``size`` bytes (JSON allows trailing spaces)."""
    body = json.dumps({"issued": "2023-06-01"}).encode()
    return body + b" " * (size - len(body))


def propfind_of_size(size: int) -> bytes:
    head = b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
    return head + b" " * (size - len(head))


def send_chunked(
    base: str, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, str, bytes]:
    """The body in 4 KiB chunks, with no Content-Length, over a real socket."""

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(method, path, body=chunks(), headers=headers, encode_chunked=True)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def dav_headers(sub: dict[str, Any]) -> dict[str, str]:
    return {**basic_auth(sub), "Depth": "0", "Content-Type": XML}


def test_over_the_limit_is_413_on_a_socket(live_server: tuple[str, Flask]) -> None:
    base, app = live_server
    sub = create_subscription(app.test_client())
    too_big = LIMIT + 1
    json_type = {"Content-Type": "application/json"}
    for method, path, body, headers, answer_type in [
        ("POST", "/api/subscriptions", json_of_size(too_big), json_type, "application/json"),
        ("PATCH", path_of(sub["api_url"]), json_of_size(too_big), json_type, "application/json"),
        (
            "POST",
            "/",
            b"date_kind=issued&date=2023-06-01&alarms=" + b"1," * (too_big // 2),
            {"Content-Type": "application/x-www-form-urlencoded"},
            "text/html",
        ),
        (
            "PROPFIND",
            f"/dav/{sub['id']}/permit/",
            propfind_of_size(too_big),
            dav_headers(sub),
            "",
        ),
    ]:
        status, content_type, data = send_chunked(base, method, path, body, headers)
        assert status == 413, (method, path, status, data[:200])
        assert content_type.startswith(answer_type)
        if answer_type == "application/json":
            assert json.loads(data)["error"]["code"] == "payload_too_large"
    assert service(app).store.count() == 1
    assert service(app).store.by_manage_token(sub["manage_token"]).revision == 0  # type: ignore[union-attr]


def test_up_to_the_limit_is_read_whole_on_a_socket(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    status, _, data = send_chunked(
        base,
        "POST",
        "/api/subscriptions",
        json_of_size(LIMIT),
        {"Content-Type": "application/json"},
    )
    assert status == 201, data[:200]
    sub = json.loads(data)
    status, _, data = send_chunked(
        base, "PROPFIND", f"/dav/{sub['id']}/permit/", propfind_of_size(LIMIT), dav_headers(sub)
    )
    assert status == 207, data[:200]
    assert b"<D:getetag>" in data


@pytest.mark.parametrize(("size", "status"), [(LIMIT, 201), (LIMIT + 1, 413), (10 * LIMIT, 413)])
def test_chunked_through_the_test_client(
    app: Flask, client: FlaskClient, size: int, status: int
) -> None:
    # A server that decodes chunked bodies says so with wsgi.input_terminated.
    response = client.post(
        "/api/subscriptions",
        data=json_of_size(size),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == status, response.get_data(as_text=True)[:200]
    assert service(app).store.count() == (status == 201)


def test_chunked_form_through_the_test_client(app: Flask, client: FlaskClient) -> None:
    form = b"date_kind=issued&date=2023-06-01&alarms=" + b"1," * LIMIT
    response = client.post(
        "/",
        data=form,
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert service(app).store.count() == 0
