"""How each phone puts the calendar on it: the picker's choices and their steps, as data.

The page draws these steps, and docs/phones/*.md carry the same steps as Markdown
(``steps_markdown``; tests/test_phone_docs.py holds the two together), so a step is
changed here once and both follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from permitcal.policy import SHANGHAI, Text

__all__ = [
    "LINK_WIDGETS",
    "PHONES",
    "Phone",
    "Reminders",
    "Step",
    "Widget",
    "phone_by_key",
]


class Widget(StrEnum):
    """A control a step points at; the page draws it inside the step that names it."""

    WEBCAL = (
        "webcal"  # subscribe button (webcal://): Apple Calendar, Xiaomi's browser, Outlook desktop
    )
    FEED_URL = "feed_url"  # the https address with a copy button
    CALDAV = "caldav"  # server, user name and password, each with a copy button
    QR = "qr"  # the phone page's address as a QR code: it shows that phone's steps
    OUTLOOK = "outlook"  # Outlook on the web's addfromweb link
    GOOGLE = "google"  # Google Calendar's cid link (needs a proxy in mainland China)
    PAGE_LINK = "page_link"  # this page's own address, to open it in another browser


# What fails inside WeChat's and QQ's built-in browsers: links to other apps or sites
# and downloads. Copying text and showing a QR code work there.
LINK_WIDGETS = frozenset({Widget.WEBCAL, Widget.OUTLOOK, Widget.GOOGLE})


@dataclass(frozen=True, slots=True)
class Step:
    text: Text
    """What to do. "{button}" stands for the label the widget is drawn with, so a step
    names the button it means instead of pointing at "this button", which may not be
    drawn (in-app browsers). A step with a widget ends with a colon: the widget follows."""
    widget: Widget | None = None
    only_elsewhere: bool = False
    """A step that only gets the visitor into the phone maker's own browser: left out
    when the page is already open there (see devices.own_browser)."""


@dataclass(frozen=True, slots=True)
class Reminders:
    """What keeps a phone's reminders ringing: the step that says so, and what it rests on.

    Calendars treat a feed's alarms their own way (some strip them, some ignore them), so
    every phone ends with a step about its reminders; docs/phones/<key>.md says what is
    known of that phone, with each source.
    """

    step: Step
    sources: tuple[str, ...] = ()
    """Addresses of the public reports the step rests on, each quoted in the phone's doc.
    Empty: no report says what this phone does with a feed's alarms, so the step is the
    generic check and the doc marks it unconfirmed (未经证实)."""

    @property
    def confirmed(self) -> bool:
        return bool(self.sources)


@dataclass(frozen=True, slots=True)
class Phone:
    key: str
    name: Text
    intro: Text | None
    """One sentence before the steps (why this way), or None."""
    steps: tuple[Step, ...]
    """How to put the calendar on the phone."""
    main: Widget
    """The widget that is this phone's main action, drawn as the primary button."""
    reminders: Reminders
    """The last step: what keeps the reminders ringing once the calendar is there."""

    @property
    def all_steps(self) -> tuple[Step, ...]:
        """Every step the page and the doc show, the reminders step last."""
        return (*self.steps, self.reminders.step)


def _caldav_phone(key: str, name: Text, where: Step, *after: Step, reminders: Reminders) -> Phone:
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
                    "依次复制服务器地址、用户名和密码，填入对应的栏：",
                    "Copy the server, user name and password into the matching fields:",
                ),
                Widget.CALDAV,
            ),
            *after,
        ),
        Widget.CALDAV,
        reminders,
    )


# The calendar's name as the phone lists it (the feed's X-WR-CALNAME, which follows the
# calendar's language, not the page's): taken from the policy, never spelt twice.
_CALENDAR = Text(
    SHANGHAI.feed_name.zh,
    f"{SHANGHAI.feed_name.en} ({SHANGHAI.feed_name.zh} if the calendar is in Chinese)",
)


def _show_calendar(where: Text) -> Step:
    """The last CalDAV step: the new account's calendar may be there but not ticked."""
    return Step(
        Text(
            "保存并同步一次，然后在{where}中勾选“{calendar}”。",
            "Save and sync once, then tick {calendar} in {where}.",
        ).format(where=where, calendar=_CALENDAR)
    )


# 账户, not 帐户 (PAGE-WORDING W20). The steps used to quote this menu as 帐户 and no source
# settles which spelling a given system version shows, so the step names both.
_SETTINGS_ACCOUNTS = Text(
    "打开“设置” → “用户和账户”（有的版本写作“帐户”） → “添加账户” → “CalDAV”",
    "Open 设置 (Settings) → 用户和账户 (Users & accounts; some versions write 帐户) → "
    "添加账户 (Add account) → CalDAV",
)
_CALENDAR_SETTINGS_SHOWN = Text(
    "“日历” → “设置” → “显示的日历”",
    "日历 → 设置 → 显示的日历 (Calendar → Settings → Calendars shown)",
)


def _check_notifications(after: Text) -> Reminders:
    """The generic reminders step, for a phone no public report covers (unconfirmed)."""
    return Reminders(
        Step(
            Text(
                "提醒：{after}，在日历的设置中确认“{calendar}”的提醒（通知）是打开的。",
                "Reminders: {after}, check in the calendar's settings that notifications "
                "are on for {calendar}.",
            ).format(after=after, calendar=_CALENDAR)
        )
    )


# The reports behind the sourced reminders steps (docs/phones/*.md quote each one).
_APPLE_STRIPS_ALERTS = "https://github.com/Ivan-Malinovski/calino/issues/165"
_IOS_SUBSCRIBE_OPTIONS = "https://github.com/junyilou/python-ical-timetable/blob/master/usage.md"
_IOS_EVENT_ALERTS = "https://github.com/hebcal/hebcal/issues/142"
_GOOGLE_IGNORES_ALARMS = "https://github.com/sportstimes/f1/pull/848"
_GOOGLE_CALENDAR_NOTIFICATIONS = "https://github.com/w3c/calendar/issues/119"
_GOOGLE_DEFAULT_NOTIFICATIONS = "https://support.google.com/calendar/answer/83117"
_ICSX5_ALARM_OPTIONS = "https://github.com/bitfireAT/icsx5/issues/1"
_OUTLOOK_IGNORES_ALARMS = "https://github.com/Gowee/lccal-worker/issues/9"

PHONES: tuple[Phone, ...] = (
    Phone(
        "iphone",
        Text("iPhone", "iPhone"),
        None,
        (
            Step(
                Text(
                    "点“{button}”，在弹出的窗口中点“订阅”，确认去掉提醒的选项（英文界面为 "
                    "Remove Alerts）是关着的，再点“添加”（iPad 相同）：",
                    "Tap “{button}”, then Subscribe in the window that opens; check that "
                    "Remove Alerts is off, then tap Add (same on iPad):",
                ),
                Widget.WEBCAL,
            ),
            Step(
                Text(
                    "没有反应时：打开“设置” → “日历” → “账户” → “添加账户” → “其他” → "
                    "“添加已订阅的日历”，粘贴订阅地址：",
                    "If nothing happens: Settings → Calendar → Accounts → Add Account → Other → "
                    "Add Subscribed Calendar, and paste the calendar address:",
                ),
                Widget.FEED_URL,
            ),
        ),
        Widget.WEBCAL,
        Reminders(
            Step(
                Text(
                    "提醒：在“日历” App 底部点“日历”，再点“{calendar}”旁的 ⓘ，确认事件提醒"
                    "（Event Alerts）是打开的；订阅时去掉了提醒的，删除这个日历后重新订阅。",
                    "Reminders: in the Calendar app tap Calendars at the bottom, then ⓘ next "
                    "to {calendar}, and check that Event Alerts is on. If the alerts were "
                    "removed when subscribing, delete the calendar and subscribe again.",
                ).format(calendar=_CALENDAR)
            ),
            (_APPLE_STRIPS_ALERTS, _IOS_SUBSCRIBE_OPTIONS, _IOS_EVENT_ALERTS),
        ),
    ),
    _caldav_phone(
        "huawei",
        Text("华为", "Huawei"),
        Step(
            Text(
                "{open}。（部分版本在“日历” → 右上角“⋮” → “设置” → “账户” → “添加账户”中。）",
                "{open}. (On some versions: 日历 → ⋮ at the top right → 设置 → 账户 → 添加账户.)",
            ).format(open=_SETTINGS_ACCOUNTS)
        ),
        _show_calendar(_CALENDAR_SETTINGS_SHOWN),
        reminders=_check_notifications(Text("勾选后", "once it is ticked")),
    ),
    _caldav_phone(
        "honor",
        Text("荣耀", "Honor"),
        Step(Text("{open}。", "{open}.").format(open=_SETTINGS_ACCOUNTS)),
        _show_calendar(_CALENDAR_SETTINGS_SHOWN),
        reminders=_check_notifications(Text("勾选后", "once it is ticked")),
    ),
    Phone(
        "xiaomi",
        Text("小米", "Xiaomi"),
        None,
        (
            Step(
                Text(
                    "在小米自带的“浏览器”中打开本页（不是微信、Chrome 或夸克），可以复制本页链接"
                    "粘贴过去：",
                    "Open this page in Xiaomi's own Browser app (not WeChat, Chrome or Quark); "
                    "you can copy this page's link into it:",
                ),
                Widget.PAGE_LINK,
                only_elsewhere=True,
            ),
            Step(
                Text("点“{button}”，然后确认订阅：", "Tap “{button}” and confirm:"),
                Widget.WEBCAL,
            ),
        ),
        Widget.WEBCAL,
        _check_notifications(Text("订阅后", "after subscribing")),
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
        _check_notifications(Text("订阅后", "after subscribing")),
    ),
    _caldav_phone(
        "vivo",
        Text("vivo", "vivo"),
        Step(
            Text(
                "打开“日历” → 右上角“⋮” → “设置” → “日历账户” → “添加账户” → “CalDAV”。"
                "（菜单名也可能是“账户管理”，或在“设置” → “账号与同步” → “添加账号”中。）",
                "Open 日历 (Calendar) → ⋮ at the top right → 设置 → 日历账户 → 添加账户 → "
                "CalDAV. (The menu may be called 账户管理, or be under 设置 → 账号与同步 → "
                "添加账号.)",
            ),
        ),
        _show_calendar(Text("日历的“显示的日历”", "the calendar's 显示的日历 (calendars shown)")),
        reminders=_check_notifications(Text("勾选后", "once it is ticked")),
    ),
    Phone(
        "android",
        Text("其他安卓", "Other Android"),
        None,
        (
            Step(
                Text(
                    "日历 App 能“通过网址订阅”（URL 日历、订阅日历）的，复制订阅地址粘贴进去：",
                    "If your calendar app can subscribe to a web address (URL calendar, "
                    "subscribed calendar), copy the calendar address into it:",
                ),
                Widget.FEED_URL,
            ),
            Step(
                # Where to get DAVx⁵ (PAGE-WORDING W25): most Chinese app stores do not
                # carry it; F-Droid does (its README's badge).
                Text(
                    "不能订阅网址的，在系统设置中添加 CalDAV 账户"
                    "（没有 CalDAV 选项的，先从 F-Droid 安装 DAVx⁵，国内应用商店一般没有），填入：",
                    "If it cannot, add a CalDAV account in the system settings (without a "
                    "CalDAV option, install the DAVx⁵ app from F-Droid first: most Chinese app "
                    "stores do not have it), with:",
                ),
                Widget.CALDAV,
            ),
            Step(
                Text(
                    "用 Google 日历的（中国大陆需要代理），点“{button}”：",
                    "With Google Calendar (needs a proxy in mainland China), tap “{button}”:",
                ),
                Widget.GOOGLE,
            ),
        ),
        Widget.FEED_URL,
        Reminders(
            Step(
                Text(
                    "提醒：订阅或同步后，在日历 App 中确认这个日历的提醒（通知）是打开的。"
                    "Google 日历不使用订阅日历自带的提醒，要在这个日历的设置中自己添加通知"
                    "（包括全天日程的通知）。",
                    "Reminders: after subscribing or syncing, check in the calendar app that "
                    "notifications are on for this calendar. Google Calendar ignores a "
                    "subscribed calendar's own alerts: add notifications (all-day ones too) in "
                    "this calendar's settings.",
                )
            ),
            (
                _GOOGLE_IGNORES_ALARMS,
                _GOOGLE_CALENDAR_NOTIFICATIONS,
                _GOOGLE_DEFAULT_NOTIFICATIONS,
                _ICSX5_ALARM_OPTIONS,
            ),
        ),
    ),
    Phone(
        "desktop",
        Text("电脑", "Computer"),
        None,
        (
            # The QR code opens the phone page, which shows that phone's own steps
            # (a webcal:// code did nothing on Huawei, Honor and vivo, nor in WeChat).
            Step(
                Text(
                    "用手机扫描二维码（iPhone 用相机，其他手机用相机或浏览器的扫一扫），"
                    "手机上会打开一页，照着为这部手机写的步骤添加：",
                    "Scan this code with your phone (an iPhone's camera; on other phones the "
                    "camera or the browser's scanner): it opens a page with the steps for "
                    "that phone:",
                ),
                Widget.QR,
            ),
            # Apple's Calendar on a Mac can keep a subscription in iCloud ("Location"),
            # and then every device signed in to that Apple ID shows it (source in
            # docs/phones/desktop.md).
            Step(
                Text(
                    "用 Mac 的：点“{button}”，订阅时“位置”选 iCloud，"
                    "登录同一 Apple ID 的 iPhone 也会显示这个日历；"
                    "Windows 上的 Outlook 桌面版同样点“{button}”：",
                    "On a Mac, click “{button}” and choose iCloud as the location: an iPhone "
                    "signed in to the same Apple ID shows the calendar too. Outlook on "
                    "Windows: click “{button}” as well:",
                ),
                Widget.WEBCAL,
            ),
            Step(
                Text(
                    "用 Outlook 网页版的，点“{button}”：",
                    "With Outlook on the web, click “{button}”:",
                ),
                Widget.OUTLOOK,
            ),
        ),
        Widget.QR,
        Reminders(
            Step(
                Text(
                    "提醒：在 Apple 日历中订阅时，不要选去掉提醒的选项（英文界面为 Remove "
                    "Alerts）；Outlook 据报告不使用订阅日历自带的提醒，订阅后请检查这个日历的"
                    "提醒设置。",
                    "Reminders: when subscribing in Apple Calendar, do not choose to remove "
                    "alerts (Remove Alerts); Outlook is reported to ignore a subscribed "
                    "calendar's own alerts, so check this calendar's reminder settings after "
                    "subscribing.",
                )
            ),
            (_APPLE_STRIPS_ALERTS, _OUTLOOK_IGNORES_ALARMS),
        ),
    ),
)

_BY_KEY = {phone.key: phone for phone in PHONES}


def phone_by_key(key: str | None) -> Phone | None:
    """The picker's choice from a query value; None for anything not offered."""
    return _BY_KEY.get(key or "")
