"""A child's school step in a real browser at 360 px (issue #20, item 4): add primary 2027
to a calendar whose permit expires in April, see the clash warning above the calendar
buttons (and on the phone page), then change the step in its own form. Screenshots go to test-artifacts/school/ for review."""

from __future__ import annotations

import re
from typing import Any

from tests.web.test_browser import ARTIFACTS
from tests.web.test_household_flow import fits
from tests.web.test_phone_page import PROFILES, Visit

SHOTS = ARTIFACTS / "school"
ANDROID = next(p for p in PROFILES if p.name == "android-chrome-no-hints")


def test_primary_2027_warns_above_the_calendar_buttons(chromium: Any, page_server: str) -> None:
    from playwright.sync_api import expect

    assert ANDROID.viewport["width"] == 360
    SHOTS.mkdir(parents=True, exist_ok=True)
    visit = Visit(chromium, page_server, ANDROID)
    try:
        page = visit.page
        visit.create(date_kind="expires", date="2027-04-20")
        expect(page.locator("#school-warnings")).to_have_count(0)
        page.locator("#school-open").scroll_into_view_if_needed()
        page.click("#school-open")
        page.select_option("#school-stage", "primary")
        page.select_option("#school-year", "2027")
        page.locator("#school-submit").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "360-1-form.png"))
        page.click("#school-submit")
        page.wait_for_url(re.compile(r"done=school_added#notice"))
        expect(page.locator("#notice")).to_be_in_viewport()
        warning = page.locator("#school-warnings .school-warning")
        expect(warning).to_have_count(1)
        expect(warning).to_contain_text("按往年估计")
        above = page.evaluate(
            "document.querySelector('#school-warnings').getBoundingClientRect().top"
            " < document.querySelector('#add').getBoundingClientRect().top"
        )
        assert above
        page.locator("#school-warnings").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "360-2-warning.png"))
        page.locator("#school-steps").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "360-3-steps.png"))
        fits(page, 360)
        manage = page.url.split("?")[0]
        # The page the QR code opens shows the same warning above this phone's steps.
        feed_url = page.input_value("#feed-url")
        token = re.search(r"/f/([A-Za-z0-9_-]{32})/", feed_url)
        assert token, feed_url
        page.goto(f"{page_server}/p/{token.group(1)}")
        expect(page.locator("#school-warnings .school-warning")).to_contain_text("按往年估计")
        above = page.evaluate(
            "document.querySelector('#school-warnings').getBoundingClientRect().top"
            " < document.querySelector('#add').getBoundingClientRect().top"
        )
        assert above
        page.screenshot(path=str(SHOTS / "360-4-phone-page.png"), full_page=True)
        fits(page, 360)
        # A wrong year is changed in the step's own form, which keeps the step.
        page.goto(manage)
        page.locator("#school-1-edit summary").scroll_into_view_if_needed()
        page.click("#school-1-edit summary")
        page.select_option("#school-1-stage", "kindergarten")
        page.select_option("#school-1-year", "2028")
        page.locator("#school-1-save").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "360-5-change.png"))
        fits(page, 360)
        page.click("#school-1-save")
        page.wait_for_url(re.compile(r"done=school_saved#notice"))
        expect(page.locator("#notice")).to_be_in_viewport()
        expect(page.locator("#school-steps li")).to_have_count(1)
        expect(page.locator("#school-steps")).to_contain_text("2028")
        assert visit.errors == []
    finally:
        visit.close()
