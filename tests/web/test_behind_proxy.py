"""Behind an https proxy, in the app: CSRF by Origin, trusted forwarded headers, noindex, gzip pages.

The same flows run through a real nginx and a real browser in test_https_proxy.py;
these check each rule alone, with every variant a browser or an attacker can send.
"""

from __future__ import annotations

import gzip
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import parse_date

from tests.web.conftest import create_subscription, make_app, path_of, service

FORM = {"date_kind": "issued", "date": "2023-06-01", "lang": "zh", "cycles": "3"}
PUBLIC = "permit.example.org"
# What nginx adds (docs/deployment.md) for a request that came in over https.
PROXIED = {
    "X-Forwarded-For": "198.51.100.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": PUBLIC,
    "X-Forwarded-Port": "443",
}


def csrf_token(client: FlaskClient, path: str = "/", **kwargs: Any) -> str:
    html = client.get(path, **kwargs).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, html[:300]
    return found.group(1)


@pytest.fixture
def https_app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, WTF_CSRF_ENABLED=True, PROXY_FIX=True, HSTS_SECONDS=600)


def proxied_client(app: Flask, peer: str = "127.0.0.1") -> FlaskClient:
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": peer})
    return client


@pytest.mark.parametrize(
    ("origin", "referer", "created"),
    [
        (f"https://{PUBLIC}", None, True),  # every current browser: Origin on a form POST
        (None, f"https://{PUBLIC}/", True),  # an old browser: a same-site Referer
        (None, f"https://{PUBLIC}/m/x?ui=en", True),
        (None, None, False),  # https without either: refused
        ("https://evil.example", None, False),  # another site, even with a valid token
        ("https://evil.example", f"https://{PUBLIC}/", False),
        (f"http://{PUBLIC}", None, False),  # the plain-http page of the same host
        ("null", None, False),  # an opaque origin (a sandboxed frame, a data: page)
        (None, "https://evil.example/", False),
        (None, f"https://{PUBLIC}.evil.example/", False),
    ],
)
def test_page_forms_over_https_check_origin_then_referer(
    https_app: Flask, origin: str | None, referer: str | None, created: bool
) -> None:
    client = proxied_client(https_app)
    token = csrf_token(client, headers=PROXIED)
    headers = dict(PROXIED)
    if origin is not None:
        headers["Origin"] = origin
    if referer is not None:
        headers["Referer"] = referer
    answer = client.post("/", data={**FORM, "csrf_token": token}, headers=headers)
    assert answer.status_code == (303 if created else 400), answer.get_data(as_text=True)[:300]
    assert service(https_app).store.count() == (1 if created else 0)
    if created:
        assert answer.headers["Location"].startswith("/m/")  # relative: the public origin kept
    else:
        assert "页面已过期" in answer.get_data(as_text=True)  # the form again, kept


def test_plain_http_without_origin_still_needs_the_token(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/", data=FORM).status_code == 400
    assert client.post("/", data={**FORM, "csrf_token": csrf_token(client)}).status_code == 303
    assert service(app).store.count() == 1


def test_links_cookies_and_hsts_follow_the_public_origin(https_app: Flask) -> None:
    client = proxied_client(https_app)
    page = client.get("/", headers=PROXIED)
    assert page.headers["Strict-Transport-Security"] == "max-age=600"
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert page.headers["Referrer-Policy"] == "same-origin"
    token = csrf_token(client, headers=PROXIED)
    headers = {**PROXIED, "Origin": f"https://{PUBLIC}"}
    created = client.post("/", data={**FORM, "csrf_token": token}, headers=headers)
    manage = client.get(created.headers["Location"], headers=PROXIED)
    html = manage.get_data(as_text=True)
    assert f"webcal://{PUBLIC}/f/" in html
    assert f"https://{PUBLIC}/f/" in html
    assert f"https://{PUBLIC}/m/" in html
    assert "http://localhost" not in html
    api = client.post("/api/subscriptions", json={"issued": "2023-06-01"}, headers=PROXIED)
    assert api.get_json()["feed_url"].startswith(f"https://{PUBLIC}/f/")


def test_a_port_other_than_443_is_kept_in_links(https_app: Flask) -> None:
    client = proxied_client(https_app)
    headers = {**PROXIED, "X-Forwarded-Port": "8443"}
    api = client.post("/api/subscriptions", json={"issued": "2023-06-01"}, headers=headers)
    assert api.get_json()["feed_url"].startswith(f"https://{PUBLIC}:8443/f/")


@pytest.mark.parametrize("peer", ["203.0.113.9", "10.0.0.2", "::ffff:203.0.113.9"])
def test_forwarded_headers_from_an_untrusted_peer_are_ignored(https_app: Flask, peer: str) -> None:
    client = proxied_client(https_app, peer)
    api = client.post("/api/subscriptions", json={"issued": "2023-06-01"}, headers=PROXIED)
    assert api.get_json()["feed_url"].startswith("http://localhost/f/")
    page = client.get("/", headers=PROXIED)
    assert "Strict-Transport-Security" not in page.headers
    assert "Secure" not in page.headers["Set-Cookie"]


def test_trusted_proxies_setting_names_other_addresses(tmp_path: Path) -> None:
    app = make_app(tmp_path, PROXY_FIX=True, TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1")
    for peer, public in (("10.1.2.3", True), ("192.0.2.1", True), ("127.0.0.1", False)):
        client = proxied_client(app, peer)
        url = client.post("/api/subscriptions", json={"issued": "2023-06-01"}, headers=PROXIED)
        assert url.get_json()["feed_url"].startswith(f"https://{PUBLIC}/") is public, peer


def test_a_bad_trusted_proxies_setting_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"PERMITCAL_TRUSTED_PROXIES: 'proxy\.local'"):
        make_app(tmp_path, PROXY_FIX=True, TRUSTED_PROXIES="127.0.0.1, proxy.local")


ENDPOINTS = ("", "/renewed", "/rotate", "/delete")


@pytest.mark.parametrize("suffix", ENDPOINTS)
@pytest.mark.parametrize("with_token", [True, False])
def test_form_posts_to_unknown_or_deleted_tokens_are_404(
    tmp_path: Path, suffix: str, with_token: bool
) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client)
    created = client.post("/", data={**FORM, "csrf_token": token})
    manage = created.headers["Location"].split("?")[0]
    assert (
        client.post(manage + "/delete", data={"confirm": "1", "csrf_token": token}).status_code
        == 200
    )
    form = {"card_received": "2024-05-20", "confirm": "1", **FORM}
    if with_token:
        form["csrf_token"] = token
    for path in (manage, "/m/" + "A" * 32, "/m/short"):
        answer = client.post(path + suffix, data=form)
        assert answer.status_code == 404, (path, answer.get_data(as_text=True)[:200])
        assert "text/html" in answer.headers["Content-Type"]


def test_token_pages_say_noindex_and_others_do_not(client: FlaskClient) -> None:
    created = create_subscription(client)
    manage = path_of(created["manage_url"])
    for path in (manage, path_of(created["feed_url"]), path_of(created["api_url"])):
        assert client.get(path).headers["X-Robots-Tag"] == "noindex, nofollow", path
    assert '<meta name="robots" content="noindex, nofollow">' in client.get(manage).get_data(
        as_text=True
    )
    assert "X-Robots-Tag" not in client.get("/").headers
    assert "noindex" not in client.get("/").get_data(as_text=True)


def test_the_201_carries_the_etag_a_read_gives(client: FlaskClient) -> None:
    answer = client.post("/api/subscriptions", json={"issued": "2023-06-01"})
    assert answer.status_code == 201
    read = client.get(path_of(answer.get_json()["api_url"]))
    assert answer.headers["ETag"] == read.headers["ETag"]


GZIP = {"Accept-Encoding": "gzip"}


def test_pages_without_a_secret_are_gzipped_when_asked(client: FlaskClient) -> None:
    plain = client.get("/")
    packed = client.get("/", headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) < len(plain.get_data()) // 2
    # The CSRF token differs per answer; the rest is the same page.
    scrub = re.compile(rb'name="csrf_token" value="[^"]+"')
    assert scrub.sub(b"", gzip.decompress(packed.get_data())) == scrub.sub(b"", plain.get_data())
    missing = client.get("/nowhere", headers=GZIP)
    assert missing.status_code == 404
    assert missing.headers["Content-Encoding"] == "gzip"


def test_pages_with_a_secret_or_typed_input_are_never_compressed(client: FlaskClient) -> None:
    created = create_subscription(client)
    manage = path_of(created["manage_url"])
    for answer in (
        client.get(manage, headers=GZIP),
        client.get(manage.split("?")[0] + "/nothing-here", headers=GZIP),  # 404 echoing the path
        client.post("/", data={**FORM, "date": "2023-02-30"}, headers=GZIP),  # typed input
        client.post(manage, data={**FORM, "date": "2023-02-30"}, headers=GZIP),
    ):
        assert "Content-Encoding" not in answer.headers, answer.status_code


def test_compress_false_leaves_pages_alone(tmp_path: Path) -> None:
    client = make_app(tmp_path, COMPRESS=False).test_client()
    assert "Content-Encoding" not in client.get("/", headers=GZIP).headers


def test_last_modified_is_never_after_the_request(app: Flask, client: FlaskClient) -> None:
    # A record stamped "now" during the request: the service's clock a little ahead.
    found = service(app)
    found.clock.now = found.clock.now.fromtimestamp(time.time() + 30, found.clock.now.tzinfo)  # type: ignore[attr-defined]
    created = create_subscription(client)
    started = time.time()
    feed = client.get(path_of(created["feed_url"]))
    modified = parse_date(feed.headers["Last-Modified"])
    assert modified is not None
    # Not the record's stamp 30 s ahead: at the latest the second before the request
    # began (its start comes after `started`, by less than a second here).
    assert started - 3 <= modified.timestamp() <= started
