"""Which phone or app the visitor uses, and how that calendar subscribes (DESIGN.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PLATFORMS", "Platform", "detect", "in_app_browser"]


@dataclass(frozen=True, slots=True)
class Platform:
    key: str
    name: tuple[str, str]
    steps: tuple[tuple[str, str], ...]
    """Numbered steps, (zh, en)."""
    caldav: bool = False
    """The phone keeps an updating calendar only through a CalDAV account."""


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "iphone",
        ("iPhone / iPad", "iPhone / iPad"),
        (
            (
                "在 Safari 中点“订阅”按钮，然后点“订阅”确认。",
                "In Safari, tap the Subscribe button, then confirm.",
            ),
            (
                "或者：设置 → 日历 → 账户 → 添加账户 → 其他 → 添加已订阅的日历，粘贴 https 地址。",
                "Or: Settings → Calendar → Accounts → Add Account → Other → Add Subscribed Calendar, paste the https address.",
            ),
        ),
    ),
    Platform(
        "xiaomi",
        ("小米 / 红米", "Xiaomi / Redmi"),
        (
            (
                "用小米自带浏览器打开本页，点“订阅”按钮。",
                "Open this page in Xiaomi's own browser and tap Subscribe.",
            ),
            (
                "也可以在日历设置中添加 CalDAV 账户或导入 .ics 文件。",
                "You can also add a CalDAV account or import the .ics file in the calendar settings.",
            ),
        ),
    ),
    Platform(
        "oppo",
        ("OPPO / 一加 / realme", "OPPO / OnePlus / realme"),
        (
            ("复制下方 https 订阅地址。", "Copy the https feed address below."),
            (
                "日历 → 日程导入与同步 → URL日历，粘贴地址。",
                "Calendar → 日程导入与同步 → URL日历, paste the address.",
            ),
        ),
    ),
    Platform(
        "vivo",
        ("vivo / iQOO", "vivo / iQOO"),
        (
            (
                "vivo 日历不能订阅网址，请添加 CalDAV 账户（会自动更新）：",
                "vivo's calendar cannot subscribe to a URL; add a CalDAV account (it updates by itself):",
            ),
            (
                "打开“日历” → 右上角“⋮” → “设置” → “日历账户”（或“账户管理”） → “添加账户” → “CalDAV”。",
                "Open 日历 (Calendar) → ⋮ (top right) → 设置 → 日历账户 (or 账户管理) → 添加账户 → CalDAV.",
            ),
            (
                "也可以：“设置” → “账号与同步” → “添加账号” → “CalDAV”。",
                "Or: 设置 (Settings) → 账号与同步 → 添加账号 → CalDAV.",
            ),
            (
                "服务器填下方“服务器地址”，再填用户名和密码，保存后同步。",
                "Enter the server address below, then the user name and password; save and sync.",
            ),
        ),
        caldav=True,
    ),
    Platform(
        "huawei",
        ("华为", "Huawei"),
        (
            (
                "华为日历不能订阅网址（webcal 链接无效），请添加 CalDAV 账户（会自动更新）：",
                "Huawei's calendar cannot subscribe to a URL (webcal links do nothing); add a CalDAV account (it updates by itself):",
            ),
            (
                "打开“设置” → “用户和帐户” → “添加帐户” → “CalDAV”。",
                "Open 设置 (Settings) → 用户和帐户 → 添加帐户 → CalDAV.",
            ),
            (
                "部分版本在“日历” → 右上角“⋮” → “设置” → “帐户” → “添加帐户”中。",
                "On some versions: 日历 → ⋮ (top right) → 设置 → 帐户 → 添加帐户.",
            ),
            (
                "服务器填下方“服务器地址”，再填用户名和密码，保存后在日历中打开“上海居住证提醒”。",
                "Enter the server address below, then the user name and password; save, then show 上海居住证提醒 in the calendar.",
            ),
        ),
        caldav=True,
    ),
    Platform(
        "honor",
        ("荣耀", "Honor"),
        (
            (
                "荣耀日历不能订阅网址，请添加 CalDAV 账户（会自动更新）：",
                "Honor's calendar cannot subscribe to a URL; add a CalDAV account (it updates by itself):",
            ),
            (
                "打开“设置” → “用户和帐户” → “添加帐户” → “CalDAV”。",
                "Open 设置 (Settings) → 用户和帐户 → 添加帐户 → CalDAV.",
            ),
            (
                "服务器填下方“服务器地址”，再填用户名和密码，保存后同步。",
                "Enter the server address below, then the user name and password; save and sync.",
            ),
        ),
        caldav=True,
    ),
    Platform(
        "outlook",
        ("Outlook（网页版、App）", "Outlook (web, app)"),
        (
            (
                "点“添加到 Outlook.com”，登录后确认。中国大陆可用。",
                "Tap Add to Outlook.com, sign in and confirm. Works in mainland China.",
            ),
        ),
    ),
    Platform(
        "google",
        ("Google 日历 / 安卓", "Google Calendar / Android"),
        (
            (
                "点“添加到 Google 日历”（中国大陆需要代理）。",
                "Tap Add to Google Calendar (needs a proxy in mainland China).",
            ),
            (
                "或在电脑上：Google 日历 → 其他日历 → 通过网址添加，粘贴 https 地址。",
                "Or on a computer: Google Calendar → Other calendars → From URL, paste the https address.",
            ),
        ),
    ),
)

_BY_KEY = {p.key: p for p in PLATFORMS}

# Order matters: Honor phones also say "Android", OnePlus says "OnePlus".
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iphone", re.compile(r"iPhone|iPad|iPod|Macintosh.*Mobile", re.I)),
    ("honor", re.compile(r"HONOR|MagicOS", re.I)),
    ("huawei", re.compile(r"HUAWEI|HarmonyOS|OpenHarmony|EMUI|HMSCore", re.I)),
    ("xiaomi", re.compile(r"MIUI|XiaoMi|Redmi|HyperOS|\bMI \d|\bM\d{4}", re.I)),
    ("oppo", re.compile(r"OPPO|OnePlus|realme|ColorOS|HeyTap|\bCPH\d{4}|\bPH[A-Z]\d{3}", re.I)),
    ("vivo", re.compile(r"vivo|iQOO|OriginOS|\bV\d{4}[A-Z]", re.I)),
    ("google", re.compile(r"Android", re.I)),
)


def detect(user_agent: str) -> Platform:
    """The visitor's platform; desktops and unknown devices get Outlook first."""
    for key, pattern in _PATTERNS:
        if pattern.search(user_agent):
            return _BY_KEY[key]
    return _BY_KEY["outlook"]


def in_app_browser(user_agent: str) -> bool:
    """WeChat's and QQ's built-in browsers break both subscribing and downloading."""
    return bool(re.search(r"MicroMessenger|\bQQ/|WeChat", user_agent, re.I))
