"""permitcal.web.page.devices: the phone and the in-app browser from real User-Agent strings."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import EnvironHeaders, Headers

from permitcal.web.page.devices import (
    ACCEPT_CH,
    VARY,
    InApp,
    _sf_string,
    guess_phone,
    in_app_browser,
    own_browser,
)
from permitcal.web.page.phones import PHONES

# The detector may only name what the page's picker offers.
PICKER_KEYS = {phone.key for phone in PHONES}

# Sources: "matomo <file>" is matomo-org/device-detector Tests/fixtures/<file> (strings from
# real traffic, labelled there); "uap-core" is ua-parser/uap-core tests/; "gh" is a public
# repository found by its text (test data or a client that sends that UA).
REAL = [
    # Xiaomi / Redmi / POCO: numeric model codes, any browser.
    (
        "Mozilla/5.0 (Linux; Android 13; 2211133C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Mobile Safari/537.36",
        "xiaomi",
        "matomo smartphone-34: Xiaomi 13, Chrome",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.230804.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.67 Mobile Safari/537.36",
        "xiaomi",
        "matomo smartphone-37: Xiaomi 14, WebView",
    ),
    (
        "Mozilla/5.0 (Linux; U; Android 14; en-US; 23113RKC6C Build/UKQ1.230804.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.6.2.1316 Mobile Safari/537.36",
        "xiaomi",
        "matomo smartphone-38: Redmi K70, UC",
    ),
    (
        "Mozilla/5.0 (Linux; arm_64; Android 13; 2312DRA50C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.5845.83 YaBrowser/23.9.5.83.00 SA/3 Mobile Safari/537.36",
        "xiaomi",
        "matomo phablet-1: Redmi Note 13 Pro",
    ),
    (
        "Mozilla/5.0 (Linux; arm_64; Android 14; 24031PN0DC) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.90 YaBrowser/24.1.8.90.00 SA/3 Mobile Safari/537.36",
        "xiaomi",
        "matomo smartphone-38: Xiaomi 14 Ultra",
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; 22081212C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/106.0.0.0 Mobile Safari/537.36",
        "xiaomi",
        "matomo smartphone-33: Xiaomi 12T Pro",
    ),
    (
        "Mozilla/5.0 (Linux; Android 11; M2012K11AC Build/RKQ1.200826.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/77.0.3865.120",
        "xiaomi",
        "matomo smartphone-22: Redmi K40",
    ),
    (
        "Mozilla/5.0 (Linux; U; Android 14; ru-ru; Redmi Note 13 Pro 5G Build/UKQ1.231003.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/112.0.5615.136 Mobile Safari/537.36 XiaoMi/MiuiBrowser/14.9.1-gn",
        "xiaomi",
        "matomo phablet-1: MIUI browser",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.231003.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1165009 MMWEBSDK/20240407 MiniProgramEnv/android MicroMessenger/8.0.49.2680(0x28003137) NetType/WIFI Language/zh_CN ABI/arm64",
        "xiaomi",
        "gh (find_string 23127PN0CC): WeChat on Xiaomi 14",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; 22081212C Build/TKQ1.220829.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.105 Mobile Safari/537.36 aweme_230400 JsSdk/1.0 NetType/WIFI AppName/aweme app_version/23.4.0",
        "xiaomi",
        "gh (find_string AlipayClient): Douyin on Xiaomi",
    ),
    # Huawei: HarmonyOS 2-4 and HarmonyOS NEXT.
    (
        "Mozilla/5.0 (Linux; Android 10; HarmonyOS; TET-AN00; HMSCore 6.1.0.314) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.93 HuaweiBrowser/11.1.5.310 Mobile Safari/537.36",
        "huawei",
        "matomo smartphone-27: Mate X2, HarmonyOS 2",
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; HarmonyOS; GRL-AL10; HMSCore 6.14.0.309) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 HuaweiBrowser/15.0.9.300 Safari/537.36",
        "huawei",
        "matomo phablet-1: Mate XT, HarmonyOS 4",
    ),
    (
        "Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36  ArkWeb/4.1.6.1 Mobile",
        "huawei",
        "gh (OpenHarmony docs): HarmonyOS NEXT ArkWeb default UA",
    ),
    (
        "Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.1.9.301",
        "huawei",
        "gh (find_string): HarmonyOS NEXT Huawei browser",
    ),
    (
        "Mozilla/5.0 (PC; OpenHarmony 6.1; Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36 ArkWeb/6.1.0.100 HuaweiBrowser/6.1.3.321",
        "desktop",
        "matomo desktop-1: HarmonyOS PC",
    ),
    # Honor: MagicOS phones, Honor code prefixes, HONOR in the Build id.
    (
        "Mozilla/5.0 (Linux; Android 11; ELZ-AN00; HMSCore 6.1.0.315) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/92.0.4515.105 HuaweiBrowser/12.0.0.301 Mobile Safari/537.36",
        "honor",
        "matomo smartphone-28: Honor Magic3",
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; FNE-AN00; HMSCore 6.5.0.324) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/92.0.4515.105 HuaweiBrowser/12.0.0.323 Mobile Safari/537.36",
        "honor",
        "matomo smartphone-31: Honor 70",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; FCP-AN10 Build/HONORFCP-AN10; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.179 Safari/537.36",
        "honor",
        "matomo phablet-1: Honor Magic V3",
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; LGE-AN10 Build/HONORLGE-AN10; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/3211 MMWEBSDK/20220303 Mobile Safari/537.36 MMWEBID/7223 MicroMessenger/8.0.21.2120(0x2800153B) Process/toolsmp WeChat/arm64 Weixin NetType/5G Language/zh_CN ABI/arm64",
        "honor",
        "matomo smartphone-29: Magic4 Pro, WeChat",
    ),
    # OPPO / OnePlus / realme.
    (
        "Mozilla/5.0 (Linux; Android 13; PHB110) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Mobile Safari/537.36",
        "oppo",
        "matomo smartphone-36: OnePlus 11",
    ),
    (
        "Mozilla/5.0 (Linux; arm_64; Android 14; PJD110) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.90 YaBrowser/24.1.8.90.00 SA/3 Mobile Safari/537.36",
        "oppo",
        "matomo smartphone-38: OnePlus 12",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; CPH2451 Build/TP1A.220905.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/118.0.0.0 Mobile Safari/537.36 TwitterAndroid",
        "oppo",
        "matomo smartphone-37: OnePlus 11 export",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; RMX3706) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.5481.192 Mobile Safari/537.36 OPR/74.3.3922.71982",
        "oppo",
        "matomo smartphone-35: realme GT Neo 5",
    ),
    (
        "Mozilla/5.0 (Linux; U; Android 10; zh-cn; RMX2200 Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/70.0.3538.80 Mobile Safari/537.36 HeyTapBrowser/40.7.2.9",
        "oppo",
        "matomo smartphone-11: realme V3, HeyTap browser",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; PHF110 Build/RKQ1.211119.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20231202 MMWEBID/4213 MicroMessenger/8.0.46.2540(0x28002E3C) WeChat/arm64 Weixin NetType/5G Language/zh_CN ABI/arm64",
        "oppo",
        "matomo smartphone-39: OPPO K11x, WeChat",
    ),
    # vivo / iQOO.
    (
        "Mozilla/5.0 (Linux; arm_64; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.94 YaBrowser/24.1.8.94.00 SA/3 Mobile Safari/537.36",
        "vivo",
        "matomo smartphone-38: vivo X100",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; V2243A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/101.0.4951.74 Mobile Safari/537.36",
        "vivo",
        "matomo smartphone-34: iQOO 11",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; I2220) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.119 Mobile Safari/537.36 OPR/81.2.4292.78581",
        "vivo",
        "matomo smartphone-38: iQOO 12 export",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; V2301A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/87.0.4280.141 Mobile Safari/537.36 VivoBrowser/15.4.0.1",
        "vivo",
        "matomo smartphone-36: iQOO Neo 8, vivo browser",
    ),
    # Other Android.
    (
        "Mozilla/5.0 (Linux; Android 13; SM-S9180) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/111.0.0.0 Mobile Safari/537.36",
        "android",
        "matomo smartphone-35: Galaxy S23 Ultra, China",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Mobile Safari/537.36",
        "android",
        "matomo smartphone-35: Galaxy S23 Ultra",
    ),
    (
        "Mozilla/5.0 (Linux; arm_64; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.5845.1159 YaApp_Android/23.96.1 YaSearchBrowser/23.96.1 BroPP/1.0 SA/3 Mobile Safari/537.36",
        "android",
        "matomo smartphone-37: Pixel 8",
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/113.0.5672.131 Mobile Safari/537.36 MicroMessenger/8.0.42.2660(0x28002A51) WeChat/arm64 Weixin NetType/5G Language/zh_CN",
        "android",
        "gh (find_string MicroMessenger): WeChat on Pixel",
    ),
    # Samsung Internet: "SAMSUNG" before the model, or the reduced UA with its own token.
    (
        "Mozilla/5.0 (Linux; Android 15; SAMSUNG SM-S928B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36",
        "android",
        "gh (find_string SAMSUNG SM-S9): Samsung Internet, Galaxy S24 Ultra",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        "android",
        "gh (find_string SAMSUNG SM-S9): Samsung Internet, Galaxy S23",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36",
        "android",
        "gh (find_string SamsungBrowser): Samsung Internet, reduced UA",
    ),
    (
        "Mozilla/5.0 (Linux; Android 11; MEIZU 18 Build/RKQ1.210715.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/93.0.4577.82 Mobile Safari/537.36",
        "android",
        "gh (find_string MEIZU 18): Meizu 18, WebView",
    ),
    # Chrome's reduced UA: no model, cannot be told without hints.
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36",
        None,
        "matomo clienthints (UA of an Honor pad, model only in the hint)",
    ),
    (
        "Mozilla/5.0 (Linux; Android 15; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.86 Mobile Safari/537.36 wxwork/4.1.36 MicroMessenger/7.0.1 NetType/4G Language/zh Lang/zh ColorScheme/Dark wwmver/3.26.36.632",
        None,
        "gh (find_string wxwork): WeCom Android, no model",
    ),
    # iPhone / iPad.
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1 Ddg/17.2",
        "iphone",
        "uap-core test_ua: iPhone Safari-based",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.43(0x18002B2C) NetType/WIFI Language/zh_CN",
        "iphone",
        "gh (find_string MicroMessenger): iPhone WeChat",
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 QQ/9.0.17.638 V1_IPH_SQ_9.0.17_1_APP_A Pixel/1668 MiniAppEnable SimpleUISwitch/0 StudyMode/0 CurrentMode/0 CurrentFontScale/1.000000 QQTheme/1102 AppId/537203253 Core/WKWebView Device/Apple(iPad Pro 11 inch 5th Gen (WiFi)) NetType/WIFI QBWebViewType/1 WKType/1",
        "iphone",
        "matomo tablet-11: iPad QQ",
    ),
    # iPadOS Safari asks for desktop pages with the Mac's UA: taken for a Mac (see the module).
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15 MarketGoo/2.1",
        "desktop",
        "matomo bots: Mac Safari UA, also what iPadOS sends",
    ),
    # Desktops.
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/29.0 Chrome/136.0.0.0 Safari/537.36",
        "desktop",
        "matomo desktop-1: Windows",
    ),
    (
        "Mozilla/5.0 (X11; CrOS x86_64 14150.90.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.126 Safari/537.36",
        "desktop",
        "matomo clienthints: ChromeOS",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.6668.101 Safari/537.36 Language/zh ColorScheme/Light wxwork/5.0.3 (MicroMessenger/6.2) WindowsWechat MailPlugin_Electron WeMail embeddisk wwmver/3.26.503.665 noMediaCs/false",
        "desktop",
        "uap-core test_ua: WeCom on Windows",
    ),
    (
        "Mozilla/5.0 (compatible; Konqueror/4.3; Linux) KHTML/4.3.4 (like Gecko) Red Hat Enterprise Linux/4.3.4-19.el6",
        None,
        "matomo desktop: Konqueror, no platform word we trust",
    ),
]


@pytest.mark.parametrize(("ua", "expected", "source"), REAL, ids=[row[2] for row in REAL])
def test_real_user_agents(ua: str, expected: str | None, source: str) -> None:
    assert guess_phone({"User-Agent": ua}) == expected


def test_table_is_large_enough_and_keys_are_known() -> None:
    assert len(REAL) >= 40
    assert {row[1] for row in REAL} - {None} <= PICKER_KEYS


REDUCED = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        ({"Sec-CH-UA-Model": '"2211133C"', "Sec-CH-UA-Platform": '"Android"'}, "xiaomi"),
        ({"Sec-CH-UA-Model": '"23127PN0CC"', "Sec-CH-UA-Platform": '"Android"'}, "xiaomi"),
        ({"Sec-CH-UA-Model": '"V2309A"', "Sec-CH-UA-Platform": '"Android"'}, "vivo"),
        ({"Sec-CH-UA-Model": '"PHB110"', "Sec-CH-UA-Platform": '"Android"'}, "oppo"),
        ({"Sec-CH-UA-Model": '"ALN-AL00"', "Sec-CH-UA-Platform": '"Android"'}, "huawei"),
        ({"Sec-CH-UA-Model": '"PGT-AN10"', "Sec-CH-UA-Platform": '"Android"'}, "honor"),
        ({"Sec-CH-UA-Model": '"SM-S9180"', "Sec-CH-UA-Platform": '"Android"'}, "android"),
        # The model alone, without the platform hint, still decides.
        ({"Sec-CH-UA-Model": '"ELN-L03"'}, "honor"),
        # Hints with an empty model, or none: the reduced UA says nothing.
        ({"Sec-CH-UA-Model": '""', "Sec-CH-UA-Platform": '"Android"'}, None),
        ({"Sec-CH-UA-Platform": '"Android"', "Sec-CH-UA-Mobile": "?1"}, None),
        ({}, None),
        # An unknown model is not guessed.
        ({"Sec-CH-UA-Model": '"ZC554KL"', "Sec-CH-UA-Platform": '"Android"'}, None),
        # Not a structured-field string: ignored, as RFC 8941 says.
        ({"Sec-CH-UA-Model": "2211133C", "Sec-CH-UA-Platform": "Android"}, None),
        ({"Sec-CH-UA-Model": '"2211133C', "Sec-CH-UA-Platform": '"Android"'}, None),
        # The platform wins over the UA ("request desktop site" on Android says X11).
        ({"Sec-CH-UA-Platform": '"Windows"'}, "desktop"),
        ({"Sec-CH-UA-Platform": '"macOS"'}, "desktop"),
        ({"Sec-CH-UA-Platform": '"Chrome OS"'}, "desktop"),
        ({"Sec-CH-UA-Platform": '"HarmonyOS"'}, "huawei"),
    ],
)
def test_client_hints_on_the_reduced_ua(hints: dict[str, str], expected: str | None) -> None:
    assert guess_phone({"User-Agent": REDUCED, **hints}) == expected


def test_android_platform_hint_beats_a_desktop_ua() -> None:
    desktop_site = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
    assert guess_phone({"User-Agent": desktop_site}) == "desktop"
    headers = {"User-Agent": desktop_site, "Sec-CH-UA-Platform": '"Android"'}
    assert guess_phone({**headers, "Sec-CH-UA-Model": '"24031PN0DC"'}) == "xiaomi"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"2211133C"', "2211133C"),
        (' "SM-S9180" ', "SM-S9180"),
        ('""', ""),
        (r'"a\"b\\c"', 'a"b\\c'),
        (r'"bad\escape"', None),
        ('"in"side"', None),
        ("bare", None),
        ('"', None),
        ('"\u5c0f\u7c73"', None),
        (None, None),
    ],
)
def test_structured_field_strings(value: str | None, expected: str | None) -> None:
    assert _sf_string(value) == expected


IN_APP = [
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.43(0x18002B2C) NetType/WIFI Language/zh_CN",
        InApp("wechat", "ios"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; PHF110 Build/RKQ1.211119.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20231202 MMWEBID/4213 MicroMessenger/8.0.46.2540(0x28002E3C) WeChat/arm64 Weixin NetType/5G Language/zh_CN ABI/arm64",
        InApp("wechat", "android"),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.6 MicroMessenger/7.0.1 Language/zh ColorScheme/Light",
        InApp("wecom", "ios"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 15; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.86 Mobile Safari/537.36 wxwork/4.1.36 MicroMessenger/7.0.1 NetType/4G Language/zh Lang/zh ColorScheme/Dark wwmver/3.26.36.632",
        InApp("wecom", "android"),
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.6668.101 Safari/537.36 Language/zh ColorScheme/Light wxwork/5.0.3 (MicroMessenger/6.2) WindowsWechat MailPlugin_Electron WeMail embeddisk wwmver/3.26.503.665 noMediaCs/false",
        InApp("wecom", "other"),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 13_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/17F80 QQ/8.3.6.618 V1_IPH_SQ_8.3.6_1_APP_A Pixel/1080 MiniAppEnable SimpleUISwitch/0 QQTheme/1000 Core/WKWebView Device/Apple(iPhone 6Plus) NetType/4G QBWebViewType/1 WKType/1",
        InApp("qq", "ios"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 V1_AND_SQ_8.9.83 QQ/8.9.83.12345",
        InApp("qq", "android"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 6.0; HUAWEI MLA-AL10 Build/HUAWEIMLA-AL10; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/73.0.3683.90 Mobile Safari/537.36 Weibo (HUAWEI-HUAWEI MLA-AL10__weibo__9.4.3__android__android6.0)",
        InApp("weibo", "android"),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Weibo (iPhone14,2__weibo__13.10.1__iphone__os17.0)",
        InApp("weibo", "ios"),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/22G100 ChannelId(17) Ariver/1.1.0 AliApp(AP/10.8.30.6000) Nebula WK RVKType(0) AlipayDefined(nt:WIFI,ws:390|780|3.0,ac:ss) AlipayClient/10.8.30.6000 Language/zh-Hans Region/CN NebulaX/1.0.0 XRiver/10.2.58.1",
        InApp("alipay", "ios"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; 22081212C Build/TKQ1.220829.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.105 Mobile Safari/537.36 aweme_230400 JsSdk/1.0 NetType/WIFI AppName/aweme app_version/23.4.0",
        InApp("douyin", "android"),
    ),
    (
        "Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile MicroMessenger/8.0.1",
        InApp("wechat", "android"),
    ),
    # Real browsers: the standalone QQ Browser (MQQBrowser without " QQ/"), Safari, Chrome.
    (
        "Mozilla/5.0 (Linux; U; Android 12; en-us; DiLink5.0 For BYD AUTO Build/SKQ1.230128.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/13.1 Mobile Safari/537.36 COVC/047113",
        None,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1 Ddg/17.2",
        None,
    ),
    (REDUCED, None),
    ("", None),
]


@pytest.mark.parametrize(("ua", "expected"), IN_APP)
def test_in_app_browser(ua: str, expected: InApp | None) -> None:
    assert in_app_browser({"User-Agent": ua}) == expected


def test_headers_are_read_case_insensitively() -> None:
    ua = REAL[0][0]
    assert guess_phone({"user-agent": ua}) == "xiaomi"
    assert guess_phone({"USER-AGENT": REDUCED, "sec-ch-ua-model": '"V2309A"'}) == "vivo"
    assert in_app_browser({"user-agent": IN_APP[0][0]}) == InApp("wechat", "ios")
    werkzeug = Headers([("user-agent", REDUCED), ("sec-ch-ua-model", '"PHB110"')])
    assert guess_phone(werkzeug) == "oppo"
    environ = {"HTTP_USER_AGENT": REDUCED, "HTTP_SEC_CH_UA_MODEL": '"2211133C"'}
    assert guess_phone(EnvironHeaders(environ)) == "xiaomi"


@pytest.mark.parametrize(
    "ua",
    [
        "",
        "x" * 10_000,
        "Mozilla/5.0 (Linux; Android 14; " + "A" * 10_000 + ")",
        "Mozilla/5.0 (Linux; Android 14; 小米手机) 微信 MicroMessenger/8.0 \x00\ud800",
        "Android ;;;; ))) Build/ ((",
        "(" * 5000 + "Android" + ";" * 5000,
    ],
)
def test_garbage_never_raises(ua: str) -> None:
    headers = {
        "User-Agent": ua,
        "Sec-CH-UA-Model": '"' + ua[:300] + '"',
        "Sec-CH-UA-Platform": ua[:50],
    }
    assert guess_phone(headers) in (*PICKER_KEYS, None)
    assert in_app_browser(headers) is None or isinstance(in_app_browser(headers), InApp)
    assert guess_phone({}) is None
    assert in_app_browser({}) is None


XIAOMI_MIUI = next(row[0] for row in REAL if "MiuiBrowser" in row[0])


@pytest.mark.parametrize(
    ("ua", "expected"),
    [
        (XIAOMI_MIUI, "xiaomi"),
        (
            "Mozilla/5.0 (Linux; U; Android 13; zh-cn; 2211133C Build/TKQ1.220905.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.118 Mobile Safari/537.36 XiaoMi/MiuiBrowser/17.8.160426",
            "xiaomi",
        ),
        (next(row[0] for row in REAL if "HuaweiBrowser/11" in row[0]), "huawei"),
        (next(row[0] for row in REAL if "VivoBrowser" in row[0]), "vivo"),
        (next(row[0] for row in REAL if "HeyTapBrowser" in row[0]), "oppo"),
        # Chrome on a Xiaomi phone is not Xiaomi's browser; nor is an app's web view.
        (REAL[0][0], None),
        (next(row[0] for row in REAL if "Douyin on Xiaomi" in row[2]), None),
        (XIAOMI_MIUI + " MicroMessenger/8.0.49.2680", None),
        (next(row[0] for row in REAL if "SamsungBrowser/29" in row[0]), None),  # on Windows
        ("", None),
    ],
)
def test_own_browser(ua: str, expected: str | None) -> None:
    assert own_browser({"User-Agent": ua}) == expected


def test_samsung_internet_on_another_makers_phone_follows_the_model() -> None:
    ua = "Mozilla/5.0 (Linux; Android 13; 2211133C) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36"
    assert guess_phone({"User-Agent": ua}) == "xiaomi"


def test_response_header_values() -> None:
    assert [h.strip() for h in ACCEPT_CH.split(",")] == [
        "Sec-CH-UA-Model",
        "Sec-CH-UA-Platform",
        "Sec-CH-UA-Mobile",
    ]
    assert "User-Agent" in VARY
    assert "Sec-CH-UA-Model" in VARY
