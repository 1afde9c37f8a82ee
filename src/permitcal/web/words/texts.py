"""The page's own words in Chinese and English (event texts live in the policy)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask import has_request_context, request

from permitcal.policy import WEEKDAYS, Text, get_policy, policies
from permitcal.web.words.about_texts import ABOUT_TEXTS
from permitcal.web.words.household_texts import HOUSEHOLD_TEXTS
from permitcal.web.words.school_texts import SCHOOL_TEXTS

__all__ = [
    "APP_NAMES",
    "DATE_FORMAT",
    "MONTHS",
    "UI",
    "UiLang",
    "format_day",
    "ui_lang",
    "ui_text",
]

UiLang = Literal["zh", "en"]

# The page asks for a Shanghai permit (the other policies have no page question yet):
# its name for the calendar is the page's.
_PAGE_POLICY = get_policy("shanghai")

UI: dict[str, Text] = {
    **HOUSEHOLD_TEXTS,
    **SCHOOL_TEXTS,
    **ABOUT_TEXTS,
    # One name for the calendar everywhere: the header, the page title and the name the
    # phone's calendar list shows (the feed's), so a holder recognises it there.
    "title": _PAGE_POLICY.feed_name,
    "tagline": Text(
        "输入居住证日期，得到签注、补签、积分申报等所有截止日，并订阅到手机日历。",
        "Enter your permit date, get every endorsement and points deadline, and subscribe from your phone's calendar.",
    ),
    "date_kind": Text("我填写的日期是", "The date I enter is"),
    "issued": Text(
        "居住证签发（或上次签注生效）日期",
        "Date the permit (or last endorsement) took effect",
    ),
    "expires": Text("居住证上印的到期日", "Expiry date printed on the card"),
    "date": Text("日期", "Date"),
    "card_received": Text(
        "已经签注并拿到新证的，填写拿到新证的日期（可选）",
        "If you have already endorsed the permit and got the new card: the day you got it (optional)",
    ),
    "changes": Text(
        "上次签注以来有变更的项目（可选）", "Changes since the last endorsement (optional)"
    ),
    "changes_hint": Text(
        "勾选后，日历中“可以开始办理签注”那天会列出需要补充的材料；勾选学历还会提前提醒你开始学历认证。",
        "Ticked changes make the calendar list the documents to bring on the day you can start"
        " the endorsement; a new degree also gets a reminder to start its verification early.",
    ),
    # The changes' names are declared once, in each policy's checklist.
    **{f"change_{c.value}": p.change_label(c) for p in policies().values() for c in p.changes},
    "lang": Text("日历语言", "Calendar language"),
    "lang_zh": Text("中文", "Chinese"),
    "lang_en": Text("英文", "English"),
    "lang_both": Text("中英双语", "Both"),
    "alarms": Text("提前几天提醒（逗号分隔）", "Reminder days before (comma-separated)"),
    "cycles": Text("显示几年", "Years to show"),
    "more_options": Text(
        "更多选项：日历语言、提前几天提醒、显示几年",
        "More options: calendar language, reminder days, years to show",
    ),
    "official_only": Text("只显示官方文件中的规定", "Only rules found in official texts"),
    "submit": Text("生成日历", "Create calendar"),
    "save": Text("保存修改", "Save changes"),
    "deadlines": Text("截止日期", "Deadlines"),
    "upcoming": Text("接下来的日期（按先后）", "Coming up (in date order)"),
    "none_upcoming": Text(
        "所列周期内没有未来的日期；请更新居住证日期。",
        "No future dates in the projected cycles; update your permit date.",
    ),
    "past": Text("已过去的日期", "Past dates"),
    "col_date": Text("日期", "Date"),
    "col_event": Text("事项", "Event"),
    "col_notes": Text("说明", "Notes"),
    "rest_day": Text("休息日，最迟{0}办理", "rest day: act by {0}"),
    "rest_day_open": Text("休息日，{0}起可办理", "rest day: from {0}"),
    "provisional": Text("暂定", "provisional"),
    "estimate": Text("估计", "estimate"),
    # Not in an official text: whom to ask, as RULES.md "Basis" says (points: 人社 12333;
    # the permit: the citizen hotline 12345 or a community service centre).
    "source_basis": Text("非官方文件所载", "not in an official text"),
    "source_ask_points": Text("请拨打12333核实", "check with the 12333 hotline"),
    "source_ask_permit": Text(
        "请拨打12345或到社区事务受理服务中心核实",
        "check with the 12345 hotline or a community affairs service centre",
    ),
    "subscribe": Text("订阅到日历", "Subscribe"),
    "subscribe_hint": Text(
        "订阅后，规则、节假日或你的信息有变化时，日历会自动更新。",
        "A subscribed calendar updates by itself when the rules, the holiday data or your details change.",
    ),
    "reminder_check": Text(
        "订阅后请确认这个日历的提醒是打开的：有的日历会去掉或不响订阅日历自带的提醒，上面最后一步写了在哪里查看。",
        "After subscribing, check that this calendar's reminders are on: some calendars drop or"
        " ignore a subscribed calendar's own alerts, and the last step above says where to look.",
    ),
    "webcal": Text("订阅（Apple 日历 / Outlook）", "Subscribe (Apple Calendar / Outlook)"),
    "google": Text("添加到 Google 日历", "Add to Google Calendar"),
    "outlook": Text("添加到 Outlook.com", "Add to Outlook.com"),
    "google_note": Text(
        "中国大陆需要代理才能使用 Google。", "Google needs a proxy in mainland China."
    ),
    "feed_url": Text("订阅地址（https）", "Feed address (https)"),
    "copy_label": Text("复制", "Copy"),
    "copied": Text("已复制", "Copied"),
    # The QR code opens the phone page (/p/<feed token>), which shows that phone's steps.
    "qr": Text(
        "用手机扫码，按手机上显示的步骤添加", "Scan with your phone and follow the steps it shows"
    ),
    "download": Text("下载 .ics 文件", "Download the .ics file"),
    "download_note": Text(
        "导入的文件不会自动更新；能订阅时请优先订阅。",
        "An imported file never updates by itself; subscribe when you can.",
    ),
    "your_phone": Text("你的手机", "Your phone"),
    "other_phones": Text("其他手机和日历", "Other phones and calendars"),
    "manage": Text("管理此日历", "Manage this calendar"),
    "manage_link": Text("你的私人管理链接", "Your private manage link"),
    "manage_warning": Text(
        "请收藏此链接，不要分享：凭它可以修改或删除此日历。我们不保存你的姓名、电话或证件号。",
        "Bookmark this link and do not share it: it can change or delete this calendar. We store no name, phone or ID number.",
    ),
    "edit": Text("修改日期或选项", "Change dates or options"),
    "rotate": Text("更换订阅地址", "Change the feed address"),
    "rotate_note": Text(
        "订阅地址泄露时（例如不小心发给了别人）使用：旧地址立即失效，已订阅的手机要用新地址重新订阅；"
        "用 CalDAV 账户的，只需在手机上把密码改成新的。",
        "For when the feed address has leaked (sent to someone by mistake, say): the old"
        " address stops working at once, and subscribed phones must subscribe again with the"
        " new one; with a CalDAV account, only change the password on the phone.",
    ),
    "delete": Text("删除此日历", "Delete this calendar"),
    "delete_confirm": Text("我确认删除", "Yes, delete it"),
    "delete_phone_note": Text(
        "删除后，手机上已订阅的日历不再更新，请在手机日历中手动移除（用 CalDAV 账户的，删除这个账户）。",
        "Once deleted, the calendar your phone subscribed to no longer updates: remove it"
        " in the phone's calendar yourself (or remove the CalDAV account).",
    ),
    "deleted": Text("日历已删除。", "The calendar was deleted."),
    "saved": Text(
        "已保存；订阅的日历会在下次刷新时更新。",
        "Saved; subscribed calendars update at their next refresh.",
    ),
    "rotated": Text("订阅地址已更换。", "The feed address was changed."),
    "renewed": Text(
        "已保存拿到新证的日期，日历已更新。",
        "The day you got the new card is saved; the calendar is updated.",
    ),
    "renewed_unchanged": Text(
        "日历没有变化：你填写的新证（{card}）属于{expiry}到期那次的签注，日历里没有因此改变的日期。",
        "The calendar did not change: the new card you entered ({card}) belongs to the endorsement of the permit expiring on {expiry}, and no date in the calendar depends on it.",
    ),
    "points_question": Text("你有居住证积分吗？", "Do you have points (积分)?"),
    "points_hint": Text(
        "积分用于子女在上海入学、参加中考和高考报名等；没有办过积分的，请选“没有”。",
        "Points (积分) count for children's schooling and 中考 / 高考 registration in Shanghai;"
        " if you never applied for them, choose No.",
    ),
    "points_yes": Text(
        "有：显示积分申报、积分失效和年审的日期",
        "Yes: show the points declaration, lapse and review dates",
    ),
    "points_no": Text(
        "没有：只显示居住证签注的日期", "No: show only the permit's endorsement dates"
    ),
    "card_problem": Text(
        "你填写的拿到新证的日期不属于任何一次签注，日历暂时不使用它；请在下方更正（或清空）：",
        "The date entered for your new card fits no endorsement, so the calendar leaves it out for now; correct (or clear) it below:",
    ),
    "renewed_title": Text("我已拿到新证", "I got my new card"),
    "renewed_note": Text(
        "填写拿到新证的日期：积分申报截止日会按它算准，已用不上的补签提醒会从日历中删除。",
        "Enter the day you got the new card: the points declaration deadline is then counted"
        " from it, and late-endorsement reminders that no longer apply leave the calendar.",
    ),
    "renewed_note_no_points": Text(
        "填写拿到新证的日期：已用不上的补签提醒会从日历中删除。",
        "Enter the day you got the new card: late-endorsement reminders that no longer apply"
        " leave the calendar.",
    ),
    "renewed_date": Text("拿到新证的日期", "Day you got it"),
    "renewed_submit": Text("保存拿到新证的日期", "Save the day you got the new card"),
    "bad_input": Text("输入有误", "Invalid input"),
    "index_h1": Text(
        f"生成你的“{_PAGE_POLICY.feed_name.zh}”日历",
        f"Make your “{_PAGE_POLICY.feed_name.en}” calendar",
    ),
    "created": Text("日历已创建", "Your calendar is ready"),
    "manage_h1": Text(
        f"你的“{_PAGE_POLICY.feed_name.zh}”日历", f"Your “{_PAGE_POLICY.feed_name.en}” calendar"
    ),
    "next_deadline": Text("下一个截止日", "Next deadline"),
    "next_opens": Text("{day}起可以{todo}", "You can {todo} from {day}"),
    "next_do": Text("请{todo}", "Please {todo}"),
    "next_act_by": Text(
        "；{day}是休息日，最迟{act_by}办理",
        "; {day} is a rest day: act by {act_by}",
    ),
    "next_act_by_maybe": Text(
        "；{day}可能是休息日，稳妥起见最迟{act_by}办理",
        "; {day} may be a rest day: to be safe, act by {act_by}",
    ),
    "next_end": Text("。", "."),
    # Where to do it (the page's only mention of the service centres and the online
    # services; the events say it too).
    "next_how_permit": Text(
        # Two short lines on a 360 px phone: the box must leave the phone's main action
        # (the CalDAV copy button on Huawei and vivo) in the first screen.
        "可到社区事务受理服务中心或“随申办”“一网通办”办理；多数人会自动签注并收到短信。",
        "At a community affairs service centre, or online (随申办 / 一网通办); most holders"
        " are endorsed automatically and get an SMS.",
    ),
    "next_how_points": Text(
        "单位未变更的，登录积分系统选择“续办申请”；单位变更的，由新单位登记并提交。",
        "With the same employer, choose 续办申请 in the points system; with a new employer,"
        " the employer registers you and submits.",
    ),
    "lapse_note": Text(
        "积分从这天起失效，直到续办完成；续办在拿到新证后申报，期限见“积分申报截止”。",
        "The points lapse from this day until renewed; the renewal is declared after you get"
        " the new card, by the day of “Points declaration due”.",
    ),
    "add_title": Text("添加到手机日历", "Put it on your phone's calendar"),
    "picker": Text("你的手机", "Your phone"),
    "picker_ask": Text(
        "选择你的手机，这里会显示对应的添加方法。",
        "Choose your phone to see how to add the calendar.",
    ),
    "webcal_button": Text("订阅这个日历", "Subscribe to this calendar"),
    "page_link": Text("本页链接", "This page's link"),
    "other_ways": Text(
        "其他方式：订阅链接、二维码、CalDAV 账户、下载文件",
        "Other ways: links, QR code, CalDAV account, file download",
    ),
    "all_dates": Text("全部日期", "All dates"),
    "legend_provisional": Text(
        "该年的国务院节假日安排尚未公布，日期或是否为工作日可能变动。",
        "That year's State Council holiday notice is not out yet: the date, or whether it is a working day, may change.",
    ),
    "legend_estimate": Text(
        "还没有填写拿到新证的日期，按到期日当天拿到推算；拿到新证后请在“我已拿到新证”中填写。",
        "The day you get the new card is not entered yet, so this assumes the expiry date; enter it under “I got my new card” once you have it.",
    ),
    "legend_source": Text(
        "这条规则只见于本站依据的来源指南，没有在官方文件中找到：积分的问题请拨打12333（人社服务热线）核实，"
        "居住证和签注的问题请拨打12345（市民服务热线）或到社区事务受理服务中心核实。",
        "Only the source guide this site follows states this rule; it was not found in an"
        " official text. Check points questions with 12333 (the human resources hotline), and"
        " permit and endorsement questions with 12345 (the citizen hotline) or a community"
        " affairs service centre.",
    ),
    "legend_sources_link": Text("规则出处", "Where the rules come from"),
    "rest_day_open_maybe": Text("可能是休息日，{0}起可办理", "may be a rest day: from {0}"),
    "rest_day_maybe": Text(
        "可能是休息日，稳妥起见最迟{0}办理",
        "may be a rest day: to be safe, act by {0}",
    ),
    "in_app_title": Text("请在浏览器中打开本页", "Open this page in your browser"),
    "in_app_why": Text(
        "{app}内置的浏览器不能订阅或下载日历。",
        "{app}'s built-in browser cannot subscribe to or download a calendar.",
    ),
    "in_app_ios": Text(
        "点右上角“···”，选择“在 Safari 中打开”。",
        "Tap ··· at the top right and choose Open in Safari (在 Safari 中打开).",
    ),
    "in_app_android": Text(
        "点右上角“···”，选择“在浏览器打开”。",
        "Tap ··· at the top right and choose Open in browser (在浏览器打开).",
    ),
    "in_app_copy": Text(
        "或者复制本页链接，粘贴到手机自带的浏览器：",
        "Or copy this page's link and paste it into your phone's own browser:",
    ),
    "in_app_qr": Text(
        "也可以用另一部手机扫码，在那部手机上添加：",
        "Or scan this code with another phone to add the calendar there:",
    ),
    "in_app_form": Text(
        "在{app}里可以生成日历，但订阅要在手机自带的浏览器中完成。",
        "You can create the calendar here in {app}, but subscribing needs your phone's own browser.",
    ),
    "in_app_step": Text("在浏览器中打开本页后，", "Once this page is open in your browser, "),
    # Which date to type, in the words of the places a holder reads it (issue #17).
    "date_hint": Text(
        "到期日印在居住证上，也可以在随申办或一网通办的电子居住证里查看。",
        "The expiry date is printed on the card and shown on the electronic permit in the Suishenban or Yiwangtongban app.",
    ),
    # The one-tap offer under an issue date no card can carry.
    "use_as_expiry": Text("把{date}作为到期日计算", "Use {date} as the expiry date"),
    # Every page built from input repeats it, so a date in the wrong field shows at once.
    "entered_from": Text(
        "按你填写的{kind}{date}{card}计算", "Calculated from the {kind} you entered, {date}{card}"
    ),
    # The phone page, opened from the QR code on a computer's manage page.
    "phone_h1": Text("把居住证日历添加到这部手机", "Add the permit calendar to this phone"),
    "phone_read_only": Text(
        "这一页只用来添加日历，不能修改或删除它：修改日期请回到电脑上的管理页面。",
        "This page only adds the calendar; it cannot change or delete it. To change a date, go back to the manage page on your computer.",
    ),
    "kind_expires": Text("到期日", "expiry date"),
    "kind_issued": Text("签发（或签注生效）日期", "date issued (or endorsed)"),
    "entered_card": Text("和拿到新证的日期{date}", ", and the new card received {date}"),
    "entered_fix": Text("日期不对？去修改", "Wrong date? Change it"),
    "csrf_lost": Text(
        "页面已过期（停留太久或 Cookie 被清除），你填的内容还在，请再提交一次。",
        "This page expired (open too long, or cookies were cleared). What you typed is kept: submit again.",
    ),
    "too_many": Text(
        "提交太频繁了，请{minutes}分钟后再试。你填的内容还在。",
        "Too many calendars created from here; try again in {minutes} minute(s). What you typed is kept.",
    ),
    "too_many_plain": Text("请求太频繁了，请稍后再试。", "Too many requests; try again later."),
    "not_found_title": Text("找不到这个页面", "Page not found"),
    "not_found": Text(
        "链接可能有误，或这个日历已被删除。",
        "The link may be wrong, or this calendar was deleted.",
    ),
    "method_not_allowed": Text("不支持这种请求。", "This kind of request is not supported here."),
    "too_large": Text("提交的内容太大。", "What was sent is too large."),
    "bad_request": Text("请求无效。", "The request is not valid."),
    "disclaimer": Text(
        "日期根据上海的官方文件、一份公开的来源指南和国务院节假日安排计算，仅供提醒，以官方通知为准。",
        "Dates follow Shanghai's official texts, a public source guide and the State Council's"
        " holiday notices; reminders only, official notices prevail.",
    ),
    "about_link": Text("关于本站 / 隐私", "About / privacy"),
    "notices_known": Text(
        "国务院节假日安排已收录至{year}年，之后年份的日期为暂定。",
        "Holiday notices are known through {year}; dates in later years are provisional.",
    ),
    "error": Text("出错了", "Something went wrong"),
    "unavailable": Text(
        "服务暂时不可用，请稍后再试。",
        "The service is temporarily unavailable; try again shortly.",
    ),
    "not_set_up": Text(
        "服务还没有设置好（数据库未初始化），暂时无法保存或读取日历。请联系运行这个网站的人。",
        "The service is not set up yet (its database has no tables), so calendars cannot be"
        " saved or read. Please tell whoever runs this site.",
    ),
    "internal": Text("内部错误，请稍后再试。", "Internal error; try again later."),
    "conflict": Text(
        "这个订阅正被同时修改，请重新打开后再试。",
        "This subscription is being changed at the same time; reload it and try again.",
    ),
    "back": Text("返回首页", "Back to the start page"),
    "caldav": Text("CalDAV 账户（华为、vivo、荣耀等）", "CalDAV account (Huawei, vivo, Honor, …)"),
    "caldav_intro": Text(
        "不能订阅网址的手机，可在系统设置中添加 CalDAV 账户，日历同样会自动更新。此账户只读。",
        "Phones that cannot subscribe to a URL can add a CalDAV account in their settings; it updates by itself too. The account is read-only.",
    ),
    "caldav_server": Text("服务器地址", "Server"),
    "caldav_username": Text("用户名", "User name"),
    "caldav_password": Text("密码", "Password"),
    "caldav_full_url": Text(
        "如要求填写完整地址，请用", "If a full calendar address is asked for, use"
    ),
    "caldav_rotate_note": Text(
        "更换订阅地址后，密码也会改变，需要在手机上更新。",
        "Changing the feed address also changes this password; update it on the phone.",
    ),
}


# The apps whose built-in browsers permitcal.web.page.devices recognises, as their users call
# them: the page names the app the visitor is in, never "this app" or another app.
APP_NAMES: dict[str, Text] = {
    "wechat": Text("微信", "WeChat"),
    "wecom": Text("企业微信", "WeCom"),
    "qq": Text("QQ", "QQ"),
    "weibo": Text("微博", "Weibo"),
    "alipay": Text("支付宝", "Alipay"),
    "douyin": Text("抖音", "Douyin"),
    "feishu": Text("飞书", "Feishu"),
}


def ui_lang() -> UiLang:
    """The page language: ``?ui=en`` in the URL (forms post to such URLs), else Chinese."""
    # Only the query string: reading a form here could re-raise a body-size error.
    if has_request_context() and request.args.get("ui") == "en":
        return "en"
    return "zh"


def ui_text(key: str, lang: UiLang) -> str:
    return UI[key].get(lang)


# How dates are written in each language; messages.py sends the same patterns to the
# browser, and the weekday names are the policy's own (Monday first).
DATE_FORMAT = {"zh": "{year}年{month}月{day}日", "en": "{day} {month} {year}"}
MONTHS = {
    "zh": [str(month) for month in range(1, 13)],
    # Spelled out rather than strftime("%B"), which follows the process locale.
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
}  # fmt: skip


def format_day(day: dt.date, lang: UiLang, weekday: bool = True) -> str:
    """A date as a person reads it: 2027年6月1日（星期二） / Tuesday 1 June 2027."""
    text = DATE_FORMAT[lang].format(year=day.year, month=MONTHS[lang][day.month - 1], day=day.day)
    if not weekday:
        return text
    name = WEEKDAYS[day.weekday()].get(lang)
    return f"{name} {text}" if lang == "en" else f"{text}（{name}）"
