"""A family's calendar in a real browser at phone size: create one, add the child's permit,
see both names in the dates, remove it (issue #18, item 4). Screenshots go to
test-artifacts/household/ for review."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.test_browser import ARTIFACTS
from tests.web.test_phone_page import PROFILES, TAPPABLE, Profile, Visit

BY_NAME = {profile.name: profile for profile in PROFILES}
SHOTS = ARTIFACTS / "household"


def shot(page: Any, name: str, *, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def fits(page: Any, width: int) -> None:
    """Nothing wider than the phone, every tap target 44 px high (the household's too)."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    small = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
          .filter(e => e.offsetParent !== null && !e.closest('label.check, .copyrow label, p.entered'))
          .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
          .filter(([, height]) => height < 44)""",
        TAPPABLE,
    )
    assert small == []


@pytest.mark.parametrize("name", ["iphone-safari", "huawei-browser"])
def test_a_family_adds_the_childs_permit_and_removes_it(
    chromium: Any, page_server: str, name: str
) -> None:
    from playwright.sync_api import expect

    profile: Profile = BY_NAME[name]
    width = profile.viewport["width"]
    assert 360 <= width <= 390
    visit = Visit(chromium, page_server, profile)
    try:
        page = visit.page
        visit.create(date_kind="expires", date="2027-03-15")
        # One permit: no names anywhere yet; the add form is below, closed.
        expect(page.locator(".who")).to_have_count(0)
        page.locator("#family-open").scroll_into_view_if_needed()
        page.click("#family-open")
        expect(page.locator("#add-first-label")).to_have_value("我")
        # An empty name is refused by the browser in the server's words.
        page.fill("#add-first-label", "")
        message = page.locator("#add-first-label").evaluate("e => e.validationMessage")
        assert "每张都要写上是谁的" in message, message
        page.fill("#add-first-label", "我")
        page.fill("#add-label", "孩子")
        page.fill("#add-date", "2027-05-20")
        page.check("#add-points-no")
        page.locator("#add-label").scroll_into_view_if_needed()
        shot(page, f"{name}-1-add-form")
        page.click("#add-permit")
        page.wait_for_url(re.compile(r"done=permit_added#notice"))
        expect(page.locator("#notice")).to_be_in_viewport()
        expect(page.locator("#next-deadline")).to_be_in_viewport()
        expect(page.locator("#next-deadline .who")).to_have_text("【我】")
        expect(page.locator("#entered")).to_contain_text(
            "【孩子】按你填写的到期日2027年5月20日计算"
        )
        shot(page, f"{name}-2-added")
        # Both names in the list of dates, each row naming whose it is.
        whose = set(page.locator("#upcoming .who").all_inner_texts())
        assert whose == {"我", "孩子"}, whose
        page.locator("#deadlines").scroll_into_view_if_needed()
        shot(page, f"{name}-3-deadlines")
        expect(page.locator("#permits article.permit")).to_have_count(2)
        page.locator("#permits").scroll_into_view_if_needed()
        shot(page, f"{name}-4-permits")
        # Remove the child's permit: its own confirmation, then only mine is left.
        page.click("#p2-remove summary")
        page.check("#p2-confirm")
        page.locator("#p2-remove-submit").scroll_into_view_if_needed()
        shot(page, f"{name}-5-remove")
        page.click("#p2-remove-submit")
        page.wait_for_url(re.compile(r"done=permit_removed#notice"))
        expect(page.locator("#notice")).to_contain_text("已删除这张居住证")
        expect(page.locator("#permits")).to_have_count(0)
        expect(page.locator(".who")).to_have_count(0)
        shot(page, f"{name}-6-removed")
        # The add form no longer asks for the first name: it is kept ("我").
        expect(page.locator("#add-first-label")).to_have_count(0)
        page.goto(page.url.split("?")[0])
        page.click("#family-open")
        page.fill("#add-label", "孩子")
        page.fill("#add-date", "2027-05-20")
        page.click("#add-permit")
        page.wait_for_url(re.compile(r"done=permit_added#notice"))
        shot(page, f"{name}-7-full-page", full=True)
        fits(page, width)
        assert visit.errors == []
    finally:
        visit.close()
