"""The page's words for a child's school steps (issue #20): the optional step, the list of
steps, and the clash warnings above the calendar buttons."""

from __future__ import annotations

from permitcal.policy import Text

__all__ = ["SCHOOL_TEXTS"]

SCHOOL_TEXTS: dict[str, Text] = {
    "school_title": Text(
        "孩子今年或明年要入学/升学吗？", "Is a child starting school or an exam this year or next?"
    ),
    "school_note": Text(
        "幼儿园、小学、初中入学和中考、高考报名时都要查验父母的居住证是否有效。选好阶段和年份，"
        "日历会加上这些环节的日子；居住证在这期间到期时，会提醒你最迟哪天签注。"
        "日期来自往年通知的，会注明“按往年估计”；各区安排不同，以区教育局的通知为准。",
        "Kindergarten, primary and junior-high entry and the zhongkao and gaokao registrations"
        " all check that a parent's residence permit is valid. Choose the stage and year: the"
        " calendar gets those steps' dates, and when a permit expires in that season, the day"
        " to endorse it by. Dates taken from an earlier year's notice are marked as estimates;"
        " districts differ, so the district's notice decides.",
    ),
    "school_open": Text("选择孩子的入学/升学", "Choose the child's school step"),
    "school_stage": Text("哪一步", "Which step"),
    "school_year": Text("哪一年", "Which year"),
    "school_permits": Text("看哪些居住证", "Which permits it depends on"),
    "school_permits_hint": Text(
        "孩子入学时要查验的父母居住证（只限上海居住证）。",
        "The parents' permits the school checks (Shanghai permits only).",
    ),
    "school_submit": Text("加入日历", "Add to the calendar"),
    "school_list": Text("日历里的入学/升学", "School steps in this calendar"),
    "school_step": Text("{year}年 {stage}", "{stage}, {year}"),
    "school_remove": Text("删除", "Remove"),
    "school_remove_label": Text("删除{year}年 {stage}", "Remove {stage}, {year}"),
    "school_edit": Text("修改", "Change"),
    "school_edit_label": Text("修改{year}年 {stage}", "Change {stage}, {year}"),
    "school_saved": Text(
        "已修改这个入学/升学步骤；订阅的日历会在下次刷新时更新。",
        "The school step was changed; subscribed calendars update at their next refresh.",
    ),
    "school_added": Text(
        "已把入学/升学的日子加入日历；订阅的日历会在下次刷新时更新。",
        "The school step was added; subscribed calendars update at their next refresh.",
    ),
    "school_removed": Text(
        "已删除这个入学/升学步骤；订阅的日历会在下次刷新时更新。",
        "The school step was removed; subscribed calendars update at their next refresh.",
    ),
    "school_no_shanghai": Text(
        "入学日期只适用于上海居住证，这个日历里没有上海居住证。",
        "The school dates need a Shanghai permit, and this calendar has none.",
    ),
    # The clash warnings, above the calendar buttons.
    "school_warnings_title": Text("孩子入学/升学前要注意", "Before the child's school steps"),
    "school_warning_whose": Text("{label}的居住证", "{label}'s permit"),
    "school_warning_yours": Text("你的居住证", "Your permit"),
    "school_warning_expires": Text("{date}到期", "expires {date}"),
}
