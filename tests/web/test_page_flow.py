"""The page in a real browser as holders use it: the wrong date refused with a one-tap
fix, the next step in view after every form, the computer's QR code opening the
phone page (issue #17, items 1–3)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.web.conftest import NOW
from tests.web.qr import decode_qr
from tests.web.test_browser import ARTIFACTS
from tests.web.test_phone_page import PROFILES, Profile, Visit

BY_NAME = {profile.name: profile for profile in PROFILES}
# A phone that subscribes, one that needs the CalDAV account, an app's browser, a computer.
FLOW_PROFILES = ("iphone-safari", "huawei-browser", "wechat-android", "desktop-chrome")
SHOTS = ARTIFACTS / "flow"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("name", FLOW_PROFILES)
def test_an_expiry_typed_as_the_issue_date_is_refused_and_fixed_in_one_tap(
    chromium: Any, page_server: str, name: str
) -> None:
    """The issue's case: the card's expiry in the issue-date field, 60 days ahead."""
    from playwright.sync_api import expect

    profile: Profile = BY_NAME[name]
    day = NOW.date() + dt.timedelta(days=60)  # the server's today is NOW's date
    visit = Visit(chromium, page_server, profile)
    try:
        page = visit.page
        page.goto(page_server + "/")
        page.check("input[name=date_kind][value=issued]")
        page.fill("#date", day.isoformat())
        page.click("#submit")
        error = page.locator("#date-error")
        expect(error).to_contain_text("不会是签发或签注生效的日期")
        expect(error).to_be_in_viewport()
        assert "/m/" not in page.url
        offer = page.locator("#use-as-expiry")
        expect(offer).to_contain_text(f"{day.year}年{day.month}月{day.day}日")
        expect(offer).to_be_in_viewport()
        assert "<" not in offer.inner_text()  # the date drawn, not its markup
        shot(page, f"{name}-refused")
        offer.click()
        page.wait_for_url(re.compile(r"/m/"))
        entered = page.locator("#entered")
        expect(entered).to_contain_text(f"按你填写的到期日{day.year}年{day.month}月{day.day}日计算")
        expect(entered).to_be_in_viewport()
        shot(page, f"{name}-result")
        # The refusal is a 400 answer, which Chromium reports in the console; nothing else.
        assert [e for e in visit.errors if "status of 400" not in e] == []
    finally:
        visit.close()


@pytest.mark.parametrize("name", FLOW_PROFILES)
def test_the_next_step_stays_in_view_after_every_form(
    chromium: Any, page_server: str, name: str
) -> None:
    from playwright.sync_api import expect

    profile: Profile = BY_NAME[name]
    visit = Visit(chromium, page_server, profile)
    try:
        page = visit.page
        visit.create(date_kind="expires", date="2026-12-10")
        # The browser refuses an expiry no card carries with the server's words.
        page.locator("#edit-form details").first.evaluate("d => d.open = true")
        page.fill("#edit-form #date", "2029-02-08")
        message = page.locator("#edit-form #date").evaluate("e => e.validationMessage")
        assert "一年零30天" in message, message
        page.fill("#edit-form #date", "2026-12-10")
        page.evaluate("window.scrollTo(0, 0)")
        # 我已拿到新证 is in the first screen, and takes the person to its form.
        jump = page.locator("#jump-renewed")
        expect(jump).to_be_in_viewport()
        jump.click()
        expect(page.locator("#renewed-date")).to_be_in_viewport()
        page.fill("#renewed-date", "2026-11-15")
        page.click("#renewed-submit")
        page.wait_for_url(re.compile(r"done=renewed#notice"))
        # The confirmation, and the next deadline, where the person is looking.
        expect(page.locator("#notice")).to_be_in_viewport()
        expect(page.locator("#next-deadline")).to_be_in_viewport()
        shot(page, f"{name}-renewed")
        # Saving the settings, four screens down, comes back the same way.
        page.locator("#edit-form details").first.evaluate("d => d.open = true")
        page.fill("#edit-form #alarms", "14,1")
        page.click("#save")
        page.wait_for_url(re.compile(r"done=saved#notice"))
        expect(page.locator("#notice")).to_be_in_viewport()
        assert visit.errors == []
    finally:
        visit.close()


def test_the_computers_qr_code_opens_the_phone_page_on_a_phone(
    chromium: Any, page_server: str
) -> None:
    from playwright.sync_api import expect

    desktop = Visit(chromium, page_server, BY_NAME["desktop-chrome"])
    try:
        desktop.create(date_kind="expires", date="2027-02-08")
        manage_token = desktop.page.url.split("/m/")[1].split("?")[0]
        expect(desktop.page.locator("#phone-desktop .qr img")).to_be_visible()
        address = decode_qr(desktop.page, "#phone-desktop .qr img")
        feed_url = desktop.page.input_value("#feed-url")
    finally:
        desktop.close()
    assert re.fullmatch(rf"{re.escape(page_server)}/p/[A-Za-z0-9_-]{{32}}", address), address
    assert manage_token not in address
    assert address.split("/p/")[1] in feed_url  # the feed token, which only reads
    for name, shown in (("vivo-browser", "#phone-vivo"), ("iphone-safari", "#phone-iphone")):
        phone = Visit(chromium, page_server, BY_NAME[name])
        try:
            phone.page.goto(address)
            expect(phone.page.locator(shown)).to_be_visible()
            expect(phone.page.locator("#next-deadline")).to_contain_text("2027年2月3日")
            shot(phone.page, f"{name}-phone-page")
            assert manage_token not in phone.page.content()
            assert phone.errors == []
        finally:
            phone.close()
