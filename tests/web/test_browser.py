"""The page in a real browser (system Chromium via Playwright): fill, subscribe links, download."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from flask import Flask

from tests.ics_checks import assert_well_formed, events
from tests.web.conftest import NOW, latest_typed, require_or_skip

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"


def chromium_path() -> str:
    if not os.environ.get("PERMITCAL_TEST_CHROMIUM") and Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return require_or_skip("PERMITCAL_TEST_CHROMIUM", "Chromium")


@pytest.fixture
def server(live_server: tuple[str, Flask]) -> str:
    return live_server[0]


def test_fill_form_subscribe_and_download(server: str, tmp_path: Path) -> None:
    executable = chromium_path()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(
                viewport={"width": 414, "height": 896}, user_agent=IPHONE, accept_downloads=True
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

            page.goto(server + "/")
            page.check("input[name=date_kind][value=issued]")
            page.fill("#date", "2023-06-01")
            page.check("input[name=changes][value=employer]")
            page.click("#submit")
            page.wait_for_selector("#deadlines")

            assert page.locator("tr[data-rule=R1]").count() == 3  # one per cycle
            webcal = page.get_attribute("#webcal-link", "href")
            assert webcal is not None
            assert webcal.startswith("webcal://127.0.0.1:")
            google = page.get_attribute("#google-link", "href")
            assert google is not None
            assert google.startswith("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F")
            outlook = page.get_attribute("#outlook-link", "href")
            assert outlook is not None
            assert "addfromweb?url=http%3A%2F%2F127.0.0.1" in outlook
            assert page.locator("#qr img").count() == 1
            expect(page.locator("#phone-iphone")).to_be_visible()
            assert page.get_attribute("#iphone-webcal-link", "href") == webcal
            feed_url = page.input_value("#feed-url")
            assert webcal == feed_url.replace("http://", "webcal://", 1)

            page.click("#other-ways summary")
            page.click("button.copy[data-copy=feed-url]")
            # app.js changes the label after the clipboard promise settles: wait for it.
            expect(page.locator("button.copy[data-copy=feed-url]")).to_have_text("已复制")

            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "manage-page.png"), full_page=True)

            with page.expect_download() as download_info:
                page.click("#download-link")
            saved = tmp_path / "downloaded.ics"
            download_info.value.save_as(saved)
            data = saved.read_bytes()
            assert_well_formed(data)
            assert len(events(data)) > 20
            assert download_info.value.suggested_filename == "shanghai-permit.ics"
            assert errors == []
        finally:
            browser.close()


def test_bad_date_shows_the_message_in_english(server: str) -> None:
    """The English page explains in English, next to the field, with the form kept."""
    executable = chromium_path()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(server + "/?ui=en")
            page.check("input[name=date_kind][value=expires]")
            page.fill("#date", "2024-06-01")
            page.fill("#card_received", "2020-01-01")
            page.click("#submit")
            expect(page.locator("#card_received-error")).to_contain_text("the new card")
            assert page.input_value("#date") == "2024-06-01"  # kept for correction
            assert page.is_checked("input[name=date_kind][value=expires]")
        finally:
            browser.close()


def test_date_limits_follow_the_kind_of_date_in_the_browser(server: str) -> None:
    """Chromium refuses exactly the dates the server refuses, for either kind of date;
    an issue date after today + 30 days passes the browser for the server's offer."""
    executable = chromium_path()
    from playwright.sync_api import expect, sync_playwright

    from permitcal.inputs import DATE_LIMITS

    one_day = dt.timedelta(days=1)
    # The server's clock (tests.web.conftest.NOW): an expiry stops where a card's would.
    last_expiry = latest_typed(NOW.date(), "expires")
    limits = {"issued": DATE_LIMITS["issued"], "expires": (DATE_LIMITS["expires"][0], last_expiry)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(server + "/?ui=en")
            date = page.locator("#date")
            for kind in ("issued", "expires", "issued"):
                page.check(f"input[name=date_kind][value={kind}]")
                first, last = limits[kind]
                # app.js sets the limits on the change event: wait for them.
                expect(date).to_have_attribute("max", last.isoformat())
                expect(date).to_have_attribute("min", first.isoformat())
                for day, valid in (
                    (first - one_day, False),
                    (first, True),
                    (last, True),
                    (last + one_day, False),
                ):
                    date.fill(day.isoformat())
                    assert date.evaluate("e => e.checkValidity()") is valid, (kind, day)
            # The last valid expiry goes through to the manage page.
            page.check("input[name=date_kind][value=expires]")
            date.fill(last_expiry.isoformat())
            page.click("#submit")
            expect(page.locator("#deadlines")).to_be_visible()
        finally:
            browser.close()
