"""Which phone the visitor holds, from User-Agent and client hints, and in which app's browser."""

# Hand-written patterns, not a User-Agent parser library, because of a measurement. On the
# 2,934 user agents of Huawei, Honor, Xiaomi, OPPO/OnePlus/realme and vivo phones on Android
# 10 or later in Matomo's device-detector fixtures (real traffic, labelled by brand),
# ua-parser 1.0.2 with uap-core 202610 named 1,098 right, 1,745 not at all and 91 wrongly: it
# knows none of the numeric model codes these phones have sent since about 2020 (2211133C,
# V2309A, PHB110 come out as "Generic_Android") and only reads brand words and HuaweiBrowser.
# ua-parser plus the model-code table below: 2,389 right, 435 unknown, 110 wrong. This module
# alone: 2,635 right, 254 unknown, 45 wrong (43 of them Huawei and Honor mixed up, which
# show the same kind of steps). On iPhones and desktops ua-parser is no better than the few
# words here, and it would add a dependency whose first parse compiles its rules (0.5 s).
# On the 43 strings of tests/web/test_devices.py: clients.detect 26, ua-parser 24,
# ua-parser with the table 38. The model-code shapes below carry the decision; each says why.

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from werkzeug.datastructures import Headers

__all__ = [
    "ACCEPT_CH",
    "VARY",
    "HeaderSource",
    "InApp",
    "guess_phone",
    "in_app_browser",
    "own_browser",
]

HeaderSource = Mapping[str, str] | Headers
"""A request's headers (werkzeug, case-insensitive) or a plain mapping, as tests pass."""

# Chrome sends Sec-CH-UA-Platform and Sec-CH-UA-Mobile on every request, but the model only
# after a response asked for it with Accept-CH: the first page view of a reduced-UA Chrome
# ("Android 10; K") cannot be told, the next one can. Safari and Firefox send no hints.
ACCEPT_CH = "Sec-CH-UA-Model, Sec-CH-UA-Platform, Sec-CH-UA-Mobile"

# A response chosen by these headers must say so, or a shared cache would hand one visitor's
# phone steps to another. Critical-CH is left out on purpose: it makes Chrome retry the
# first request with the model, a second round trip for every first visit, while the page
# already works without it (it asks the visitor to pick) and is right from the next view on.
VARY = "User-Agent, Sec-CH-UA-Model, Sec-CH-UA-Platform"

# User agents longer than this are cut before matching: real ones are under 600 characters,
# and the cut bounds both the regex work and the cache's memory.
_MAX_UA = 1024
_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class InApp:
    """An app's built-in browser, which can neither subscribe to webcal nor download files."""

    app: str
    """"wechat", "wecom", "qq", "weibo", "alipay", "douyin" or "feishu"."""
    os: str
    """"ios", "android" or "other", for the "open in the system browser" wording."""


def _header(headers: HeaderSource, name: str) -> str | None:
    # werkzeug's Headers are case-insensitive already; a plain dict may not be spelt the way
    # we ask, so look through it once (a request has a few dozen headers at most).
    value = headers.get(name)
    if value is None and isinstance(headers, dict):
        lower = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lower), None)
    return value if isinstance(value, str) else None


def _sf_string(value: str | None) -> str | None:
    """The text of an RFC 8941 structured-field string ("..." with \\" and \\\\ escapes).

    None when absent or not a valid string: a header that does not parse is ignored (RFC 8941
    section 4.2), so a malformed hint falls back to the User-Agent instead of deciding.
    """
    if value is None:
        return None
    value = value.strip(" \t")
    if len(value) < 2 or value[0] != '"' or value[-1] != '"' or len(value) > 256:
        return None
    out: list[str] = []
    chars = iter(value[1:-1])
    for char in chars:
        if char == "\\":
            char = next(chars, "")
            if char not in ('"', "\\"):
                return None
        elif char == '"' or not " " <= char <= "~":
            return None
        out.append(char)
    return "".join(out)


def guess_phone(headers: HeaderSource) -> str | None:
    """The visitor's phone key from User-Agent and client hints, or None when it cannot be told."""
    ua = (_header(headers, "User-Agent") or "")[:_MAX_UA]
    model = _sf_string(_header(headers, "Sec-CH-UA-Model"))
    platform = _sf_string(_header(headers, "Sec-CH-UA-Platform"))
    return _guess(ua, model, platform)


# Client hints win over the User-Agent: the platform hint is exact where the UA is frozen
# (Chrome's reduced UA, "request desktop site" which turns Android into "X11; Linux x86_64").
_PLATFORMS: dict[str, str | None] = {
    "ios": "iphone",
    "harmonyos": "huawei",
    "openharmony": "huawei",
    "windows": "desktop",
    "macos": "desktop",
    "linux": "desktop",
    "chrome os": "desktop",
    "chromeos": "desktop",
    "chromium os": "desktop",
    "fuchsia": None,
}


@lru_cache(maxsize=_CACHE_SIZE)
def _guess(ua: str, model: str | None, platform: str | None) -> str | None:
    if platform:
        key = platform.lower()
        if key in _PLATFORMS:
            return _PLATFORMS[key]
    if model:
        # The model hint is Build.MODEL, the same code as in an unreduced UA.
        return _combine(_by_model(model), _by_words(ua))
    return _by_ua(ua)


def _combine(by_model: str | None, by_words: str | None) -> str | None:
    # The model code decides, with one exception: Huawei and Honor share code shapes, and
    # "HONOR" in the Build id or MagicOS is surer than the prefix list below.
    if by_words == "honor" and by_model in (None, "huawei"):
        return "honor"
    return by_model or by_words


# Tokens that name the maker whatever the model: the makers' own browsers and system names.
_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Honor first: Honor phones also carry Huawei's HMSCore and were sold as "HUAWEI Honor".
    ("honor", re.compile(r"\bHONOR|MagicOS|HonorBrowser|bdhonorbrowser", re.I)),
    # HarmonyOS 2 to 4 keep "Android" and add "HarmonyOS"; HarmonyOS NEXT (5) says
    # "OpenHarmony" and "ArkWeb" and no longer "Android".
    (
        "huawei",
        re.compile(r"HUAWEI|HarmonyOS|OpenHarmony|ArkWeb|HuaweiBrowser|HMSCore|EMUI", re.I),
    ),
    ("xiaomi", re.compile(r"XiaoMi|MIUI|HyperOS|\bRedmi|\bPOCO\b|MiuiBrowser", re.I)),
    ("oppo", re.compile(r"\bOPPO|OnePlus|\brealme|HeyTap|ColorOS", re.I)),
    ("vivo", re.compile(r"\bvivo|iQOO|VivoBrowser|OriginOS", re.I)),
    # Samsung Internet names the maker before the model ("Android 14; SAMSUNG SM-S928B")
    # and, like Chrome, may send the reduced "Android 10; K". It installs on other phones
    # too, where the model (read first, see _combine) still names their maker; on a
    # reduced UA such a phone gets the generic Android steps, which work on any phone.
    ("android", re.compile(r"\bSAMSUNG\b|SamsungBrowser/", re.I)),
)


def _by_words(ua: str) -> str | None:
    for key, pattern in _WORDS:
        if pattern.search(ua):
            return key
    return None


# Android's UA says "Android <version>; [<language>;] <MODEL>[ Build/...]" (and HarmonyOS
# 2-4 put "HarmonyOS;" in between); the model is Build.MODEL.
_ANDROID_MODEL = re.compile(
    r"Android[ /][\d.]*;(?: ?U;)?(?: ?arm(?:_64)?;)?"
    r"(?: ?[a-z]{2}(?:[-_][A-Za-z]{2,4})*;)?(?: ?wv;)?"
    r"(?: ?HarmonyOS;)? ?([^;)]{1,60}?)(?: Build[/ ][^;)]*)?[;)]"
)

# Model codes (Build.MODEL) by brand. Each line says what it is for; the shapes were checked
# against the model codes in Matomo's device fixtures (all brands), see the tests.
_MODELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "xiaomi",
        re.compile(
            # Names: "Redmi Note 8 Pro", "MI 9", "Mi 10", "MIX 2S", "POCO F1", "Xiaomi 14".
            r"(?:Xiaomi|Redmi|POCO|MI|Mi|MIX|HM)\b|Mi\d"
            # 2018-2021: M + year and month + letter and digits (M1903C3EG, M2012K11AC).
            r"|M(?:1[89]|2[01])(?:0[1-9]|1[0-2])[A-Z]\d{1,2}[A-Z0-9]{0,5}$"
            # Since 2021: year and month + 3 to 7 letters/digits ending in a letter
            # (2211133C, 22081212C, 23127PN0CC, 23113RKC6C, 2312DRA50C, 24031PN0DC).
            r"|2[1-9](?:0[1-9]|1[0-2])[0-9A-Z]{2,7}[A-Z]$"
            # Japan (SoftBank): A001XM, A101XM.
            r"|A\d{3}XM$"
        ),
    ),
    (
        "oppo",
        re.compile(
            r"(?:OPPO|OnePlus|ONEPLUS|realme|Realme)\b"
            # Export and OnePlus-since-2022 models: CPH2451; realme RMX3706, pads RMP2102,
            # OPPO and OnePlus pads OPD2101.
            r"|(?:CPH|RMX|RMP|OPD)\d{4}"
            # Mainland China, OPPO, OnePlus and realme alike: PHB110, PJD110, PJZ110 (three
            # letters, three digits) and the older PEGM00, PCLM10 (four letters, two digits).
            r"|P[A-Z]{2}(?:\d|[A-Z]\d)\d\d(?:_[A-Z0-9]+)?$"
            # OnePlus before it took OPPO's codes (GM1910, HD1900, IN2010, KB2000, LE2123).
            r"|(?:GM|HD|IN|KB|LE|NE|MT|DE|DN|EB|BE|AC)2?1\d{3}$|(?:GM|HD|IN|KB|LE)\d{4}$"
        ),
    ),
    (
        "vivo",
        re.compile(
            r"(?:vivo|iQOO)\b"
            # V + year and month of the design: V2309A (vivo X100), V2243A, V2250 (export).
            r"|V(?:1[89]|2\d)\d{2}(?:[A-Z]{1,2}|_\w+|-\w+)?$"
            # iQOO export models: I2220. vivo pads: PA2170.
            r"|I(?:19|2\d)\d{2}$|PA2\d{3}$"
        ),
    ),
)

# Huawei and Honor share the shape of their model codes: three or four letters (and a digit
# for later generations), a dash, a market code (AN00, AL00, LX1, NX9, W09). NOH-AN00 is
# Huawei's Mate 40 Pro, PGT-AN10 Honor's Magic5 Pro. What tells them apart is the prefix,
# which names one design. The list holds the prefixes that Matomo's device-detector fixtures
# label Honor: where both brands used a prefix (ABR, ALT, ANY, GFY, NIC, TFY, VNA more often
# Honor; AGR, ALP, DNN, KOB2, LNA, LRA more often Huawei) the majority decides, so a few
# phones are named wrongly. A prefix not listed is taken for Huawei: both brands subscribe
# through a CalDAV account, so a wrong guess between them still shows working steps, and
# Huawei sells more phones in mainland China. Honor phones from before Honor left Huawei
# (late 2020, e.g. Honor 30, BMH-AN10) got HarmonyOS and follow Huawei's steps anyway.
_HUAWEI_SHAPE = re.compile(r"([A-Z]{3,4}\d?)-[A-Z]{1,3}\d{1,2}[A-Za-z0-9]{0,3}$")
_HONOR_PREFIXES = frozenset(
    """ABR ADT AGI AGM AGM3 AGT ALI ALT AMG AMM AMP ANB ANN ANP ANY BKQ BRC BRP BRT BVL CGA
    CHL CLE CLK CMA CRT DIO DNP DNY DVD ELA ELI ELN ELN2 ELP ELZ FCP FLC FNE FRI GBD GDI GFY
    GIA HEY HEY2 HEY3 HJC HPB JDY JLH JMS KOZ KRJ2 LAB LGE LGN LLY LOG LSA LYN MAA MAG MBH
    MEP MEY MGI MTN NDL NDL2 NEW NIC NLA NNH NTH NTN NZA PGT PNM PPG PTP RBN REA REP RKY RMO
    RNA ROD ROD2 ROL RTG SDY TFY TNA VCA VER VKJ VKP VNA VNE WDY WOD""".split()  # noqa: SIM905 (a list literal would be 20 lines)
)
# Names in the model field: "HUAWEI Mate 60 Pro", "nova 7 5G", "Honor X10 5G".
_HUAWEI_NAME = re.compile(r"(?:HUAWEI|Huawei|nova|Mate|Enjoy|Maimang)\b")
_HONOR_NAME = re.compile(r"(?:HONOR|Honor)\b")

# Android phones that are neither of the five Chinese makers above and whose maker is known
# for sure: Samsung (SM-S9180, "SAMSUNG SM-S928B" as Samsung Internet writes it, Japan's
# SC-51D, SCG21), Google Pixel, Motorola, Nokia, Sony (XQ-DQ54), Meizu ("MEIZU 18"). Other
# makers are left unknown and the page asks.
_OTHER_ANDROID = re.compile(
    r"(?:SAMSUNG[ -])?SM-[A-Z]\d|S(?:CH|GH|PH|HV|HW)-|SC-\d\d[A-Z]$|SC[GV]\d\d$"
    r"|Pixel\b|moto|motorola|Nokia|XQ-[A-Z]{2}\d\d$|MEIZU\b"
)


def _by_model(model: str) -> str | None:
    model = model.strip()
    if not model or model == "K":
        return None
    if _OTHER_ANDROID.match(model):
        # First: Samsung's older codes (SCH-I535) have the Huawei shape.
        return "android"
    if _HONOR_NAME.match(model):
        return "honor"
    if _HUAWEI_NAME.match(model):
        return "huawei"
    shape = _HUAWEI_SHAPE.match(model)
    if shape:
        return "honor" if shape.group(1) in _HONOR_PREFIXES else "huawei"
    for key, pattern in _MODELS:
        if pattern.match(model):
            return key
    return None


_IOS = re.compile(r"(?<![A-Za-z])(?:iPhone|iPad|iPod)")  # not "inoiPad", "HiPad"
_DESKTOP = re.compile(r"Windows NT|Macintosh|Mac OS X|X11|CrOS|Linux x86_64|Linux i686")


def _by_ua(ua: str) -> str | None:
    if _IOS.search(ua):
        return "iphone"
    match = _ANDROID_MODEL.search(ua)
    if match:
        return _combine(_by_model(match.group(1)), _by_words(ua))
    if "Android" in ua or "Mobile" in ua:
        # An Android UA without a readable model, or another phone OS: only words can tell.
        return _by_words(ua)
    if "(PC; OpenHarmony" in ua:
        # HarmonyOS PCs (MateBook): "(PC; OpenHarmony 6.1; Windows NT 10.0)".
        return "desktop"
    words = _by_words(ua)
    if words == "huawei":
        # HarmonyOS NEXT: "(Phone; OpenHarmony 5.0) ... ArkWeb/4.1.6.1 Mobile".
        return words
    if _DESKTOP.search(ua):
        # iPadOS Safari asks for desktop pages as "Macintosh; Intel Mac OS X 10_15_7", the
        # same bytes a Mac sends, and sends no client hints: it is taken for a Mac. The page
        # can correct this in the browser (navigator.maxTouchPoints > 1 on an iPad).
        return "desktop"
    return None


# In-app browsers by the token their apps add to the UA. Order matters: WeCom (企业微信)
# also says MicroMessenger, Alipay's mini-programs in some builds say both.
_APPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("wecom", re.compile(r"wxwork/", re.I)),
    ("wechat", re.compile(r"MicroMessenger/", re.I)),
    # QQ's in-app browser says " QQ/8.9.x"; the standalone QQ Browser says "MQQBrowser"
    # without " QQ/" and can open files, so it is not matched.
    ("qq", re.compile(r"(?:^|[ ;(])QQ/\d")),
    ("weibo", re.compile(r"(?:^|[ _;(])weibo", re.I)),
    ("alipay", re.compile(r"AlipayClient/", re.I)),
    # Douyin (抖音) says "aweme" (its package name) and BytedanceWebview; TikTok's
    # international app says "musical_ly" and is not used in mainland China.
    ("douyin", re.compile(r"aweme|BytedanceWebview", re.I)),
    ("feishu", re.compile(r"Lark/|Feishu", re.I)),
)


def in_app_browser(headers: HeaderSource) -> InApp | None:
    """The app whose built-in browser shows the page, or None for a real browser."""
    return _in_app((_header(headers, "User-Agent") or "")[:_MAX_UA])


# The makers' own browsers, by the token they add. Only these can hand a webcal:// link to
# their own calendar (Xiaomi's steps begin with "open this page in Xiaomi's browser",
# which is pointless to say inside it). A maker's browser on another maker's phone
# (rare: they are not in other app stores) still names its maker.
_OWN_BROWSERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("xiaomi", re.compile(r"MiuiBrowser/")),
    ("huawei", re.compile(r"HuaweiBrowser/")),
    ("honor", re.compile(r"HonorBrowser/|bdhonorbrowser", re.I)),
    ("vivo", re.compile(r"VivoBrowser/")),
    ("oppo", re.compile(r"HeyTapBrowser/|OppoBrowser/")),
)


def own_browser(headers: HeaderSource) -> str | None:
    """The phone key whose maker's own browser shows the page, or None for any other."""
    ua = (_header(headers, "User-Agent") or "")[:_MAX_UA]
    if _in_app(ua) is not None:
        # An app's web view on top of a maker's engine is still the app's browser.
        return None
    return next((key for key, pattern in _OWN_BROWSERS if pattern.search(ua)), None)


@lru_cache(maxsize=_CACHE_SIZE)
def _in_app(ua: str) -> InApp | None:
    app = next((name for name, pattern in _APPS if pattern.search(ua)), None)
    if app is None:
        return None
    if _IOS.search(ua):
        os = "ios"
    elif "Android" in ua or "HarmonyOS" in ua or "OpenHarmony" in ua:
        os = "android"
    else:
        os = "other"
    return InApp(app, os)
