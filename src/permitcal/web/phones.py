"""How each phone puts the calendar on it: the picker's choices and their steps, as data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from permitcal.policy import Text

__all__ = ["PHONES", "Phone", "Step", "Widget", "phone_by_key"]


class Widget(StrEnum):
    """A control a step points at; the page draws it inside the step that names it."""

    WEBCAL = (
        "webcal"  # subscribe button (webcal://): Apple Calendar, Xiaomi's browser, Outlook desktop
    )
    FEED_URL = "feed_url"  # the https address with a copy button
    CALDAV = "caldav"  # server, user name and password, each with a copy button
    QR = "qr"  # the webcal URL as a QR code, for another device
    OUTLOOK = "outlook"  # Outlook on the web's addfromweb link
    GOOGLE = "google"  # Google Calendar's cid link (needs a proxy in mainland China)
    PAGE_LINK = "page_link"  # this page's own address, to open it in another browser


# What fails inside WeChat's and QQ's built-in browsers: links to other apps or sites
# and downloads. Copying text and showing a QR code work there.
LINK_WIDGETS = frozenset({Widget.WEBCAL, Widget.OUTLOOK, Widget.GOOGLE})


@dataclass(frozen=True, slots=True)
class Step:
    text: Text
    widget: Widget | None = None


@dataclass(frozen=True, slots=True)
class Phone:
    key: str
    name: Text
    intro: Text | None
    """One sentence before the steps (why this way), or None."""
    steps: tuple[Step, ...]
    main: Widget
    """The widget that is this phone's main action, drawn as the primary button."""


def _caldav_phone(key: str, name: Text, where: Step, after: Step) -> Phone:
    """Huawei, Honor and vivo: their calendars cannot subscribe to a URL at all."""
    return Phone(
        key,
        name,
        Text(
            "{name}日历不能订阅网址，请添加一个只读的 CalDAV 账户（会自动更新）：",
            "{name}'s calendar cannot subscribe to a web address: add a read-only CalDAV "
            "account instead (it updates by itself):",
        ).format(name=name),
        (
            where,
            Step(
                Text(
                    "依次复制下面三项，填入对应的栏：", "Copy these three into the matching fields:"
                ),
                Widget.CALDAV,
            ),
            after,
        ),
        Widget.CALDAV,
    )


_SETTINGS_ACCOUNTS = Step(
    Text(
        "打开“设置” → “用户和帐户” → “添加帐户” → “CalDAV”。",
        "Open 设置 (Settings) → 用户和帐户 (Users & accounts) → 添加帐户 (Add account) → CalDAV.",
    ),
)

PHONES: tuple[Phone, ...] = (
    Phone(
        "iphone",
        Text("iPhone", "iPhone"),
        None,
        (
            Step(
                Text(
                    "点这个按钮，在弹出的窗口中点“订阅”，再点“添加”（iPad 相同）：",
                    "Tap this button, then Subscribe and Add in the window that opens "
                    "(same on iPad):",
                ),
                Widget.WEBCAL,
            ),
            Step(
                Text(
                    "没有反应时：打开“设置” → “日历” → “账户” → “添加账户” → “其他” → "
                    "“添加已订阅的日历”，粘贴这个地址：",
                    "If nothing happens: Settings → Calendar → Accounts → Add Account → Other → "
                    "Add Subscribed Calendar, and paste this address:",
                ),
                Widget.FEED_URL,
            ),
        ),
        Widget.WEBCAL,
    ),
    _caldav_phone(
        "huawei",
        Text("华为", "Huawei"),
        _SETTINGS_ACCOUNTS,
        Step(
            Text(
                "保存，然后在日历中打开“上海居住证提醒”。（找不到“CalDAV”时：“日历” → 右上角“⋮” → "
                "“设置” → “帐户” → “添加帐户”。）",
                "Save, then show 上海居住证提醒 in the calendar. (No CalDAV there? Try 日历 → ⋮ at "
                "the top right → 设置 → 帐户 → 添加帐户.)",
            ),
        ),
    ),
    _caldav_phone(
        "honor",
        Text("荣耀", "Honor"),
        _SETTINGS_ACCOUNTS,
        Step(Text("保存后同步一次。", "Save and sync once.")),
    ),
    Phone(
        "xiaomi",
        Text("小米", "Xiaomi"),
        None,
        (
            Step(
                Text(
                    "在小米自带的“浏览器”中打开本页（不是微信、Chrome 或夸克）。可以复制本页链接：",
                    "Open this page in Xiaomi's own Browser app (not WeChat, Chrome or Quark). "
                    "Copy this page's link:",
                ),
                Widget.PAGE_LINK,
            ),
            Step(
                Text(
                    "在小米浏览器中点这个按钮，然后确认订阅：",
                    "In Xiaomi's browser, tap this button and confirm:",
                ),
                Widget.WEBCAL,
            ),
        ),
        Widget.WEBCAL,
    ),
    Phone(
        "oppo",
        Text("OPPO", "OPPO"),
        None,
        (
            Step(Text("复制订阅地址：", "Copy the calendar address:"), Widget.FEED_URL),
            Step(
                Text(
                    "打开“日历” → “日程导入与同步” → “URL日历”，粘贴地址并确定。",
                    "Open 日历 (Calendar) → 日程导入与同步 → URL日历 (URL calendar), paste the "
                    "address and confirm.",
                ),
            ),
        ),
        Widget.FEED_URL,
    ),
    _caldav_phone(
        "vivo",
        Text("vivo", "vivo"),
        Step(
            Text(
                "打开“日历” → 右上角“⋮” → “设置” → “日历账户” → “添加账户” → “CalDAV”。",
                "Open 日历 (Calendar) → ⋮ at the top right → 设置 → 日历账户 → 添加账户 → CalDAV.",
            ),
        ),
        Step(
            Text(
                "保存后同步一次。（菜单名也可能是“账户管理”，"
                "或在“设置” → “账号与同步” → “添加账号”中。）",
                "Save and sync once. (The menu may be called 账户管理, or be under "
                "设置 → 账号与同步 → 添加账号.)",
            ),
        ),
    ),
    Phone(
        "android",
        Text("其他安卓", "Other Android"),
        None,
        (
            Step(
                Text(
                    "日历 App 能“通过网址订阅”（URL 日历、订阅日历）的，复制这个地址粘贴进去：",
                    "If your calendar app can subscribe to a web address (URL calendar, "
                    "subscribed calendar), copy this address into it:",
                ),
                Widget.FEED_URL,
            ),
            Step(
                Text(
                    "不能订阅网址的，在系统设置中添加 CalDAV 账户"
                    "（有的手机需要先安装 DAVx⁵），填入：",
                    "If it cannot, add a CalDAV account in the system settings (some phones need "
                    "the DAVx⁵ app first), with:",
                ),
                Widget.CALDAV,
            ),
            Step(
                Text(
                    "用 Google 日历的（中国大陆需要代理）：",
                    "With Google Calendar (needs a proxy in mainland China):",
                ),
                Widget.GOOGLE,
            ),
        ),
        Widget.FEED_URL,
    ),
    Phone(
        "desktop",
        Text("电脑", "Computer"),
        None,
        (
            Step(
                Text(
                    "用手机相机或扫一扫扫描二维码，在手机上订阅：",
                    "Scan this code with your phone's camera to subscribe on the phone:",
                ),
                Widget.QR,
            ),
            Step(
                Text(
                    "在这台电脑上订阅（Apple 日历、Outlook 桌面版）：",
                    "Subscribe on this computer (Apple Calendar, Outlook desktop):",
                ),
                Widget.WEBCAL,
            ),
            Step(Text("Outlook 网页版：", "Outlook on the web:"), Widget.OUTLOOK),
        ),
        Widget.QR,
    ),
)

_BY_KEY = {phone.key: phone for phone in PHONES}


def phone_by_key(key: str | None) -> Phone | None:
    """The picker's choice from a query value; None for anything not offered."""
    return _BY_KEY.get(key or "")
