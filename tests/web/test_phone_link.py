"""The phone page the computer's QR code opens: keyed by the feed token, read only, a
token page like the others (issue #17, item 3)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from permitcal.web.serving.logs import redact
from tests.web.conftest import create_subscription, path_of

HUAWEI = (
    "Mozilla/5.0 (Linux; Android 12; NOH-AN00 Build/HUAWEINOH-AN00; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/99.0.4844.88 Mobile Safari/537.36 "
    "HuaweiBrowser/14.0.0.300"
)


def feed_token_of(sub: dict[str, str]) -> str:
    found = re.search(r"/f/([A-Za-z0-9_-]{32})/", sub["feed_url"])
    assert found
    return found.group(1)


def test_the_phone_page_shows_this_phones_steps_and_reads_only(client: FlaskClient) -> None:
    sub = create_subscription(client, expires="2027-02-08")
    feed_token = feed_token_of(sub)
    page = client.get(f"/p/{feed_token}", headers={"User-Agent": HUAWEI})
    assert page.status_code == 200
    # A token page: no copy kept anywhere, no search index, no compression.
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    html = page.get_data(as_text=True)
    # Huawei's own steps are the ones shown, with the CalDAV account to copy.
    assert re.search(r'<div class="phone" id="phone-huawei" data-platform="huawei">', html)
    assert f'id="huawei-caldav-password" value="{feed_token}"' in html
    assert f'value="{sub["caldav_username"]}"' in html
    # The next deadline, as on the manage page.
    assert 'id="next-deadline"' in html
    assert "2027年2月3日" in html
    # Nothing here can change the calendar: no manage token, no settings forms.
    assert sub["manage_token"] not in html
    for form in ("renewed-form", "edit-form", "rotate-form", "delete-form"):
        assert f'id="{form}"' not in html
    # The phone picker stays on this page.
    chips = re.findall(r'<a class="chip" href="([^"]+)"', html)
    assert len(chips) >= 8
    assert all(chip.startswith(f"/p/{feed_token}?phone=") for chip in chips)
    english = client.get(f"/p/{feed_token}?ui=en").get_data(as_text=True)
    assert "Add the permit calendar to this phone" in english


def test_the_manage_pages_qr_code_and_page_link_name_the_phone_page(client: FlaskClient) -> None:
    sub = create_subscription(client, expires="2027-02-08")
    html = client.get(path_of(sub["manage_url"])).get_data(as_text=True)
    # The manage page draws the QR code (its address is read from pixels in the
    # browser test over HTTPS, tests/web/test_https_proxy.py).
    assert '<figure class="qr' in html
    phone = client.get(f"/p/{feed_token_of(sub)}", headers={"User-Agent": "MicroMessenger/8.0"})
    in_app = phone.get_data(as_text=True)
    link = re.search(r'id="in-app-page-link" value="([^"]+)"', in_app)
    # In WeChat on the phone page, the link to open in the browser is the phone page.
    assert link
    assert f"/p/{feed_token_of(sub)}" in link.group(1)
    assert sub["manage_token"] not in in_app


def test_only_the_current_feed_token_opens_the_phone_page(client: FlaskClient) -> None:
    sub = create_subscription(client)
    feed_token = feed_token_of(sub)
    assert client.get(f"/p/{sub['manage_token']}").status_code == 404
    assert client.get("/p/not-a-token").status_code == 404
    assert (
        client.get(f"/p/{feed_token[:-1]}{'B' if feed_token[-1] == 'A' else 'A'}").status_code
        == 404
    )
    rotated = client.post(path_of(sub["api_url"]) + "/rotate")
    assert rotated.status_code == 200, rotated.get_data(as_text=True)
    new_token = feed_token_of(rotated.get_json())
    assert client.get(f"/p/{feed_token}").status_code == 404
    assert client.get(f"/p/{new_token}").status_code == 200
    assert client.delete(path_of(sub["api_url"])).status_code == 204
    assert client.get(f"/p/{new_token}").status_code == 404


def test_phone_page_addresses_are_redacted_in_logs() -> None:
    token = "A" * 32
    assert redact(f"GET /p/{token}?phone=huawei HTTP/1.1") == (
        "GET /p/<redacted>?phone=huawei HTTP/1.1"
    )
