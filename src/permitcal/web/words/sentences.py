"""Every input error's sentence in Chinese and English, by the library's reason."""

from __future__ import annotations

from permitcal.policy import Text

__all__ = ["SENTENCES"]

# One (Chinese, English) sentence per reason; some reasons have variants
# ("reason/variant", chosen by _variant). {field} is the field's name; the
# other placeholders are the error's params, shown by _shown.
SENTENCES: dict[str, Text] = {
    "invalid": Text("{field}：无法使用填写的内容。", "{field}: this value cannot be used."),
    "required": Text("{field}：此项不能为空。", "{field}: this cannot be empty."),
    "required/date": Text("{field}：请填写日期。", "{field}: enter a date."),
    "issued_or_expires": Text(
        "{field}：请填写签发日期或到期日。",
        "{field}: enter the date the permit was issued or its expiry date.",
    ),
    "both_anchors": Text(
        "{field}：签发日期和到期日只能填一个。",
        "{field}: give either the date issued or the expiry date, not both.",
    ),
    "not_a_date": Text(
        "{field}：“{text}”不是日期，请按“年-月-日”填写，例如 2023-06-01。",
        "{field}: “{text}” is not a date; write it as year-month-day, e.g. 2023-06-01.",
    ),
    "not_a_date/no_text": Text(
        "{field}：请按“年-月-日”填写日期，例如 2023-06-01。",
        "{field}: write the date as year-month-day, e.g. 2023-06-01.",
    ),
    "impossible_date": Text("{field}：{text}不是有效日期。", "{field}: {text} is not a real date."),
    "date_out_of_range": Text(
        "{field}：{date}超出支持的范围，请填写{earliest}至{latest}之间的日期。",
        "{field}: {date} is outside the supported range; enter a date from {earliest} to {latest}.",
    ),
    "before_issued": Text(
        "{field}：{date}比签发日期{start}早了{days}天以上，最早可填{earliest}。",
        "{field}: {date} is more than {days} days before the date issued, {start}; the earliest possible is {earliest}.",
    ),
    "before_issued/expires": Text(
        "{field}：{date}比居住证生效日期{start}（到期日前一年）早了{days}天以上，最早可填{earliest}。",
        "{field}: {date} is more than {days} days before the permit took effect on {start} (one year before its expiry); the earliest possible is {earliest}.",
    ),
    "after_last_renewal": Text(
        "{field}：{date}晚于日历中最后一次签注的截止日{latest}；请改填现在这张居住证的日期。",
        "{field}: {date} is after the last endorsement in the calendar, which closes on {latest}; enter your current permit's date instead.",
    ),
    "card_outside_renewal": Text(
        # Policy-neutral: each policy has its own window and late span, named by the dates.
        "{field}：{date}不在任何一次签注的办理期内：{expiry_before}到期的居住证最迟可在{late_until}补签，"
        "下一次签注从{window_opens}才开始（那张在{next_expiry}到期）。"
        "补签截止以后才拿到的证是一张新办的居住证：请把它的日期填作签发日期。",
        "{field}: {date} falls in no endorsement: the permit expiring on {expiry_before} could be endorsed late until {late_until}, and the next endorsement opens on {window_opens} (for the expiry on {next_expiry}). A card received after the late endorsement closed is a new permit: enter its date as the issue date.",
    ),
    "later_than_today": Text(
        "{field}：{date}晚于今天（{today}）。",
        "{field}: {date} is later than today ({today}).",
    ),
    # Dates a real card cannot carry (page only): the issue date is almost surely the
    # expiry typed into the wrong field, and the page offers to take it as the expiry.
    "issued_too_far_ahead": Text(
        "{field}：{date}比今天（{today}）晚了30天以上，不会是签发或签注生效的日期。"
        "证上和随申办里显示的是到期日：如果你填的是到期日，请点下面的按钮。",
        "{field}: {date} is more than 30 days after today ({today}), so no permit was issued "
        "or endorsed on it. The card and the Suishenban app show the expiry date: if that is "
        "the date you entered, use the button below.",
    ),
    "expires_too_far_ahead": Text(
        "{field}：{date}比今天（{today}）晚了一年零30天以上，一年期的居住证不会这么晚到期。"
        "请核对证上或随申办里显示的到期日。",
        "{field}: {date} is more than a year and 30 days after today ({today}); a one-year "
        "permit cannot expire that late. Check the expiry date on the card or in the "
        "Suishenban app.",
    ),
    "not_whole_number": Text(
        "{field}：“{text}”不是整数。", "{field}: “{text}” is not a whole number."
    ),
    "not_whole_number/no_text": Text("{field}：请填写整数。", "{field}: enter a whole number."),
    "out_of_range": Text(
        "{field}：请填写{min}到{max}之间的整数（你填的是 {value}）。",
        "{field}: enter a whole number from {min} to {max} (you entered {value}).",
    ),
    "too_small": Text(
        "{field}：请填写不小于{min}的整数（你填的是 {value}）。",
        "{field}: enter a whole number of at least {min} (you entered {value}).",
    ),
    "too_many": Text(
        "{field}：最多{max}个（你填了{count}个）。",
        "{field}: at most {max} (you entered {count}).",
    ),
    "not_one_of": Text(
        "{field}：“{text}”不是可选的值，请选择{choices}。",
        "{field}: “{text}” is not one of the choices; choose {choices}.",
    ),
    "not_one_of/no_text": Text("{field}：请选择{choices}。", "{field}: choose {choices}."),
    "no_points": Text(
        "{field}：所选规定没有居住证积分，请不要选择积分。",
        "{field}: the chosen rules have no points; leave the option off.",
    ),
    "duplicate_track": Text(
        "{field}：同一个日历中有两份居住证用了相同的标识“{text}”。",
        "{field}: two permits in one calendar share the key “{text}”.",
    ),
    "not_a_list": Text("{field}：应为一个列表。", "{field}: expected a list."),
    "not_true_or_false": Text(
        "{field}：“{text}”既不是“是”也不是“否”。",
        "{field}: “{text}” is neither true nor false.",
    ),
    "not_true_or_false/no_text": Text(
        "{field}：应为“是”或“否”。", "{field}: expected true or false."
    ),
    "not_confirmed": Text("{field}：请先勾选确认框。", "{field}: tick the box to confirm."),
    "unknown_field": Text("{field}：无法识别的项目。", "{field}: not a known field."),
    "not_an_object": Text("{field}：应为一个 JSON 对象。", "{field}: expected a JSON object."),
    "not_json": Text("{field}：不是有效的 JSON。", "{field}: not valid JSON."),
    "too_deep": Text(
        "{field}：JSON 嵌套超过{max}层。",
        "{field}: the JSON nests more than {max} levels deep.",
    ),
    "bad_characters": Text(
        "{field}：含有不能使用的字符（@ , ; 空格或控制字符）。",
        "{field}: contains characters that cannot be used (@ , ; spaces or control characters).",
    ),
    "no_timezone": Text("{field}：须带时区。", "{field}: a time zone is needed."),
    "not_text": Text("{field}：应为文字。", "{field}: expected text."),
    "not_stage_year": Text(
        "{field}：“{text}”不是“阶段:年份”的形式（例如 primary:2027）。",
        "{field}: “{text}” is not STAGE:YEAR (for example primary:2027).",
    ),
    "no_school_data": Text(
        "{field}：没有{year}年{stage}的日期数据。", "{field}: no {stage} dates for {year}."
    ),
    "unknown_track": Text(
        "{field}：日历中没有标识为“{text}”的居住证。",
        "{field}: no permit in this calendar has the key “{text}”.",
    ),
    "wrong_city": Text(
        "{field}：入学日期只适用于上海居住证，“{text}”不是。",
        "{field}: the school dates need a Shanghai permit, and “{text}” is not one.",
    ),
    "too_many_schools": Text(
        "{field}：一个日历最多放{max}个入学步骤。",
        "{field}: one calendar holds at most {max} school steps.",
    ),
    "unknown_school": Text(
        "{field}：这个日历里没有这个入学步骤（或者写了两次）。",
        "{field}: this calendar has no such school step (or it is named twice).",
    ),
    "no_city_permit": Text(
        "{field}：入学日期只适用于上海居住证，这个日历里没有上海居住证。",
        "{field}: the school dates need a Shanghai permit, and this calendar has none.",
    ),
    "school_twice": Text(
        "{field}：日历里已经有{year}年的“{stage}”这一步了。",
        "{field}: the calendar already has the {stage} step of {year}.",
    ),
    "school_needs_a_permit": Text(
        "{field}：{year}年的“{stage}”这一步就没有所依靠的居住证了；请同时删除这个入学步骤，或指定另一张居住证。",
        "{field}: the {stage} step of {year} would depend on no permit; remove the step "
        "or name another permit in the same change.",
    ),
    "bad_school_data": Text(
        "{field}：入学日期数据文件无法使用。", "{field}: the school checkpoint file cannot be used."
    ),
    "label_too_long": Text(
        "{field}：“{text}”超过{max}个字，请写短一些。",
        "{field}: “{text}” is longer than {max} characters; make it shorter.",
    ),
    "control_characters": Text(
        "{field}：不能含有换行或控制字符。",
        "{field}: cannot contain line breaks or control characters.",
    ),
    "label_required": Text(
        "{field}：日历里有几张居住证时，每张都要写上是谁的（最多{max}个字），日程标题以它开头。",
        "{field}: with several permits in one calendar, each needs a name saying whose it is"
        " (at most {max} characters); event titles start with it.",
    ),
    "duplicate_label": Text(
        "{field}：两张居住证都叫“{text}”，请换一个名字。",
        "{field}: two permits are both called “{text}”; choose another name.",
    ),
    "too_many_permits": Text(
        "{field}：一个日历最多放{max}张居住证。",
        "{field}: one calendar holds at most {max} permits.",
    ),
    "unknown_permit": Text(
        "{field}：这个日历里没有这张居住证（或者写了两次）。",
        "{field}: this calendar has no such permit (or it is named twice).",
    ),
    "name_the_permit": Text(
        "{field}：这个日历有几张居住证，请在 permits 里按 id 修改其中一张。",
        "{field}: this calendar holds several permits; change one inside permits, by its id.",
    ),
    "inside_permits": Text(
        "{field}：使用 permits 时，每张居住证的项目要写在它自己的条目里。",
        "{field}: with permits, each permit's fields go inside its own entry.",
    ),
    "no_holiday_data": Text(
        "{field}：{year}年不在有节假日数据的年份（{first}–{last}年）内。",
        "{field}: {year} is outside the years with holiday data ({first}–{last}).",
    ),
    "bad_holiday_data": Text(
        "{field}：有无法使用的节假日文件或通知。",
        "{field}: a holiday file or notice cannot be used.",
    ),
}
