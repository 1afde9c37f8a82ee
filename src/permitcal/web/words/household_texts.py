"""The page's words for a household: adding, listing and removing family members' permits."""

from __future__ import annotations

from permitcal.policy import Text

__all__ = ["HOUSEHOLD_TEXTS"]

HOUSEHOLD_TEXTS: dict[str, Text] = {
    # A household: several permits in one calendar (RULES.md, "Several permits in one calendar").
    "family_title": Text("添加家人的居住证", "Add a family member's permit"),
    "family_note": Text(
        "爱人、孩子的居住证也可以放进这个日历：各自的日期都会列出来，日程标题以“【孩子】”这样的称呼开头，"
        "一看就知道是谁的。一个日历最多放{max}张。",
        "Your spouse's or child's permit can go in this calendar too: each one's dates are"
        " listed, and event titles start with its name, such as “[Child]”, so you see at once"
        " whose it is. One calendar holds up to {max} permits.",
    ),
    "family_open": Text("填写家人的居住证", "Enter a family member's permit"),
    "family_full": Text(
        "这个日历已有{max}张居住证，是一个日历能放的最多数量。要再添加，请先删除一张，或为其他家人另外生成一个日历。",
        "This calendar already holds {max} permits, the most one calendar can hold. To add"
        " another, remove one first, or make a separate calendar.",
    ),
    "label_question": Text("这张居住证是谁的", "Whose permit is it"),
    "label_hint": Text(
        "最多{max}个字，例如：妈妈、孩子", "At most {max} characters, for example: Mom, Child"
    ),
    "first_label_question": Text(
        "日历里原有的那张居住证是谁的", "Whose is the permit already in this calendar"
    ),
    "first_label_hint": Text(
        "有几张居住证时，每张都要写上是谁的。", "With several permits, each needs a name."
    ),
    "first_label_default": Text("我", "Me"),
    "add_submit": Text("添加这张居住证", "Add this permit"),
    "permit_added": Text(
        "已添加这张居住证；订阅的日历会在下次刷新时更新。",
        "The permit was added; subscribed calendars update at their next refresh.",
    ),
    "permit_removed": Text(
        "已删除这张居住证；订阅的日历会在下次刷新时更新。",
        "The permit was removed; subscribed calendars update at their next refresh.",
    ),
    "permits_title": Text("日历里的居住证", "Permits in this calendar"),
    "permit_edit": Text("修改", "Change"),
    "permit_renewed": Text("我已拿到新证", "Got the new card"),
    "permit_remove": Text("删除这张", "Remove"),
    "remove_confirm": Text("我确认删除“{label}”的居住证", "Yes, remove the permit “{label}”"),
    "remove_note": Text(
        "只有这张居住证的日期会从日历中删除，其他居住证的日期不变。",
        "Only this permit's dates leave the calendar; the other permits' dates stay as they are.",
    ),
    "remove_submit": Text("删除这张居住证", "Remove this permit"),
    "remove_last": Text(
        "这是日历里唯一的一张居住证；不再需要时，请删除整个日历。",
        "This is the only permit in the calendar; if you no longer need it, delete the calendar.",
    ),
    "renewed_whose": Text("谁拿到了新证", "Whose new card is it"),
    "edit_options": Text("修改日历选项", "Change the calendar's options"),
    "edit_options_note": Text(
        "每张居住证的日期，请在上面“日历里的居住证”中修改。",
        "Change each permit's dates above, under “Permits in this calendar”.",
    ),
}
