"""What holders meet: HTTPS through Debian's nginx (docs/deployment.md's config) in front of both servers.

`permitcal serve` on SQLite and gunicorn on PostgreSQL, each behind nginx
with a self-signed certificate and the documented settings only
(PERMITCAL_PROXY_FIX, PERMITCAL_HSTS_SECONDS). A real browser goes through
every page flow; plain clients check links, cookies, HSTS, feeds, redirects,
a cross-site form, and that no log line carries a token.
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.web.conftest import fresh_schema, migrated_sqlite, require_or_skip
from tests.web.nginx import PUBLIC_HOST, Nginx, nginx_in_front
from tests.web.qr import decode_qr
from tests.web.servers import Server, environment, gunicorn, permitcal_serve, upgrade_database
from tests.web.test_browser import CHROMIUM_FLAGS, IPHONE, chromium_path

HSTS = "max-age=31536000"
TOKEN_IN_LOG = re.compile(r"/(?:f|feeds|m|p|api/subscriptions)/[A-Za-z0-9_-]{32}")
HUAWEI = (
    "Mozilla/5.0 (Linux; Android 12; NOH-AN00 Build/HUAWEINOH-AN00; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/99.0.4844.88 Mobile Safari/537.36 "
    "HuaweiBrowser/14.0.0.300"
)
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


@dataclass
class Site:
    kind: str
    nginx: Nginx
    backend: Server

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        https: bool = True,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        if https:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                PUBLIC_HOST, self.nginx.https_port, timeout=30, context=self.nginx.ssl_context()
            )
        else:
            conn = http.client.HTTPConnection(PUBLIC_HOST, self.nginx.http_port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            answer = conn.getresponse()
            return answer.status, answer.msg, answer.read()
        finally:
            conn.close()

    def create(self) -> dict[str, Any]:
        status, _, body = self.request(
            "POST",
            "/api/subscriptions",
            b'{"issued": "2023-06-01"}',
            {"Content-Type": "application/json"},
        )
        assert status == 201, body
        created: dict[str, Any] = json.loads(body)
        return created


@pytest.fixture(scope="module", params=["serve", "gunicorn"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp(f"https-{request.param}")
    if request.param == "serve":
        url = migrated_sqlite(folder / "site.sqlite3")
    else:
        url = fresh_schema(require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL"))
    env = environment(folder, url, PERMITCAL_PROXY_FIX="true", PERMITCAL_HSTS_SECONDS="31536000")
    if request.param == "serve":
        starting = permitcal_serve(folder, env)
    else:
        upgrade_database(env)
        starting = gunicorn(folder, env, workers=2)
    with starting as backend:
        backend.wait_ready("/healthz")
        with nginx_in_front(folder / "nginx", backend.port) as nginx:
            yield Site(request.param, nginx, backend)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def phone_page_from_desktop_qr(browser: Any, manage: str, origin: str) -> str:
    """The manage page on a computer: the address its QR code holds, read from pixels."""
    desktop = browser.new_context(ignore_https_errors=True, user_agent=DESKTOP)
    try:
        page = desktop.new_page()
        page.goto(manage)
        return decode_qr(page, "#phone-desktop .qr img")
    finally:
        desktop.close()


def test_every_page_flow_in_a_browser_over_https(site: Site) -> None:
    executable = chromium_path()
    from playwright.sync_api import Response, expect, sync_playwright

    origin = site.nginx.url
    # Conditions, not sleeps; on a busy 2-core machine a page can take a while.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(
                ignore_https_errors=True, user_agent=IPHONE, viewport={"width": 390, "height": 844}
            )
            context.set_default_timeout(30_000)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            documents: list[Response] = []
            page.on(
                "response",
                lambda r: documents.append(r) if r.request.resource_type == "document" else None,
            )

            page.goto(origin + "/")
            page.check("input[name=date_kind][value=issued]")
            page.fill("#date", "2023-06-01")
            page.click("#submit")
            expect(page.locator("#deadlines")).to_be_visible()
            assert page.url.startswith(f"{origin}/m/")
            manage = page.url.split("?")[0]

            # Links name the public https origin; no http://, no backend port.
            feed_url = page.input_value("#feed-url")
            assert feed_url.startswith(f"{origin}/f/")
            webcal = page.get_attribute("#webcal-link", "href") or ""
            assert webcal == feed_url.replace("https://", "webcal://", 1)
            assert f":{site.backend.port}" not in page.content()
            assert "http://" + PUBLIC_HOST not in page.content()

            cookies = context.cookies(origin)
            assert cookies, "no session cookie"
            for cookie in cookies:
                assert cookie["secure"], cookie
                assert cookie["httpOnly"], cookie
                assert cookie["sameSite"] == "Lax", cookie

            # A computer's QR code opens the phone page: https, the feed token (read only),
            # never the manage token; the phone sees its own steps, CalDAV included.
            phone_url = phone_page_from_desktop_qr(browser, manage, origin)
            manage_token = manage.rsplit("/", 1)[1]
            feed_token = feed_url.split("/f/")[1].split("/")[0]
            assert phone_url.startswith(f"{origin}/p/{feed_token}")
            assert manage_token not in phone_url
            huawei = browser.new_context(ignore_https_errors=True, user_agent=HUAWEI)
            try:
                phone = huawei.new_page()
                answer = phone.goto(phone_url)
                assert answer is not None
                assert answer.status == 200
                assert answer.headers["cache-control"] == "no-store"
                assert "noindex" in answer.headers["x-robots-tag"]
                expect(phone.locator("#phone-huawei")).to_be_visible()
                assert phone.input_value("#huawei-caldav-password") == feed_token
                assert manage_token not in phone.content()
                assert phone.locator("form").count() <= 1  # the language switch, nothing else
            finally:
                huawei.close()

            # 我已拿到新证: in the first screen, and its confirmation in view after sending.
            expect(page.locator("#jump-renewed")).to_be_in_viewport()
            page.click("#jump-renewed")
            page.fill("#renewed-date", "2024-05-20")
            page.click("#renewed-submit")
            expect(page).to_have_url(re.compile(r"done=renewed\w*#notice"))
            expect(page.locator("#notice")).to_be_in_viewport()

            # Save: the calendar in English.
            page.locator("#edit-form details").first.evaluate("d => d.open = true")
            page.select_option("#edit-form #lang", "en")
            page.click("#save")
            expect(page).to_have_url(re.compile(r"done=saved"))
            status, _, body = site.request("GET", path_of(feed_url))
            assert status == 200
            assert b"Permit" in body  # English now

            # A family member's permit and a child's school step, then a change to the step:
            # the newer forms pass the same proxy, cookies and CSRF checks.
            page.click("#family-open")
            page.fill("#add-first-label", "我")
            page.fill("#add-label", "孩子")
            page.check("#family input[name=date_kind][value=expires]")
            page.fill("#add-date", "2027-04-20")
            page.check("#add-points-no")
            page.click("#add-permit")
            expect(page).to_have_url(re.compile(r"done=permit_added#notice"))
            page.click("#school-open")
            page.select_option("#school-stage", "primary")
            page.select_option("#school-year", "2027")
            page.click("#school-submit")
            expect(page).to_have_url(re.compile(r"done=school_added#notice"))
            expect(page.locator("#school-warnings")).to_contain_text("【孩子】")
            page.click("#school-1-edit summary")
            page.select_option("#school-1-year", "2028")
            page.click("#school-1-save")
            expect(page).to_have_url(re.compile(r"done=school_saved#notice"))
            expect(page.locator("#school-steps")).to_contain_text("2028")

            # Rotate: the old feed URL stops working at once.
            page.click("#rotate")
            expect(page).to_have_url(re.compile(r"done=rotated"))
            new_feed = page.input_value("#feed-url")
            assert new_feed != feed_url
            assert new_feed.startswith(f"{origin}/f/")
            assert site.request("GET", path_of(feed_url))[0] == 404
            assert site.request("GET", path_of(new_feed))[0] == 200

            # Delete.
            page.check("#confirm-delete")
            page.click("#delete")
            expect(page.locator("h1")).to_be_visible()
            assert site.request("GET", path_of(manage))[0] == 404
            assert site.request("GET", path_of(new_feed))[0] == 404

            assert errors == []
            assert len(documents) >= 6
            for response in documents:
                assert response.status < 400, (response.url, response.status)
                headers = response.all_headers()
                assert headers.get("strict-transport-security") == HSTS, response.url
                assert headers.get("referrer-policy") == "same-origin"
                if "/m/" in response.url:
                    assert headers.get("x-robots-tag") == "noindex, nofollow"
                    assert "content-encoding" not in headers  # a secret beside typed text
        finally:
            browser.close()


def test_a_form_from_another_site_is_refused_over_https(site: Site) -> None:
    _, headers, body = site.request("GET", "/")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    assert token is not None
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    form = b"date_kind=issued&date=2023-06-01&csrf_token=" + token.group(1)
    sent = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    for origin, expected in (("https://evil.example", 400), (site.nginx.url, 303)):
        answer = site.request("POST", "/", form, {**sent, "Origin": origin})
        assert answer[0] == expected, (origin, answer[2][:300])


def test_links_feeds_and_redirects_over_https(site: Site) -> None:
    created = site.create()
    for name in ("feed_url", "manage_url", "api_url"):
        assert created[name].startswith(f"{site.nginx.url}/"), created[name]
    assert created["webcal_url"].startswith(f"webcal://{PUBLIC_HOST}:{site.nginx.https_port}/")
    feed = path_of(created["feed_url"])

    status, headers, body = site.request("GET", feed)
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Strict-Transport-Security"] == HSTS
    assert "Content-Encoding" not in headers
    etag = headers["ETag"]
    assert etag.startswith('"')  # strong: nginx passed it through untouched

    status, headers, packed = site.request("GET", feed, headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed) == body
    assert headers["ETag"] == etag[:-1] + '-gz"'

    assert site.request("GET", feed, headers={"If-None-Match": etag})[0] == 304
    # Plain http: the feed answers (no redirect); everything else goes to https.
    assert site.request("GET", feed, https=False)[0] == 200
    status, headers, _ = site.request("GET", "/", https=False)
    assert status == 301
    assert headers["Location"] == f"https://{PUBLIC_HOST}/"

    status, headers, page = site.request("GET", "/", headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"  # the start page carries no secret
    assert b"<form" in gzip.decompress(page)
    assert site.request("DELETE", path_of(created["api_url"]))[0] == 204


def test_no_log_line_carries_a_token(site: Site) -> None:
    created = site.create()
    for path in (
        path_of(created["feed_url"]),
        path_of(created["manage_url"]),
        path_of(created["api_url"]),
        "/m/" + "A" * 32 + "/rotate",  # a form post to an unknown token
    ):
        site.request("POST" if path.endswith("rotate") else "GET", path)
    logs = {
        "service": site.backend.log(),
        "nginx access": site.nginx.access_log.read_text(),
    }
    for name, text in logs.items():
        assert TOKEN_IN_LOG.search(text) is None, (name, TOKEN_IN_LOG.search(text))
        assert "/f/<redacted>/" in text, name
        assert "/m/<redacted>" in text, name
    assert "Traceback" not in logs["service"]
