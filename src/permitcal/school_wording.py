"""The school track's sentences, Chinese and English, kept apart from the logic that dates them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from permitcal.policy import Text
from permitcal.policy.model import WEEKDAYS
from permitcal.school_data import FIRMNESS, Checkpoint

__all__ = [
    "CATEGORY",
    "W",
    "checkpoint_text",
    "day",
    "day_weekday",
    "estimate_mark",
    "join",
    "source_line",
]

CATEGORY = Text("子女入学", "School")


def day(date: dt.date) -> Text:
    """A date as each language writes it: 2027年4月14日, 2027-04-14."""
    return Text(f"{date.year}年{date.month}月{date.day}日", date.isoformat())


def day_weekday(date: dt.date) -> Text:
    """A date with its weekday, for a day to act by."""
    weekday = WEEKDAYS[date.weekday()]
    return Text(f"{day(date).zh}（{weekday.zh}）", f"{date.isoformat()} ({weekday.en})")


class W:
    """Every sentence of a school event; ``{…}`` filled by :meth:`Text.format`."""

    range = Text("{what}：{start}至{end}", "{what}: {start} to {end}")
    single = Text("{what}：{start}", "{what}: {start}")
    checks_permit = Text(
        "查验：父母一方的居住证须在有效期内。",
        "Checked: one parent's residence permit must be valid.",
    )
    checks_points = Text(
        "查验：父母一方的居住证须在有效期内，且积分达到标准分值（120分）。",
        "Checked: one parent's residence permit must be valid and its points at the "
        "standard score (120).",
    )
    checks_nothing = Text(
        "这一天本身不查验证件，列出供安排参考。",
        "Nothing is checked on this day itself; it is listed to plan by.",
    )
    points_priority = Text(
        "积分：{stage}不以积分为报名条件；持有效居住证且积分达标可排在更优先的顺序（各区规定不同）。",
        "Points: {stage} does not require them; a valid permit with points at standard "
        "gives a better priority (districts differ).",
    )
    points_required = Text(
        "积分：{stage}要求父母一方积分达到标准分值；积分在居住证到期次日起失效，直到续办。",
        "Points: {stage} requires one parent's points at the standard score; they lapse "
        "the day after the permit expires until they are renewed.",
    )
    estimated = Text(
        "按往年估计：{year}年的通知尚未收录，日期由{source}年的日期移到同一周的同一星期几，"
        "以正式通知为准。",
        "Estimated from {source}: the {year} notice is not in the data yet; the {source} "
        "dates are moved to the same weekday of the same week. The notice decides.",
    )
    district = Text(
        "这一日期只见于{district}的通知；其他区的安排可能不同。",
        "Only {district}'s notice gave this date; other districts may differ.",
    )
    check_notice = Text(
        "各区安排不同：以孩子所在区教育局的通知为准。",
        "Districts differ: the notice of the child's district decides.",
    )
    source = Text("来源（{firmness}）：{title}", "Source ({firmness}): {title}")
    marker_estimate = Text("（按往年估计）", " (est. from {source})")
    watch_title = Text("留意{year}年{stage}通知", "Watch for the {year} {stage} notice")
    watch_body = Text(
        "{what}。具体日期尚未收录（从未找到公布的日期），本提醒只标出通常的月份："
        "请留意通知，公布后按通知办理。",
        "{what}. No date is in the data (none was found published); this reminder only "
        "marks the usual month: watch for the notice and follow it.",
    )
    warn_permit_title = Text("{who}{stage}前先签注", "{who}Endorse before {stage}")
    warn_points_title = Text("{who}{stage}前续办积分", "{who}Renew points before {stage}")
    who_prefix = Text("【{label}】", "[{label}] ")
    the_permit = Text("居住证", "The permit")
    named_permit = Text("居住证（{label}）", "The permit of {label}")
    warn_permit_lead = Text(
        "最迟{act_by}完成签注：{start}开始{what}{est}。",
        "Endorse by {act_by} at the latest: {what} starts {start}{est}.",
    )
    warn_permit_tight = Text(
        "签注窗口{opens}才开启，请在当天签注：{what}{start}已开始{est}，"
        "其中{expiry}以后的日子居住证须已续签。",
        "The renewal window opens only on {opens}: endorse that day. {what} starts "
        "{start}{est}, and on its days after {expiry} the permit must already be renewed.",
    )
    warn_points_lead = Text(
        "最迟{endorse_by}完成签注，{declare_by}前提交积分续办：{start}开始{what}{est}，须积分达标。",
        "Endorse by {endorse_by} and file the points renewal by {declare_by}: {what} "
        "starts {start}{est} and needs the points at standard.",
    )
    warn_points_tight = Text(
        "签注窗口{opens}才开启，请当天签注并尽快续办积分：{start}开始{what}{est}，时间很紧；"
        "如来不及，请向12333咨询。",
        "The renewal window opens only on {opens}: endorse that day and renew the points "
        "at once; {what} starts {start}{est}, which is tight. If it cannot be done in time, "
        "ask the 12333 hotline.",
    )
    warn_why = Text(
        "{permit}{expiry}到期，落在{stage}季（{opens}至{last}）：各环节都会查验居住证是否在有效期内，"
        "逾期补签期间居住证中止使用，可能让孩子错过这一年。",
        "{permit} expires on {expiry}, inside the {stage} season ({opens} to {last}): every "
        "step checks that the permit is valid, and a late endorsement leaves it suspended "
        "meanwhile, which can cost the child a year.",
    )
    warn_points_why = Text(
        "积分在{lapse}起失效，直到签注后续办；积分系统约需2–3个工作日才能看到签注，"
        "这里按3个工作日留出。",
        "The points lapse from {lapse} until renewed after the endorsement; the points "
        "system may need 2–3 working days to see the endorsement, so 3 are allowed here.",
    )
    no_points = Text(
        "{stage}要求积分达到标准分值，这张居住证没有登记积分。",
        "{stage} requires points at the standard score, and this permit has no points recorded.",
    )
    checkpoints_heading = Text("需要居住证有效的环节：", "Steps that need the permit valid:")
    provisional = Text(
        "{years}年的节假日安排尚未公布：按可能的休息日从严计算，公布后可能改为更晚的日子，不会更早。",
        "The {years} holiday notice is not out yet: every day that may be off counts as off; "
        "once it is out the day may move later, never earlier.",
    )
    safe_rule = Text(
        "办理日按居住证期限的同一规则计算：遇休息日提前到之前最后一个工作日。",
        "The day to act is counted as for the permit's own deadlines: a rest day moves it "
        "to the last working day before.",
    )


def estimate_mark(estimated_from: int | None) -> Text:
    if estimated_from is None:
        return Text("", "")
    return W.marker_estimate.format(source=estimated_from)


def checkpoint_text(c: Checkpoint, estimated_from: int | None) -> Text:
    template = W.single if c.start == c.end else W.range
    line = template.format(what=c.what, start=day(c.start), end=day(c.end))
    return Text(
        line.zh + estimate_mark(estimated_from).zh, line.en + estimate_mark(estimated_from).en
    )


def source_line(firmness: str, title: str, url: str | None) -> Text:
    full = title if url is None else f"{title} {url}"
    return W.source.format(firmness=FIRMNESS[firmness], title=full)


def join(parts: Sequence[Text]) -> Text:
    return Text("\n\n".join(p.zh for p in parts), "\n\n".join(p.en for p in parts))
