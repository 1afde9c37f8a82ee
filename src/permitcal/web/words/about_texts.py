"""The about page's words: who runs this instance, where the rules come from, what is stored."""

from __future__ import annotations

from permitcal.policy import Text

__all__ = ["ABOUT_TEXTS"]

ABOUT_TEXTS: dict[str, Text] = {
    # The about page (about.html): who runs this instance, whom to ask, where the rules
    # come from, what is stored and for how long. Every sentence must stay true of
    # what the code does (store.py deletes the row; nothing expires by itself).
    "about_h1": Text("关于本站 / 隐私", "About this site / privacy"),
    "about_who": Text("谁在运行本站", "Who runs this site"),
    "about_operator": Text("本站由{name}运行。", "This site is run by {name}."),
    "about_contact": Text("联系方式：", "Contact: "),
    "about_no_contact": Text(
        "运行本站的人没有留下联系方式。", "Whoever runs this site has given no contact."
    ),
    "about_software": Text(
        "本站使用开源软件 permitcal。", "This site runs permitcal, open-source software."
    ),
    "about_project": Text("源代码和问题反馈：", "Source code and issue tracker: "),
    "about_not_government": Text(
        "本站不是政府网站，与上海市的政府部门没有关系。",
        "This is not a government site and has no link with Shanghai's authorities.",
    ),
    "about_ask": Text("日期有误或有疑问，找谁", "If a date looks wrong, whom to ask"),
    "about_ask_permit": Text(
        "居住证和签注的问题：拨打12345（上海市民服务热线），或到任一社区事务受理服务中心咨询。",
        "The permit and its endorsement: call 12345 (the Shanghai citizen hotline) or ask at"
        " any community affairs service centre (社区事务受理服务中心).",
    ),
    "about_ask_points": Text(
        "积分的问题：拨打12333（人社服务热线）。",
        "Points (积分): call 12333 (the human resources and social security hotline).",
    ),
    "about_ask_site": Text(
        "觉得本站算错了：请告诉本站的运行者（联系方式见上）。",
        "If you think this site got a date wrong: tell whoever runs it (contact above).",
    ),
    "about_ask_project": Text(
        "觉得本站算错了：请到上面的源代码和问题反馈网址说明。",
        "If you think this site got a date wrong: report it at the issue tracker above.",
    ),
    "about_where": Text("在哪里办理签注", "Where to endorse the permit"),
    "about_where_text": Text(
        "到任一社区事务受理服务中心，或在“随申办”App、“一网通办”网站上办理。"
        "多数持证人会被自动签注并收到短信：请核对短信或在网上查询，不要想当然。",
        "At any community affairs service centre (社区事务受理服务中心), or online in the"
        " 随申办 app or on 一网通办. Most holders are endorsed automatically and get an SMS:"
        " check the SMS or look it up online rather than assume.",
    ),
    "about_sources": Text("规则从哪里来", "Where the rules come from"),
    "about_official": Text(
        "官方文件和办事网站（链接是发布机关的网站，在网站中按标题搜索可找到全文）：",
        "Official texts and services (each link is the issuing body's site; search it for"
        " the title to find the full text):",
    ),
    "about_guide": Text(
        "来源指南：一份公开的上海居住证签注及积分续办指南，本站的规则据此整理。"
        "其中几条（页面上标有“非官方文件所载”）没有在官方文件中找到，请按上面的电话核实；"
        "日历里每个事项的说明都写明了依据。",
        "The source guide: a public guide to endorsing the Shanghai residence permit and"
        " renewing its points, which this site's rules follow. A few of its rules (marked"
        " “not in an official text” on the page) were not found in any official text: check"
        " them by the numbers above. Every event in the calendar states its basis.",
    ),
    "about_holidays": Text(
        "工作日和休息日：国务院办公厅每年发布的节假日安排通知，已收录至{year}年。",
        "Working days and days off: the State Council's yearly holiday notices, known"
        " through {year}.",
    ),
    "about_stored": Text("本站保存什么", "What this site stores"),
    "about_stored_dates": Text(
        "为了生成你的日历，本站保存：你填写的居住证日期和拿到新证的日期、勾选的变更事项、"
        "各项选项（日历语言、提醒天数、显示几年、有没有积分、是否只显示官方规定），"
        "以及创建和最后修改的时间。",
        "To make your calendar, this site stores the permit dates you entered and the day"
        " you got the new card, the changes you ticked, your options (calendar language,"
        " reminder days, years shown, whether you have points, official rules only), and"
        " when the calendar was created and last changed.",
    ),
    "about_stored_not": Text(
        "不保存姓名、电话或证件号，也不需要注册。",
        "No name, phone number or ID number is stored, and there is no sign-up.",
    ),
    "about_stored_tokens": Text(
        "订阅地址和管理链接中的密钥只以无法还原的摘要保存：即使数据库泄露，也不能从中得到你的链接。",
        "The secrets in your feed address and manage link are stored only as digests that"
        " cannot be turned back: even a leaked database gives nobody your links.",
    ),
    "about_stored_logs": Text(
        "服务器的访问日志记录时间、IP 地址、浏览器和访问的网址；网址中的密钥已隐去。",
        "The server's access log records the time, IP address, browser and the address"
        " visited, with the secrets in addresses blanked out.",
    ),
    "about_stored_cookie": Text(
        "页面只用一个防止表单被冒用的 Cookie；没有统计、广告或第三方代码。",
        "The pages set one cookie, which protects the forms; there is no analytics,"
        " advertising or third-party code.",
    ),
    "about_kept": Text("保存多久", "For how long"),
    "about_kept_text": Text(
        "你的日历一直保存，直到你删除它；本站不会自动删除。删除时，数据库中的记录立即删除。"
        "运行者的数据库备份中可能还留有副本，直到备份被删除；日志保存多久也由运行者决定。",
        "Your calendar is kept until you delete it; this site deletes nothing by itself."
        " Deleting removes its record from the database at once. The operator's database"
        " backups may still hold a copy until they are deleted, and how long logs are kept"
        " is up to the operator.",
    ),
    "about_secret": Text("订阅地址要保密", "Keep the feed address secret"),
    "about_secret_text": Text(
        "任何拿到你的订阅地址（或 CalDAV 密码）的人，都能看到日历里的这些日期，请不要公开。"
        "订阅时，这个地址会交给你的日历服务（如 iCloud、Outlook、Google）保存。"
        "地址泄露时，在管理页点“更换订阅地址”，旧地址立即失效。"
        "管理链接可以修改和删除日历，更要保管好。",
        "Anyone who has your feed address (or CalDAV password) can read the dates in the"
        " calendar: do not make it public. Subscribing hands the address to your calendar"
        " service (iCloud, Outlook, Google, …). If it leaks, use “Change the feed address” on"
        " the manage page: the old address stops working at once. The manage link can change"
        " and delete the calendar: keep it even safer.",
    ),
    "about_delete": Text("怎样删除", "How to delete"),
    "about_delete_text": Text(
        "打开你的管理链接，在“删除此日历”处勾选“我确认删除”，再点“删除此日历”。"
        "然后在手机日历中手动移除已订阅的日历（用 CalDAV 账户的，删除这个账户）：它不再更新，但不会自己消失。"
        "管理链接丢失后无法找回：本站只保存它的摘要，也不知道哪个日历是你的。",
        "Open your manage link, tick “Yes, delete it” under “Delete this calendar” and press"
        " “Delete this calendar”. Then remove the subscribed calendar in your phone's calendar"
        " (or the CalDAV account): it stops updating but does not go away by itself. A lost manage link cannot be recovered:"
        " this site keeps only its digest and cannot tell which calendar is yours.",
    ),
}
