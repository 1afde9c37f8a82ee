"""The page: form, results, manage link, phone-specific steps, CSRF, errors, languages."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from permitcal.inputs import DATE_LIMITS
from permitcal.web.clients import detect, in_app_browser
from tests.web.conftest import make_app, service

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
HUAWEI = "Mozilla/5.0 (Linux; Android 12; NOH-AN00 Build/HUAWEINOH-AN00; wv) AppleWebKit/537.36 Chrome/99 Mobile Safari/537.36 HuaweiBrowser/14.0"
VIVO = "Mozilla/5.0 (Linux; Android 13; V2227A; wv) AppleWebKit/537.36 Chrome/87 Mobile Safari/537.36 VivoBrowser/17.0"
WECHAT = "Mozilla/5.0 (Linux; Android 13; 22081212C) AppleWebKit/537.36 Chrome/111 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230405 MicroMessenger/8.0.35"

FORM = {"date_kind": "issued", "date": "2023-06-01", "lang": "zh", "alarms": "7,1", "cycles": "3"}


def submit(client: FlaskClient, **changes: str) -> str:
    """Post the form; return the manage page path it redirects to."""
    response = client.post("/", data={**FORM, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert re.fullmatch(r"/m/[A-Za-z0-9_-]{32}", location)
    return location


def test_index_in_chinese_and_english(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in text
    assert "居住证签发" in text
    english = client.get("/?ui=en").get_data(as_text=True)
    assert "Date the permit (or last endorsement) took effect" in english
    assert 'action="/?ui=en"' in english


def test_page_loads_nothing_from_other_hosts(client: FlaskClient) -> None:
    path = submit(client)
    for text in (client.get("/").get_data(as_text=True), client.get(path).get_data(as_text=True)):
        for asset in re.findall(r'(?:src|href)="([^"]+)"', text):
            if (
                asset.startswith(("http", "//"))
                and 'rel="stylesheet"' in text.split(asset)[0][-60:]
            ):
                pytest.fail(f"external stylesheet {asset}")
        assert not re.findall(r'src="(?:https?:)?//', text)
        for href in re.findall(r'<link[^>]+href="([^"]+)"', text):
            assert href.startswith(("/", "data:")), href


def test_create_shows_deadlines_and_every_way_to_subscribe(app: Flask, client: FlaskClient) -> None:
    page = client.get(submit(client), headers={"User-Agent": IPHONE})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert service(app).store.count() == 1
    assert 'data-rule="R1"' in text
    assert "2027-06-01" in text  # the cycle live on the service's today (2026-11-20)
    assert "休息日，请在2027-07-30办理" in text  # rest-day note for R3 on Saturday 2027-07-31
    webcal = re.search(r'id="webcal-link" href="(webcal://[^"]+)"', text)
    assert webcal
    feed_url = re.search(r'id="feed-url" value="(http://[^"]+)"', text)
    assert feed_url
    assert webcal.group(1) == feed_url.group(1).replace("http://", "webcal://")
    assert "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F" in text
    assert "https://outlook.live.com/calendar/0/addfromweb?url=" in text
    assert re.search(r'id="download-link" href="[^"]+\?download=1"', text)
    assert "<svg" in text  # the QR code, inline
    assert 'data-platform="iphone"' in text
    manage = re.search(r'id="manage-url" value="(http://[^"]+/m/[^"]+)"', text)
    assert manage
    feed_path = "/" + feed_url.group(1).split("/", 3)[3]
    assert client.get(feed_path).status_code == 200


def test_deadlines_split_into_upcoming_and_past(app: Flask, client: FlaskClient) -> None:
    # The fixed clock says 2026-11-20: for a permit that took effect on
    # 2025-12-10, expiry 2026-12-10 is coming up and R9 (education) is past.
    text = client.get(submit(client, date="2025-12-10", changes="education")).get_data(as_text=True)
    upcoming, _, past = text.partition('id="past-deadlines"')
    assert "2026-12-10" in upcoming
    assert "2026-11-10" not in upcoming  # R2 opened before "today"
    assert "2026-11-10" in past
    assert "2026-09-10" in past  # R9, two months before that


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2023-02-30"}, "2023-02-30 is not a real calendar date"),
        ({"date": ""}, "enter a date"),
        ({"date": "2023-06-01", "card_received": "2020-01-01"}, "card_received"),
        ({"date": "2023-06-01", "alarms": "soon"}, "alarms"),
        ({"date": "2023-06-01", "cycles": "50"}, "cycles"),
        ({"date": "2023-06-01", "lang": "xx"}, "lang"),
        ({"date_kind": "born", "date": "2023-06-01"}, "date_kind"),
    ],
)
def test_bad_form_is_rerendered_with_the_message(
    app: Flask, client: FlaskClient, data: dict[str, str], message: str
) -> None:
    response = client.post("/", data={**FORM, **data})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'id="form-error"' in text
    assert message in text
    if data.get("date"):
        assert f'value="{data["date"]}"' in text  # what the person typed is kept
    assert service(app).store.count() == 0


def test_manage_form_updates_and_bumps_revision(app: Flask, client: FlaskClient) -> None:
    path = submit(client)
    response = client.post(
        path, data={**FORM, "card_received": "2024-05-20", "changes": "employer"}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert 'id="notice"' in page.get_data(as_text=True)
    sub = service(app).store.by_manage_token(path.rsplit("/", 1)[1])
    assert sub is not None
    assert sub.revision == 1
    assert sub.settings.card_received is not None


def test_manage_form_bad_input_changes_nothing(app: Flask, client: FlaskClient) -> None:
    path = submit(client)
    response = client.post(path, data={**FORM, "date": "2023-13-01"})
    assert response.status_code == 400
    assert "2023-13-01" in response.get_data(as_text=True)
    sub = service(app).store.by_manage_token(path.rsplit("/", 1)[1])
    assert sub is not None
    assert sub.revision == 0


def test_rotate_and_delete_from_the_page(app: Flask, client: FlaskClient) -> None:
    path = submit(client)
    old_feed = re.search(
        r'id="feed-url" value="http://[^/]+([^"]+)"', client.get(path).get_data(as_text=True)
    )
    assert old_feed
    rotated = client.post(path + "/rotate")
    assert rotated.status_code == 303
    new_feed = re.search(
        r'id="feed-url" value="http://[^/]+([^"]+)"',
        client.get(rotated.headers["Location"]).get_data(as_text=True),
    )
    assert new_feed
    assert new_feed.group(1) != old_feed.group(1)
    assert client.get(old_feed.group(1)).status_code == 404
    refused = client.post(path + "/delete", data={})
    assert refused.status_code == 400
    assert service(app).store.count() == 1
    deleted = client.post(path + "/delete", data={"confirm": "1"})
    assert deleted.status_code == 200
    assert service(app).store.count() == 0
    assert client.get(path).status_code == 404
    assert client.get(new_feed.group(1)).status_code == 404


def test_unknown_manage_page_is_404(client: FlaskClient) -> None:
    for path in ("/m/" + "A" * 32, "/m/short", "/m/" + "A" * 32 + "/rotate"):
        response = client.get(path) if not path.endswith("rotate") else client.post(path)
        assert response.status_code == 404
        assert "text/html" in response.headers["Content-Type"]


def test_csrf_protects_the_forms(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    refused = client.post("/", data=FORM)
    assert refused.status_code == 400
    assert service(app).store.count() == 0
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True))
    assert token
    accepted = client.post("/", data={**FORM, "csrf_token": token.group(1)})
    assert accepted.status_code == 303
    # The JSON API needs no CSRF token.
    assert client.post("/api/subscriptions", json={"issued": "2023-06-01"}).status_code == 201


class _DateInput(HTMLParser):
    """The attributes of the form's date field."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input" and ("id", "date") in attrs:
            self.attrs = dict(attrs)


def date_input(html: str) -> dict[str, str | None]:
    parser = _DateInput()
    parser.feed(html)
    assert parser.attrs, "no date field"
    return parser.attrs


def form_page(client: FlaskClient, kind: str) -> str:
    """A page whose form has this kind of date selected: the index, or a manage page."""
    if kind == "issued":
        return client.get("/").get_data(as_text=True)
    return client.get(submit(client, date_kind=kind, date="2024-06-01")).get_data(as_text=True)


@pytest.mark.parametrize("kind", ["issued", "expires"])
def test_form_date_limits_are_the_librarys(client: FlaskClient, kind: str) -> None:
    attrs = date_input(form_page(client, kind))
    first, last = DATE_LIMITS[kind]
    assert (attrs["min"], attrs["max"]) == (first.isoformat(), last.isoformat())
    # What the page's script switches to when the other kind is chosen.
    for other, (other_first, other_last) in DATE_LIMITS.items():
        assert attrs[f"data-{other}-min"] == other_first.isoformat()
        assert attrs[f"data-{other}-max"] == other_last.isoformat()
    # The limits the bug report was about: the issue date stops a year before the expiry.
    assert DATE_LIMITS["issued"] == (dt.date(2001, 1, 1), dt.date(2079, 12, 31))
    assert DATE_LIMITS["expires"] == (dt.date(2002, 1, 1), dt.date(2080, 12, 31))


@pytest.mark.parametrize("kind", ["issued", "expires"])
def test_boundary_dates_are_accepted_and_refused_alike(
    app: Flask, client: FlaskClient, kind: str
) -> None:
    attrs = date_input(form_page(client, kind))
    first, last = DATE_LIMITS[kind]
    one_day = dt.timedelta(days=1)
    for day in (first - one_day, first, last, last + one_day):
        in_browser = attrs["min"] <= day.isoformat() <= attrs["max"]  # type: ignore[operator]
        response = client.post("/", data={**FORM, "date_kind": kind, "date": day.isoformat()})
        on_server = response.status_code == 303
        assert in_browser == on_server == (first <= day <= last), (kind, day, response.status_code)


def test_oversized_form_is_413(app: Flask, client: FlaskClient) -> None:
    response = client.post("/", data={**FORM, "alarms": "1," * 40000})
    assert response.status_code == 413
    assert service(app).store.count() == 0


@pytest.mark.parametrize(
    ("agent", "platform"),
    [
        (IPHONE, "iphone"),
        (HUAWEI, "huawei"),
        (VIVO, "vivo"),
        ("Mozilla/5.0 (Linux; Android 14; HONOR ALI-AN00) Chrome/120 Mobile", "honor"),
        (
            "Mozilla/5.0 (Linux; U; Android 13; zh-cn; 2211133C Build/TKQ1) XiaoMi/MiuiBrowser/17.8",
            "xiaomi",
        ),
        ("Mozilla/5.0 (Linux; Android 13; PHB110) HeyTapBrowser/40.8", "oppo"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120 Mobile", "google"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120", "outlook"),
        ("", "outlook"),
    ],
)
def test_platform_detection(agent: str, platform: str) -> None:
    assert detect(agent).key == platform


def test_huawei_visitor_sees_huawei_steps_first(client: FlaskClient) -> None:
    text = client.get(submit(client), headers={"User-Agent": HUAWEI}).get_data(as_text=True)
    assert 'data-platform="huawei"' in text
    assert "CalDAV" in text.split('id="my-platform"')[1].split("</div>")[0]


def test_wechat_gets_an_open_in_browser_warning(client: FlaskClient) -> None:
    assert in_app_browser(WECHAT)
    assert not in_app_browser(IPHONE)
    text = client.get("/", headers={"User-Agent": WECHAT}).get_data(as_text=True)
    assert 'id="in-app-warning"' in text
    assert "在浏览器中打开" in text
    assert 'id="in-app-warning"' not in client.get("/", headers={"User-Agent": IPHONE}).get_data(
        as_text=True
    )


def test_security_headers_everywhere(client: FlaskClient) -> None:
    for path in ("/", "/healthz", "/feed.ics?issued=2023-06-01", "/openapi.json", "/nowhere"):
        headers = client.get(path).headers
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "Retry-After" not in headers or path == "/nowhere"


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.get_json()
    assert health["status"] == "ok"
    assert health["holiday_notices_through"] >= 2026
    assert health["holiday_files"] == []
    assert f"收录至{health['holiday_notices_through']}年" in client.get("/").get_data(as_text=True)


def test_caldav_account_on_the_page_works(client: FlaskClient) -> None:
    from base64 import b64encode

    text = client.get(submit(client), headers={"User-Agent": VIVO}).get_data(as_text=True)
    assert 'data-platform="vivo"' in text
    mine = text.split('id="my-platform"')[1].split("</div>")[0]
    assert "添加账户" in mine
    assert "CalDAV" in mine
    server = re.search(r'id="caldav-server" value="([^"]+)"', text)
    user = re.search(r'id="caldav-username" value="([^"]+)"', text)
    password = re.search(r'id="caldav-password" value="([^"]+)"', text)
    assert server
    assert user
    assert password
    assert server.group(1) == "http://localhost/dav/"
    auth = b64encode(f"{user.group(1)}:{password.group(1)}".encode()).decode()
    response = client.open(
        f"/dav/{user.group(1)}/permit/",
        method="PROPFIND",
        headers={"Authorization": f"Basic {auth}", "Depth": "0"},
    )
    assert response.status_code == 207


def test_caldav_phones_see_the_account_before_the_subscribe_buttons(client: FlaskClient) -> None:
    path = submit(client)
    huawei = client.get(path, headers={"User-Agent": HUAWEI}).get_data(as_text=True)
    assert huawei.index('id="caldav"') < huawei.index('id="subscribe"')
    iphone = client.get(path, headers={"User-Agent": IPHONE}).get_data(as_text=True)
    assert iphone.index('id="subscribe"') < iphone.index('id="caldav"')
    assert iphone.count('id="caldav"') == huawei.count('id="caldav"') == 1


def test_consequence_rows_name_no_day_to_act(client: FlaskClient) -> None:
    text = client.get(submit(client)).get_data(as_text=True)
    # R4 on Sunday 2027-08-01: by then the day to act (R3's) has passed.
    row = re.search(r'<tr[^>]*data-rule="R4"[^>]*>.*?</tr>', text, re.S)
    assert row is not None
    assert "2027-08-01" in row.group(0)
    assert "请在" not in row.group(0)
    r3 = re.search(r'<tr[^>]*data-rule="R3"[^>]*>.*?</tr>', text, re.S)
    assert r3 is not None
    assert "请在2027-07-30办理" in r3.group(0)
