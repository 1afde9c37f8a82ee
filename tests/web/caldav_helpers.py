"""Helpers of the CalDAV tests: subscriptions over the API, raw requests, clients, report bodies."""

from __future__ import annotations

import http.client
import json
import urllib.request
import xml.etree.ElementTree as ET
from base64 import b64encode
from typing import Any

import caldav

from tests.ics_checks import events

XML = "application/xml; charset=utf-8"


def create(base: str, **body: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        base + "/api/subscriptions",
        data=json.dumps(body or {"issued": "2025-12-10"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        result: dict[str, Any] = json.load(response)
    return result


def patch(base: str, sub: dict[str, Any], **body: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        sub["api_url"],
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        result: dict[str, Any] = json.load(response)
    return result


def client_for(base: str, sub: dict[str, Any]) -> caldav.DAVClient:
    return caldav.DAVClient(
        url=base + "/", username=sub["caldav_username"], password=sub["caldav_password"]
    )


def feed_uids(sub: dict[str, Any]) -> set[str]:
    return {e["UID"] for e in feed_events(sub)}


def raw(
    base: str,
    method: str,
    path: str,
    body: bytes = b"",
    auth: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    sent = dict(headers or {})
    if auth is not None:
        sent["Authorization"] = authorization(*auth)
    if body:
        sent.setdefault("Content-Type", XML)
    conn.request(method, path, body=body, headers=sent)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def credentials(sub: dict[str, Any]) -> tuple[str, str]:
    return sub["caldav_username"], sub["caldav_password"]


def authorization(username: str, password: str) -> str:
    """The value of a Basic ``Authorization`` header."""
    return "Basic " + b64encode(f"{username}:{password}".encode()).decode()


def basic_auth(sub: dict[str, Any]) -> dict[str, str]:
    """The ``Authorization`` header of a subscription's CalDAV account."""
    return {"Authorization": authorization(*credentials(sub))}


def propfind_body(props: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" '
        b'xmlns:x="urn:example:made-up"><d:prop>' + props + b"</d:prop></d:propfind>"
    )


def feed_events(sub: dict[str, Any]) -> list[dict[str, str]]:
    with urllib.request.urlopen(sub["feed_url"]) as response:
        return events(response.read())


def uids_of(found: list[Any]) -> set[str]:
    return {str(o.icalendar_component["UID"]) for o in found}


def query_report(inner: str) -> bytes:
    return (
        '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        '<D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR">'
        f'<C:comp-filter name="VEVENT">{inner}</C:comp-filter>'
        "</C:comp-filter></C:filter></C:calendar-query>"
    ).encode()


def hrefs(body: bytes) -> set[str]:
    return {(h.text or "").rsplit("/", 1)[-1] for h in ET.fromstring(body).iter("{DAV:}href")}
