"""The page: form, results, manage link, phone-specific steps, CSRF, errors, languages."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from permitcal.inputs import DATE_LIMITS
from permitcal.web.page.phones import PHONES, Phone
from permitcal.web.words.texts import UI, format_day
from tests.web.caldav_helpers import authorization
from tests.web.conftest import Clock, latest_typed, make_app, service

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
HUAWEI = "Mozilla/5.0 (Linux; Android 12; NOH-AN00 Build/HUAWEINOH-AN00; wv) AppleWebKit/537.36 Chrome/99 Mobile Safari/537.36 HuaweiBrowser/14.0"
VIVO = "Mozilla/5.0 (Linux; Android 13; V2227A; wv) AppleWebKit/537.36 Chrome/87 Mobile Safari/537.36 VivoBrowser/17.0"
CHROME_REDUCED = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"
WECHAT = "Mozilla/5.0 (Linux; Android 13; 22081212C) AppleWebKit/537.36 Chrome/111 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230405 MicroMessenger/8.0.35"

FORM = {"date_kind": "issued", "date": "2023-06-01", "lang": "zh", "alarms": "7,1", "cycles": "3"}


def submit(client: FlaskClient, **changes: str) -> str:
    """Post the form; return the manage page path it redirects to."""
    response = client.post("/", data={**FORM, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert re.fullmatch(r"/m/[A-Za-z0-9_-]{32}\?done=created", location)
    return location.split("?")[0]


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
    # R3 on Saturday 2027-07-31, in a year whose holiday notice is not out: "may be".
    assert "可能是休息日，稳妥起见最迟2027年7月30日（星期五）办理" in plain(text)
    webcal = re.search(r'id="webcal-link" href="(webcal://[^"]+)"', text)
    assert webcal
    feed_url = re.search(r'id="feed-url" value="(http://[^"]+)"', text)
    assert feed_url
    assert webcal.group(1) == feed_url.group(1).replace("http://", "webcal://")
    assert "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F" in text
    assert "https://outlook.live.com/calendar/0/addfromweb?url=" in text
    assert re.search(r'id="download-link" href="[^"]+\?download=1"', text)
    assert 'src="data:image/svg+xml' in text  # the QR code, inline
    assert 'id="phone-iphone" data-platform="iphone">' in text  # chosen: not hidden
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
    ("data", "field", "zh", "en"),
    [
        (
            {"date": "2023-02-30"},
            "date",
            "签发日期：2023年2月30日不是有效日期。",
            "Date issued: 30 February 2023 is not a real date.",
        ),
        ({"date": ""}, "date", "签发日期：请填写日期。", "Date issued: enter a date."),
        (
            {"date": "2023-06-01", "card_received": "2020-01-01"},
            "card_received",
            "拿到新证的日期：2020年1月1日比签发日期2023年6月1日早了30天以上",
            "Day you got the new card: 1 January 2020 is more than 30 days before",
        ),
        (
            {"date": "2023-06-01", "alarms": "soon"},
            "alarms",
            "提前提醒天数：“soon”不是整数。",
            "Reminder days: “soon” is not a whole number.",
        ),
        (
            {"date": "2023-06-01", "cycles": "50"},
            "cycles",
            "显示几年：请填写1到10之间的整数（你填的是 50）。",
            "Years to show: enter a whole number from 1 to 10",
        ),
        (
            {"date": "2023-06-01", "lang": "xx"},
            "lang",
            "日历语言：“xx”不是可选的值",
            "Calendar language: “xx” is not one of the choices",
        ),
        (
            {"date_kind": "born", "date": "2023-06-01"},
            "date",
            "日期类型：“born”不是可选的值",
            "Kind of date: “born” is not one of the choices",
        ),
    ],
)
def test_bad_form_is_explained_next_to_its_field(
    app: Flask, client: FlaskClient, data: dict[str, str], field: str, zh: str, en: str
) -> None:
    for ui, expected in (("/", zh), ("/?ui=en", en)):
        response = client.post(ui, data={**FORM, **data})
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        message = re.search(rf'<p class="error" role="alert" id="{field}-error">(.*?)</p>', text)
        assert message, text
        assert message.group(1).startswith(expected)
        assert re.search(
            rf'id="{field}"[^>]* aria-invalid="true" aria-describedby="{field}-error[ "]', text
        )
        if data.get("date"):
            assert f'value="{data["date"]}"' in text  # what the person typed is kept
        if field in ("lang", "alarms", "cycles"):
            assert '<details class="options" open>' in text  # the error is not hidden
        if ui == "/":
            shown = re.sub(r"<[^>]+>", " ", text.split("<main>")[1].split("</main>")[0])
            for internal in ("card_received", "date_kind", "cycles", "alarms"):
                assert internal not in shown, internal
    assert service(app).store.count() == 0


def test_lost_session_and_rate_limit_keep_what_was_typed(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, RATELIMIT_CREATE="1 per minute")
    client = app.test_client()
    typed = {**FORM, "date": "2024-03-05", "card_received": "2025-03-01", "changes": "employer"}
    lost = client.post("/", data=typed)  # no session, no CSRF token
    assert lost.status_code == 400
    text = lost.get_data(as_text=True)
    assert "页面已过期" in text
    assert 'value="2024-03-05"' in text
    assert 'value="2025-03-01"' in text
    assert 'value="employer" checked' in text
    token = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert token
    assert client.post("/", data={**typed, "csrf_token": token.group(1)}).status_code == 303
    refused = client.post("/?ui=en", data={**typed, "csrf_token": token.group(1)})
    assert refused.status_code == 429
    text = refused.get_data(as_text=True)
    assert "try again in 1 minute" in text
    assert 'value="2024-03-05"' in text
    assert refused.headers["Retry-After"]
    assert service(app).store.count() == 1


def test_error_pages_speak_the_pages_language(client: FlaskClient) -> None:
    for path, words in (("/nowhere", "找不到这个页面"), ("/nowhere?ui=en", "Page not found")):
        response = client.get(path)
        assert response.status_code == 404
        text = response.get_data(as_text=True)
        assert text.count("<h1>") == 1
        assert words in text
        for landmark in ("<header>", "<main>", "<footer>"):
            assert landmark in text


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
    """A page whose form has this kind of date selected: the index (the expiry is its
    default), or a manage page."""
    if kind == "expires":
        return client.get("/").get_data(as_text=True)
    return client.get(submit(client, date_kind=kind, date="2024-06-01")).get_data(as_text=True)


@pytest.mark.parametrize("kind", ["issued", "expires"])
def test_form_date_limits_are_the_librarys(client: FlaskClient, clock: Clock, kind: str) -> None:
    attrs = date_input(form_page(client, kind))
    first, last = DATE_LIMITS[kind]
    today = clock.now.date()
    # An expiry stops where a real card's would; an issue date keeps the library's
    # range, since the server's refusal offers to take it as the expiry.
    if kind == "expires":
        last = latest_typed(today, kind)
    assert (attrs["min"], attrs["max"]) == (first.isoformat(), last.isoformat())
    # What the page's script switches to when the other kind is chosen.
    assert attrs["data-issued-min"] == DATE_LIMITS["issued"][0].isoformat()
    assert attrs["data-issued-max"] == DATE_LIMITS["issued"][1].isoformat()
    assert attrs["data-expires-min"] == DATE_LIMITS["expires"][0].isoformat()
    assert attrs["data-expires-max"] == latest_typed(today, "expires").isoformat()
    # The limits the bug report was about: the issue date stops a year before the expiry.
    assert DATE_LIMITS["issued"] == (dt.date(2001, 1, 1), dt.date(2079, 12, 31))
    assert DATE_LIMITS["expires"] == (dt.date(2002, 1, 1), dt.date(2080, 12, 31))


@pytest.mark.parametrize("kind", ["issued", "expires"])
def test_boundary_dates_are_accepted_and_refused_alike(
    app: Flask, client: FlaskClient, clock: Clock, kind: str
) -> None:
    attrs = date_input(form_page(client, kind))
    first, last = DATE_LIMITS[kind]
    latest = latest_typed(clock.now.date(), kind)
    one_day = dt.timedelta(days=1)
    for day in (first - one_day, first, latest, latest + one_day, last):
        in_browser = attrs["min"] <= day.isoformat() <= attrs["max"]  # type: ignore[operator]
        response = client.post("/", data={**FORM, "date_kind": kind, "date": day.isoformat()})
        on_server = response.status_code == 303
        assert on_server == (first <= day <= latest), (kind, day, response.status_code)
        offered = 'id="use-as-expiry"' in response.get_data(as_text=True)
        if kind == "expires":
            assert in_browser == on_server, (kind, day)
            assert not offered
        else:
            # The browser lets a late issue date through, for the server's offer.
            assert in_browser == (first <= day <= last), (kind, day)
            assert offered == (day > latest), (kind, day)


def test_oversized_form_is_413(app: Flask, client: FlaskClient) -> None:
    response = client.post("/", data={**FORM, "alarms": "1," * 40000})
    assert response.status_code == 413
    assert service(app).store.count() == 0


def plain(html: str) -> str:
    """The text a reader sees: tags and scripts removed."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<script.*?</script>", "", html, flags=re.S))


@pytest.mark.parametrize(
    ("ui", "shape", "example"),
    [
        ("", r"\d{4}年\d{1,2}月\d{1,2}日（星期[一二三四五六日]）", "2027年7月30日（星期五）"),
        (
            "?ui=en",
            r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{1,2} [A-Z][a-z]+ \d{4}",
            "Friday 30 July 2027",
        ),
    ],
)
def test_one_date_format_on_the_page(
    client: FlaskClient, ui: str, shape: str, example: str
) -> None:
    """The table writes dates as the box above does, never bare ISO; the ISO date stays
    in each <time> for machines."""
    html = client.get(submit(client) + ui).get_data(as_text=True)
    cells = re.findall(r'<td class="date">(<time datetime="([\d-]+)">.*?</time>)</td>', html)
    assert len(cells) > 10
    for cell, iso in cells:
        day = dt.date.fromisoformat(iso)
        text = plain(cell)
        assert re.fullmatch(shape, text), text
        assert text == format_day(day, "en" if ui else "zh")
    assert example in plain(html)
    next_box = re.search(r'<p class="next".*?</p>', html, re.S)
    assert next_box is not None
    assert re.search(shape, plain(next_box.group(0)))  # the box's format is the same
    visible = plain(html.split("<main>")[1].split("</main>")[0])
    assert not re.search(r"\d{4}-\d{2}-\d{2}", visible), "a bare ISO date is shown"


def chosen_block(text: str) -> str:
    """The one phone block the page shows (the others carry ``hidden``)."""
    shown = re.findall(
        r'<div class="phone" id="phone-(\w+)" data-platform="\w+">(.*?)</ol>', text, re.S
    )
    assert len(shown) == 1, [key for key, _ in shown]
    return shown[0][0] + ":" + shown[0][1]


@pytest.mark.parametrize(
    ("agent", "hints", "phone"),
    [
        (IPHONE, {}, "iphone"),
        (HUAWEI, {}, "huawei"),
        (VIVO, {}, "vivo"),
        (CHROME_REDUCED, {"Sec-CH-UA-Model": '"2211133C"'}, "xiaomi"),
        (WECHAT, {}, "xiaomi"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120", {}, "desktop"),
    ],
)
def test_the_page_shows_the_steps_for_the_visitors_phone(
    client: FlaskClient, agent: str, hints: dict[str, str], phone: str
) -> None:
    path = submit(client)
    text = client.get(path, headers={"User-Agent": agent, **hints}).get_data(as_text=True)
    assert chosen_block(text).startswith(phone + ":")
    # The picker's choice wins over detection, and only one block shows.
    other = client.get(path + "?phone=oppo", headers={"User-Agent": agent}).get_data(as_text=True)
    assert chosen_block(other).startswith("oppo:")


@pytest.mark.parametrize("phone", PHONES, ids=[phone.key for phone in PHONES])
def test_the_steps_end_with_what_keeps_reminders_ringing(client: FlaskClient, phone: Phone) -> None:
    """Each phone's last step is its reminders step, and one sentence says what to check."""
    path = submit(client)
    for lang, query in (("zh", ""), ("en", "&ui=en")):
        text = client.get(f"{path}?phone={phone.key}{query}").get_data(as_text=True)
        steps = re.findall(r"<li>(.*?)</li>", chosen_block(text), re.S)
        assert unescape(plain(steps[-1])) == phone.reminders.step.text.get(lang)
        check = re.search(r'<p id="reminder-check">(.*?)</p>', text, re.S)
        assert check is not None
        assert unescape(check.group(1)) == UI["reminder_check"].get(lang)


def test_an_unknown_phone_gets_the_picker_question(client: FlaskClient) -> None:
    path = submit(client)
    response = client.get(path, headers={"User-Agent": CHROME_REDUCED})
    text = response.get_data(as_text=True)
    assert 'id="picker-ask"' in text
    assert not re.findall(r'<div class="phone" id="phone-\w+" data-platform="\w+">', text)
    # Asking for the model, so the next page can tell.
    assert "Sec-CH-UA-Model" in response.headers["Accept-CH"]
    assert "Sec-CH-UA-Model" in response.headers["Vary"]


def test_caldav_phones_have_the_account_as_their_main_action(client: FlaskClient) -> None:
    path = submit(client)
    for agent in (HUAWEI, VIVO):
        block = chosen_block(client.get(path, headers={"User-Agent": agent}).get_data(as_text=True))
        assert "CalDAV" in block
        assert "caldav-fields main-action" in block
        assert "webcal://" not in block  # no subscribe link where it cannot work
    iphone = chosen_block(client.get(path, headers={"User-Agent": IPHONE}).get_data(as_text=True))
    assert re.search(
        r'class="button primary main-action" id="iphone-webcal-link" href="webcal://', iphone
    )


def test_wechat_gets_no_button_that_cannot_work_there(client: FlaskClient) -> None:
    start = client.get("/", headers={"User-Agent": WECHAT}).get_data(as_text=True)
    assert 'id="in-app-warning"' in start
    text = client.get(submit(client), headers={"User-Agent": WECHAT}).get_data(as_text=True)
    assert "在浏览器打开" in text
    assert 'id="in-app-page-link"' in text  # copy this page's link
    assert 'id="in-app-qr"' in text  # the QR code for another phone
    for link in ('href="webcal:', "calendar.google.com", "outlook.live.com", "download>"):
        assert link not in text, link
    for agent in (IPHONE, ""):
        assert 'id="in-app-warning"' not in client.get("/", headers={"User-Agent": agent}).get_data(
            as_text=True
        )


def test_security_headers_everywhere(client: FlaskClient) -> None:
    for path in ("/", "/healthz", "/feed.ics?issued=2023-06-01", "/openapi.json", "/nowhere"):
        headers = client.get(path).headers
        assert headers["Referrer-Policy"] == "same-origin"
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
    text = client.get(submit(client), headers={"User-Agent": VIVO}).get_data(as_text=True)
    mine = chosen_block(text)
    assert mine.startswith("vivo:")
    assert "添加账户" in mine
    assert "CalDAV" in mine
    server = re.search(r'id="caldav-server" value="([^"]+)"', text)
    user = re.search(r'id="caldav-username" value="([^"]+)"', text)
    password = re.search(r'id="caldav-password" value="([^"]+)"', text)
    assert server
    assert user
    assert password
    assert server.group(1) == "http://localhost/dav/"
    response = client.open(
        f"/dav/{user.group(1)}/permit/",
        method="PROPFIND",
        headers={"Authorization": authorization(user.group(1), password.group(1)), "Depth": "0"},
    )
    assert response.status_code == 207


def test_consequence_rows_name_no_day_to_act(client: FlaskClient) -> None:
    text = client.get(submit(client)).get_data(as_text=True)
    # R4 on Sunday 2027-08-01: by then the day to act (R3's) has passed.
    row = re.search(r'<tr[^>]*data-rule="R4"[^>]*>.*?</tr>', text, re.S)
    assert row is not None
    assert "2027-08-01" in row.group(0)
    assert "最迟" not in row.group(0)
    r3 = re.search(r'<tr[^>]*data-rule="R3"[^>]*>.*?</tr>', text, re.S)
    assert r3 is not None
    assert "最迟2027年7月30日（星期五）办理" in plain(r3.group(0))
