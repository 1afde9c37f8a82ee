"""The result page as phones in China see it (system Chromium, real User-Agents, phone screens).

For every device profile and both scenarios: the first screen after creating shows the
main action for that phone (screenshots in test-artifacts/phones/), WeChat and QQ get no
button that cannot work there, the picker switches the steps, bad input is explained in
the page's language next to its field, axe-core finds nothing, and no request leaves
the service.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from permitcal.web.page.phones import phone_by_key
from tests.web.test_browser import ARTIFACTS

PHONE_SCREEN = {"width": 360, "height": 800}


@dataclass(frozen=True)
class Profile:
    name: str
    user_agent: str
    phone: str | None
    """The picker's choice the page should make; None: it asks."""
    viewport: dict[str, int] = field(default_factory=lambda: dict(PHONE_SCREEN))
    model: str | None = None
    """What Chrome's User-Agent client hints name as the model (Sec-CH-UA-Model)."""
    in_app: bool = False


CHROME_REDUCED = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
PROFILES = (
    Profile(
        "iphone-safari",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "iphone",
        viewport={"width": 390, "height": 844},
    ),
    Profile(
        "xiaomi-miui-browser",
        "Mozilla/5.0 (Linux; U; Android 13; zh-cn; 2211133C Build/TKQ1.220905.001) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.118 Mobile "
        "Safari/537.36 XiaoMi/MiuiBrowser/17.8.160426",
        "xiaomi",
    ),
    Profile(
        "android-chrome-xiaomi-hints",
        CHROME_REDUCED,
        "xiaomi",
        model="23127PN0CC",
    ),
    Profile("android-chrome-no-hints", CHROME_REDUCED, None),
    Profile(
        "huawei-browser",
        "Mozilla/5.0 (Linux; Android 12; NOH-AN00 Build/HUAWEINOH-AN00; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/99.0.4844.88 Mobile Safari/537.36 "
        "HuaweiBrowser/14.0.0.300",
        "huawei",
    ),
    Profile(
        "honor-browser",
        "Mozilla/5.0 (Linux; Android 14; ALI-AN00 Build/HONORALI-AN00; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36 "
        "HonorBrowser/16.0.2.300",
        "honor",
    ),
    Profile(
        "vivo-browser",
        "Mozilla/5.0 (Linux; Android 13; V2227A; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/87.0.4280.141 Mobile Safari/537.36 VivoBrowser/17.0.10.0",
        "vivo",
    ),
    Profile(
        "oppo-heytap",
        "Mozilla/5.0 (Linux; U; Android 13; zh-cn; PHB110 Build/TP1A.220905.001) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/90.0.4430.61 Mobile "
        "Safari/537.36 HeyTapBrowser/40.8.37.1",
        "oppo",
    ),
    Profile(
        "wechat-android",
        "Mozilla/5.0 (Linux; Android 13; 22081212C Build/TKQ1.220829.002; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile "
        "Safari/537.36 XWEB/5023 MMWEBSDK/20230405 MMWEBID/2433 MicroMessenger/8.0.35.2360"
        "(0x2800235D) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
        "xiaomi",
        in_app=True,
    ),
    Profile(
        "wechat-iphone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI "
        "Language/zh_CN",
        "iphone",
        in_app=True,
    ),
    Profile(
        "qq-android",
        "Mozilla/5.0 (Linux; Android 12; V2145A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.101 Mobile Safari/537.36 V1_AND_SQ_"
        "8.9.28_3700_YYB_D A_8092800 QQ/8.9.28.10155 NetType/WIFI WebP/0.3.0 AppId/537151682 "
        "Pixel/1080 StatusBarHeight/85 SimpleUISwitch/0 QQTheme/1000 StudyMode/0 "
        "CurrentMode/0 CurrentFontScale/1.0 GlobalDensityScale/0.9 AllowLandscape/false "
        "InMagicWin/0",
        "vivo",
        in_app=True,
    ),
    Profile(
        "samsung-internet",
        "Mozilla/5.0 (Linux; Android 15; SAMSUNG SM-S928B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36",
        "android",
        viewport={"width": 384, "height": 832},
    ),
    Profile(
        "alipay-iphone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/22G100 ChannelId(17) Ariver/1.1.0 AliApp(AP/10.8.30.6000) Nebula WK "
        "RVKType(0) AlipayDefined(nt:WIFI,ws:390|780|3.0,ac:ss) AlipayClient/10.8.30.6000 "
        "Language/zh-Hans Region/CN NebulaX/1.0.0 XRiver/10.2.58.1",
        "iphone",
        viewport={"width": 390, "height": 844},
        in_app=True,
    ),
    Profile(
        "douyin-android",
        "Mozilla/5.0 (Linux; Android 13; 22081212C Build/TKQ1.220829.002; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.105 Mobile Safari/537.36 "
        "aweme_230400 JsSdk/1.0 NetType/WIFI AppName/aweme app_version/23.4.0",
        "xiaomi",
        in_app=True,
    ),
    Profile(
        "desktop-chrome",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "desktop",
        viewport={"width": 1280, "height": 800},
    ),
)

# Scenario 1: the permit's issue date. Scenario 2: the expiry, with the renewed card recorded.
SCENARIOS = {
    "issued": {"date": "2023-06-01"},
    # Today is 2026-11-20 on the test server's clock: a card in hand, early in the window.
    "expires-renewed": {
        "date_kind": "expires",
        "date": "2026-12-10",
        "card_received": "2026-11-15",
    },
}

# The widget that is each phone's main action (see permitcal.web.page.phones).
MAIN_ACTION = {
    "iphone": "#phone-iphone .main-action",
    "xiaomi": "#phone-xiaomi .main-action",
    "oppo": "#phone-oppo .main-action button.copy",
    "huawei": "#phone-huawei .main-action button.copy",
    "honor": "#phone-honor .main-action button.copy",
    "vivo": "#phone-vivo .main-action button.copy",
    "android": "#phone-android .main-action button.copy",
    "desktop": "#phone-desktop .main-action img",
}
# Buttons that fail inside WeChat and QQ: they must not be there at all.
LINK_BUTTONS = (
    "a[href^='webcal:'], a[href*='calendar.google.com'], a[href*='outlook.live.com'], a[download]"
)


@pytest.fixture(scope="module")
def server(page_server: str) -> str:
    return page_server


@pytest.fixture(scope="module")
def browser(chromium: Any) -> Any:
    return chromium


class Visit:
    """A browser context as one device, recording errors and every host it contacts."""

    def __init__(self, browser: Any, server: str, profile: Profile, **options: Any) -> None:
        self.server = server
        self.context = browser.new_context(
            viewport=profile.viewport,
            user_agent=profile.user_agent,
            is_mobile=profile.viewport["width"] < 800,
            has_touch=profile.viewport["width"] < 800,
            **options,
        )
        self.page = self.context.new_page()
        if profile.model is not None:
            # As Chrome on that phone: the model is sent once the page asks for it
            # (Accept-CH), which a fixed extra header cannot imitate.
            self.context.new_cdp_session(self.page).send(
                "Emulation.setUserAgentOverride",
                {
                    "userAgent": profile.user_agent,
                    "userAgentMetadata": {
                        "brands": [{"brand": "Chromium", "version": "124"}],
                        "platform": "Android",
                        "platformVersion": "14.0.0",
                        "architecture": "",
                        "model": profile.model,
                        "mobile": True,
                    },
                },
            )
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("request", lambda r: self.hosts.add(urlsplit(r.url).netloc))

    def create(self, **fields: str) -> None:
        page = self.page
        page.goto(self.server + "/")
        page.check(f"input[name=date_kind][value={fields.get('date_kind', 'issued')}]")
        page.fill("#date", fields["date"])
        if "card_received" in fields:
            page.fill("#card_received", fields["card_received"])
        page.click("#submit")
        page.wait_for_url(re.compile(r"/m/"))

    def close(self) -> None:
        self.context.close()


def in_first_screen(page: Any, selector: str) -> bool:
    """Whether the element's whole box lies within the first viewport, page unscrolled."""
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_the_first_screen_holds_the_main_action(
    browser: Any, server: str, profile: Profile, scenario: str
) -> None:
    from playwright.sync_api import expect

    visit = Visit(browser, server, profile)
    try:
        visit.create(**SCENARIOS[scenario])
        page = visit.page
        expect(page.locator("h1")).to_have_text("日历已创建")
        expect(page.locator("#next-deadline")).to_be_visible()
        shots = ARTIFACTS / "phones"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{profile.name}-{scenario}.png"))

        if profile.in_app:
            assert page.locator(LINK_BUTTONS).count() == 0
            expect(page.locator("#in-app-warning")).to_be_visible()
            assert in_first_screen(page, "#in-app .main-action button.copy")
        elif profile.phone is None:
            expect(page.locator("#picker-ask")).to_be_visible()
            assert in_first_screen(page, ".picker")
            assert page.locator(".phone:not([hidden])").count() == 0
        else:
            expect(page.locator(f"#phone-{profile.phone}")).to_be_visible()
            assert page.locator(".phone:not([hidden])").count() == 1
            assert in_first_screen(page, MAIN_ACTION[profile.phone]), profile.name
        if profile.phone in ("huawei", "honor", "vivo"):
            # No subscribe link is the main action where subscribing cannot work.
            assert page.locator(".primary[href^='webcal:']:visible").count() == 0
        assert visit.errors == []
        assert visit.hosts == {urlsplit(server).netloc}
    finally:
        visit.close()


APP_NAMES = {
    "wechat-android": "微信",
    "wechat-iphone": "微信",
    "qq-android": "QQ",
    "alipay-iphone": "支付宝",
    "douyin-android": "抖音",
}


@pytest.mark.parametrize("name", APP_NAMES)
def test_in_app_browsers_name_their_app_and_point_at_nothing_missing(
    browser: Any, server: str, name: str
) -> None:
    """Alipay says Alipay (not "WeChat or QQ", not "this app"), and a step about a button
    the app's browser cannot draw says to open the page in the browser first."""
    from playwright.sync_api import expect

    profile = next(p for p in PROFILES if p.name == name)
    app = APP_NAMES[name]
    visit = Visit(browser, server, profile)
    try:
        page = visit.page
        page.goto(server + "/")
        expect(page.locator("#in-app-warning")).to_have_text(
            f"在{app}里可以生成日历，但订阅要在手机自带的浏览器中完成。"
        )
        visit.create(**SCENARIOS["issued"])
        expect(page.locator("#in-app-warning")).to_contain_text(f"{app}内置的浏览器不能订阅")
        text = page.locator("main").inner_text()
        assert "这个 App" not in text
        assert "这个按钮" not in text
        if app not in ("微信", "QQ"):
            assert "微信" not in page.locator("#in-app").inner_text()
        steps = page.locator(f"#phone-{profile.phone} ol.steps > li")
        expect(steps.first).to_be_visible()
        named = 0
        for index in range(steps.count()):
            step = steps.nth(index)
            if "“订阅这个日历”" in step.inner_text():
                named += 1
                assert step.locator("a.button").count() == 0
                assert step.inner_text().startswith("在浏览器中打开本页后，"), step.inner_text()
        # iPhone's and Xiaomi's steps name the subscribe button; the CalDAV phones' none.
        assert named == (1 if profile.phone in ("iphone", "xiaomi") else 0)
        page.screenshot(path=str(ARTIFACTS / "phones" / f"{name}-named.png"), full_page=True)
        assert visit.errors == []
    finally:
        visit.close()


def test_makers_browsers_and_samsung_get_their_steps(browser: Any, server: str) -> None:
    """Xiaomi's own browser is not sent to Xiaomi's browser; Chrome on a Xiaomi is; Samsung
    Internet gets the Android steps, not the question."""
    from playwright.sync_api import expect

    by_name = {p.name: p for p in PROFILES}
    for name, told_to_switch in (
        ("xiaomi-miui-browser", False),
        ("android-chrome-xiaomi-hints", True),
    ):
        visit = Visit(browser, server, by_name[name])
        try:
            page = visit.page
            visit.create(**SCENARIOS["issued"])
            page.reload()  # Chrome sends the model hint from the second request on
            first = page.locator("#phone-xiaomi ol.steps > li").first
            expect(first).to_be_visible()
            switch = "在小米自带的“浏览器”中打开本页"
            if told_to_switch:
                expect(first).to_contain_text(switch)
            else:
                expect(first).to_contain_text("点“订阅这个日历”")
                expect(first.locator("a.button.primary[href^='webcal:']")).to_be_visible()
                assert switch not in page.locator("main").inner_text()
        finally:
            visit.close()
    visit = Visit(browser, server, by_name["samsung-internet"])
    try:
        page = visit.page
        visit.create(**SCENARIOS["issued"])
        expect(page.locator("#phone-android")).to_be_visible()
        expect(page.locator("#picker-ask")).to_have_count(0)
        expect(page.locator(".picker a[data-phone=android]")).to_have_attribute(
            "aria-current", "true"
        )
    finally:
        visit.close()


@pytest.mark.parametrize(
    "name", ["iphone-safari", "huawei-browser", "xiaomi-miui-browser", "samsung-internet"]
)
def test_the_reminders_step_reads_at_phone_width(browser: Any, server: str, name: str) -> None:
    """Each phone's steps end with its reminders step and the sentence on what to check, both
    within the phone's width; the section goes to test-artifacts/phones/add-*.png for review."""
    from playwright.sync_api import expect

    profile = next(p for p in PROFILES if p.name == name)
    assert profile.phone is not None
    phone = phone_by_key(profile.phone)
    assert phone is not None
    visit = Visit(browser, server, profile)
    try:
        page = visit.page
        visit.create(**SCENARIOS["issued"])
        last = page.locator(f"#phone-{profile.phone} ol.steps > li").last
        expect(last).to_have_text(phone.reminders.step.text.zh)
        expect(page.locator("#reminder-check")).to_be_visible()
        for selector in (f"#phone-{profile.phone} ol.steps > li >> nth=-1", "#reminder-check"):
            box = page.locator(selector).bounding_box()
            assert box is not None
            assert box["x"] + box["width"] <= profile.viewport["width"]
        page.locator("#add").screenshot(path=str(ARTIFACTS / "phones" / f"add-{name}.png"))
        assert visit.errors == []
    finally:
        visit.close()


def test_the_picker_switches_the_steps_with_and_without_script(browser: Any, server: str) -> None:
    from playwright.sync_api import expect

    android = next(p for p in PROFILES if p.name == "android-chrome-no-hints")
    for script in (True, False):
        visit = Visit(browser, server, android, java_script_enabled=script)
        try:
            visit.create(**SCENARIOS["issued"])
            page = visit.page
            manage = page.url
            for key in ("huawei", "oppo", "iphone"):
                page.click(f".picker a[data-phone={key}]")
                expect(page.locator(f"#phone-{key}")).to_be_visible()
                expect(page.locator(".phone:not([hidden])")).to_have_count(1)
                expect(page.locator(f".picker a[data-phone={key}]")).to_have_attribute(
                    "aria-current", "true"
                )
            # Nothing was lost: the same calendar, the same feed address.
            assert urlsplit(page.url).path == urlsplit(manage).path
            assert page.input_value("#iphone-feed-url") == page.input_value("#feed-url")
        finally:
            visit.close()


def test_copy_buttons_only_where_they_work(browser: Any, server: str) -> None:
    """Copying needs the page's script: without it no 复制 button is shown (the fields are
    still there to select by hand); with it every one is, and copies."""
    from playwright.sync_api import expect

    vivo = next(p for p in PROFILES if p.name == "vivo-browser")
    for script in (False, True):
        visit = Visit(browser, server, vivo, java_script_enabled=script)
        try:
            visit.create(**SCENARIOS["issued"])
            page = visit.page
            page.goto(page.url.split("?")[0])
            expect(page.locator("#vivo-caldav-password")).to_be_visible()
            copies = page.locator("button.copy")
            assert copies.count() >= 4  # three CalDAV fields and the manage link at least
            if script:
                expect(page.locator("#vivo-caldav-password + button.copy")).to_be_visible()
                expect(page.locator("button.copy[hidden]")).to_have_count(0)
            else:
                expect(page.locator("button.copy:visible")).to_have_count(0)
                page.screenshot(path=str(ARTIFACTS / "phones" / "vivo-no-script.png"))
        finally:
            visit.close()


@pytest.mark.parametrize(
    ("ui", "fields", "field_id", "expected"),
    [
        ("zh", {"date": "2023-02-30"}, "date", "签发日期：2023年2月30日不是有效日期"),
        (
            "zh",
            {"date": "2024-06-01", "card_received": "2020-01-01"},
            "card_received",
            "拿到新证的日期",
        ),
        ("en", {"date": "2023-02-30"}, "date", "Date issued"),
        ("zh", {"date": "2023-06-01", "cycles": "12"}, "cycles", "显示几年"),
        ("zh", {"date": "2023-06-01", "alarms": "1,2,3,4,5,6"}, "alarms", "提前提醒天数"),
    ],
)
def test_bad_input_is_explained_next_to_its_field(
    browser: Any, server: str, ui: str, fields: dict[str, str], field_id: str, expected: str
) -> None:
    """Posted past the browser's own checks (as a script-less or old browser would)."""
    from playwright.sync_api import expect

    visit = Visit(browser, server, PROFILES[0])
    try:
        page = visit.page
        page.goto(server + ("/?ui=en" if ui == "en" else "/"))
        page.check("input[name=date_kind][value=issued]")
        page.eval_on_selector("#create-form", "f => f.noValidate = true")
        page.evaluate("document.querySelector('details.options').open = true")
        for name, value in fields.items():
            page.locator(f"#{name}").evaluate("(e, v) => { e.type = 'text'; e.value = v; }", value)
        page.click("#submit")
        message = page.locator(f"#{field_id}-error")
        expect(message).to_contain_text(expected)
        assert page.get_attribute(f"#{field_id}", "aria-invalid") == "true"
        for name, value in fields.items():
            # What was typed is kept (as sent: a date input shows no impossible date).
            assert page.get_attribute(f"#{name}", "value") == value
        if field_id in ("cycles", "alarms"):
            expect(page.locator("details.options")).to_have_attribute("open", "")
        if ui == "zh":
            text = page.locator("main").inner_text()
            for internal in ("card_received", "issued", "cycles", "alarms", "expires"):
                assert internal not in text
    finally:
        visit.close()


def test_the_browser_checks_the_same_limits_with_the_same_words(browser: Any, server: str) -> None:
    """A cycles value over the limit, typed into the collapsed options: the panel opens
    and says why, instead of a submit that silently does nothing."""
    from playwright.sync_api import expect

    visit = Visit(browser, server, PROFILES[0])
    try:
        page = visit.page
        page.goto(server + "/")
        page.fill("#date", "2023-06-01")
        page.locator("#cycles").evaluate(
            "e => { e.value = '12'; e.dispatchEvent(new Event('input', {bubbles: true})); }"
        )
        page.click("#submit")
        expect(page.locator("details.options")).to_have_attribute("open", "")
        message = page.locator("#cycles").evaluate("e => e.validationMessage")
        assert "显示几年" in message
        assert "/m/" not in page.url
    finally:
        visit.close()


def test_switching_language_keeps_the_form(browser: Any, server: str) -> None:
    from playwright.sync_api import expect

    for script in (True, False):
        visit = Visit(browser, server, PROFILES[0], java_script_enabled=script)
        try:
            page = visit.page
            page.goto(server + "/")
            page.check("input[name=date_kind][value=expires]")
            page.fill("#date", "2026-12-31")
            page.check("input[name=changes][value=employer]")
            page.click("header .lang")
            expect(page.locator("h1")).to_have_text(
                "Make your “Shanghai permit deadlines” calendar"
            )
            assert page.input_value("#date") == "2026-12-31"
            assert page.is_checked("input[name=date_kind][value=expires]")
            assert page.is_checked("input[name=changes][value=employer]")
            assert page.input_value("#lang") == "en"  # the calendar follows the page
            page.click("#submit")
            page.wait_for_url(re.compile(r"/m/.*ui=en"))
            expect(page.locator("h1")).to_have_text("Your calendar is ready")
        finally:
            visit.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    page.add_script_tag(path=str(script))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return found


# The page's ground in each colour scheme (style.css): proof that the scheme was applied.
BACKGROUND = {"light": "rgb(255, 255, 255)", "dark": "rgb(20, 18, 24)"}


@pytest.mark.parametrize("scheme", BACKGROUND)
def test_axe_finds_no_violation_on_any_page(browser: Any, server: str, scheme: str) -> None:
    """Start, result, manage (one permit, and a family with a school step), phone, about and
    error pages, in both languages and with form errors, in the light and the dark colour
    scheme (prefers-color-scheme)."""
    visit = Visit(browser, server, PROFILES[0], bypass_csp=True, color_scheme=scheme)
    try:
        page = visit.page
        seen: dict[str, list[str]] = {}

        def audit(name: str) -> None:
            page.wait_for_load_state()
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == BACKGROUND[scheme], (name, background)
            # Collapsed parts (other ways, past dates, options) are checked too.
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            seen[name] = [
                f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
                for v in axe_violations(page)
            ]

        for ui in ("", "?ui=en"):
            page.goto(server + "/" + ui)
            audit("start" + ui)
        page.eval_on_selector("#create-form", "f => f.noValidate = true")
        page.fill("#date", "2023-06-01")
        page.locator("#card_received").fill("2020-01-01")
        page.click("#submit")
        audit("form error")
        visit.create(**SCENARIOS["issued"])
        audit("result")
        if scheme == "dark":
            page.screenshot(path=str(ARTIFACTS / "phones" / "iphone-safari-dark.png"))
        page.goto(page.url.split("?")[0] + "?done=saved&ui=en")
        audit("manage (en)")
        # A family's calendar with a school step: every permit's forms, the step's change
        # form, the clash warnings (on the manage page and the phone page), a refused change.
        manage = page.url.split("?")[0]
        page.goto(manage)
        page.click("#family-open")
        page.fill("#add-first-label", "我")
        page.fill("#add-label", "孩子")
        page.check("#family input[name=date_kind][value=expires]")
        page.fill("#add-date", "2027-04-20")
        page.check("#add-points-no")
        page.click("#add-permit")
        page.wait_for_url(re.compile(r"done=permit_added#notice"))
        page.click("#school-open")
        page.select_option("#school-stage", "primary")
        page.select_option("#school-year", "2027")
        page.click("#school-submit")
        page.wait_for_url(re.compile(r"done=school_added#notice"))
        audit("household with a school step")
        page.evaluate(
            "() => { const y = document.querySelector('#school-1-year');"
            " y.add(new Option('1999', '1999', true, true)); y.form.submit(); }"
        )
        page.wait_for_selector("#school-1-year-error")
        audit("school change refused")
        token = re.search(r"/f/([A-Za-z0-9_-]{32})/", page.input_value("#feed-url"))
        assert token
        page.goto(f"{server}/p/{token.group(1)}")
        assert page.locator("#school-warnings .school-warning").count() >= 1
        audit("phone page with warnings")
        for ui in ("", "?ui=en"):
            page.goto(server + "/about" + ui)
            audit("about" + ui)
            if scheme == "light":
                name = "about-en" if ui else "about"
                page.screenshot(path=str(ARTIFACTS / "phones" / f"{name}.png"), full_page=True)
        page.goto(server + "/m/" + "x" * 43)
        audit("404")
        page.goto(server + "/nowhere?ui=en")
        audit("404 (en)")
        assert seen == {name: [] for name in seen}, json.dumps(seen, ensure_ascii=False, indent=1)
        assert len(seen) == 12
        # The check itself can fail: a page with known faults is caught.
        page.set_content('<html><body><img src="x.png"><button></button></body></html>')
        caught = {v["id"] for v in axe_violations(page)}
        assert {"image-alt", "button-name", "html-has-lang"} <= caught
    finally:
        visit.close()


TAPPABLE = "a, button, summary, select, input:not([type=hidden]), label.check"


def test_small_screens_fit_and_every_target_is_big_enough(browser: Any, server: str) -> None:
    """At 320 px nothing overflows and the header stays one line; on a phone every
    control is at least 44 px high (WCAG 2.5.5), in both languages. A link inside a
    sentence (the "wrong date? change it" after what was entered) is the inline
    exception of WCAG 2.5.8."""
    small = Profile("small", PROFILES[3].user_agent, None, viewport={"width": 320, "height": 640})
    visit = Visit(browser, server, small)
    try:
        page = visit.page
        visit.create(**SCENARIOS["issued"])
        manage = page.url.split("?")[0]
        pages = (server + "/", server + "/?ui=en", manage, manage + "?ui=en&phone=huawei")
        for url in (*pages, server + "/about", server + "/about?ui=en"):
            page.goto(url)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (url, width)
            header = page.locator("header").bounding_box()
            assert header is not None
            assert header["height"] < 70, (url, header)  # one line, not a wrapped title
            small_targets = page.evaluate(
                """(selector) => [...document.querySelectorAll(selector)]
                  .filter(e => e.offsetParent !== null && !e.closest('label.check, .copyrow label, p.entered'))
                  .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
                  .filter(([, height]) => height < 44)""",
                TAPPABLE,
            )
            assert small_targets == [], (url, small_targets)
    finally:
        visit.close()


REVIEWED = ("samsung-internet", "alipay-iphone", "douyin-android", "xiaomi-miui-browser")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", REVIEWED)
def test_whole_result_page_fits_the_phone(
    browser: Any, server: str, name: str, scheme: str
) -> None:
    """The whole result page (dates table included) fits the phone's width in both colour
    schemes; full-page screenshots go to test-artifacts/phones/full-*.png for review."""
    profile = next(p for p in PROFILES if p.name == name)
    visit = Visit(browser, server, profile, color_scheme=scheme)
    try:
        page = visit.page
        visit.create(**SCENARIOS["issued"])
        page.locator("#upcoming time").first.wait_for()
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == BACKGROUND[scheme]
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= profile.viewport["width"], width
        page.screenshot(
            path=str(ARTIFACTS / "phones" / f"full-{name}-{scheme}.png"), full_page=True
        )
        assert visit.errors == []
    finally:
        visit.close()
