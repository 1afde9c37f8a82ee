"""How Shanghai's events are worded: notes, reminder texts, headings, weekday names.

The display templates apart from the rules (shanghai.py): a change of wording
is a change here, and a change of rule never needs one.
"""

from __future__ import annotations

from permitcal.policy.model import WEEKDAYS, Text, Wording

__all__ = ["SHANGHAI_WORDING"]

SHANGHAI_WORDING = Wording(
    # Whom to ask, as RULES.md "Basis" says: the permit's questions go to the citizen
    # hotline or a service centre, the points' to the human resources hotline.
    source_note=Text(
        "依据：来源指南所述，未见于官方文件。请拨打12345（市民服务热线）或到社区事务受理服务中心核实。",
        "Basis: stated by the source guide but not found in official texts. Check with the "
        "12345 citizen hotline or a community affairs service centre.",
    ),
    source_note_points=Text(
        "依据：来源指南所述，未见于官方文件。请拨打12333（人社服务热线）核实。",
        "Basis: stated by the source guide but not found in official texts. Check with the "
        "12333 human resources and social security hotline.",
    ),
    official_note=Text(
        "依据：官方规定，多方来源一致。",
        "Basis: official; confirmed by several independent sources.",
    ),
    rest_day_deadline=Text(
        "请最迟在{nearest}（{weekday}）办理：{date}是休息日，受理中心不办公，期限也不会顺延。",
        "Act by {nearest} ({weekday}): {date} is a rest day; service centres are closed and "
        "the deadline is not extended.",
    ),
    maybe_rest_day_deadline=Text(
        "请最迟在{nearest}（{weekday}）办理：{date}可能是休息日（节假日安排尚未公布），"
        "受理中心可能不办公，期限也不会顺延。",
        "Act by {nearest} ({weekday}): {date} may be a day off (the holiday schedule is not "
        "yet published), when service centres are closed, and the deadline is not extended.",
    ),
    rest_day_opening=Text(
        "注意：{date}是休息日，受理中心不办公；之后第一个工作日是{nearest}（{weekday}）。",
        "Note: {date} is a rest day and service centres are closed; the first working day "
        "on or after it is {nearest} ({weekday}).",
    ),
    maybe_rest_day_opening=Text(
        "注意：{date}可能是休息日（节假日安排尚未公布）；之后第一个确定办公的工作日是"
        "{nearest}（{weekday}）。",
        "Note: {date} may be a day off (the holiday schedule is not yet published); the first "
        "day on or after it that is surely a working day is {nearest} ({weekday}).",
    ),
    act_on_receipt=Text(
        "请从{card}起，在积分系统显示签注结果后尽快申报：{date}之前哪些日子放假尚不确定，"
        "能确定可以办理的最后一个工作日早于你拿到新证的日子（{card}）。",
        "Declare from {card}, as soon as the points system shows the endorsement: which days "
        "before {date} are off is not known yet, and the last day surely open falls before "
        "you got the new card ({card}).",
    ),
    provisional_date=Text(
        "暂定：国务院{year}年节假日安排尚未公布。此日期按最稳妥的方式推算（宁早勿晚，"
        "不会比公布后的日期更晚），公布后可能改变（订阅的日历会自动更新）。",
        "Provisional: the State Council has not yet published the {year} holiday schedule. "
        "This date is counted the safe way (never later than the schedule can make it) "
        "and may change once the schedule is out (subscribed calendars update by themselves).",
    ),
    provisional_rest_day=Text(
        "{year}年节假日安排尚未公布：可能放假的日子都按休息日计，办理日宁早勿晚；日期本身由规则确定。",
        "The {year} holiday schedule is not yet published: every day that may become a day "
        "off counts as one, so the day to act is never later than it will be; the date "
        "itself is fixed by the rule.",
    ),
    provisional_opening=Text(
        "{year}年节假日安排尚未公布：这里只把确定办公的日子当作工作日；日期本身由规则确定。",
        "The {year} holiday schedule is not yet published: only days that are surely working "
        "days count as such here; the date itself is fixed by the rule.",
    ),
    today=Text("今天", "today"),
    act_by_day=Text("在{date}（{weekday}）", "{date} ({weekday})"),
    reminder_title=Text("还有{days}天：{title}", "{days} days left: {title}"),
    reminder_title_one_day=Text("还有1天：{title}", "1 day left: {title}"),
    reminder_description=Text(
        "提醒：{title}。最迟在{act_by}（{weekday}）办理，还有{count}。\n{action}",
        "Reminder: {title}. Act by {act_by} ({weekday}), {count} from now.\n{action}",
    ),
    days_count=Text("{days}天", "{days} days"),
    one_day_count=Text("1天", "1 day"),
    reminder_rest_day=Text(
        "{date}是休息日，受理中心不办公，期限也不顺延，所以要在此前最后一个工作日{act_by}办理。",
        "{date} is a rest day: service centres are closed and the deadline is not extended, "
        "so the last working day before it, {act_by}, is the day to act by.",
    ),
    reminder_maybe_rest_day=Text(
        "{date}可能是休息日（节假日安排尚未公布），期限也不顺延，"
        "所以要在此前最后一个确定办公的工作日{act_by}办理。",
        "{date} may be a day off (the holiday schedule is not yet published) and the deadline "
        "is not extended, so the last day before it that is surely a working day, {act_by}, "
        "is the day to act by.",
    ),
    reminder_on_receipt=Text(
        "{date}之前哪些日子放假尚不确定，所以请从拿到新证的{act_by}起，在积分系统显示签注结果后尽快申报。",
        "Which days before {date} are off is not known yet, so declare from {act_by}, the day "
        "you got the new card, as soon as the points system shows the endorsement.",
    ),
    reminder_provisional=Text(
        "暂定：节假日安排尚未公布，办理日按最稳妥的方式推算，公布后可能改变。",
        "Provisional: the holiday schedule is not yet published; the day to act is counted "
        "the safe way and may change once it is.",
    ),
    weekdays=WEEKDAYS,
    references_heading=Text("参考：", "References:"),
    cycle_line=Text(
        "所属周期：{expiry}到期的居住证及其签注。",
        "Cycle: the permit expiring on {expiry} and its endorsement.",
    ),
    checklist_declared=Text(
        "你申报的变更及需要补充的材料：", "The changes you declared and what to bring:"
    ),
    checklist_if_changed=Text(
        "如自上次签注以来以下信息有变更，需要补充材料：",
        "If any of these changed since the last endorsement, bring:",
    ),
    card_received_line=Text("拿到新证的日期：{date}。", "New card received on {date}."),
)
