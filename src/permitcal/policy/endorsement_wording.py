"""How the events of the endorsement-only policies (Beijing, national) are worded.

Shanghai's sentences where they hold for any city (reminders, provisional
dates, weekdays, headings); their own where Shanghai's name its service
centres, its hotline or its points.
"""

from __future__ import annotations

from dataclasses import replace

from permitcal.policy.model import Text, Wording
from permitcal.policy.shanghai_wording import SHANGHAI_WORDING

__all__ = ["endorsement_wording"]


def endorsement_wording(office: Text, confirm: Text) -> Wording:
    """The wording for a policy whose permits are endorsed at ``office`` (派出所 …).

    ``confirm`` says whom to ask about a rule found only outside official texts.
    """
    return replace(
        SHANGHAI_WORDING,
        source_note=Text(
            f"依据：未见于官方文件原文，来自其他来源（见下方参考）。请向{confirm.zh}确认。",
            "Basis: not found in an official text; from the other sources listed below. "
            f"Confirm with {confirm.en}.",
        ),
        official_note=Text(
            "依据：官方文件（见下方参考）。", "Basis: official texts (see the references below)."
        ),
        rest_day_deadline=Text(
            f"请最迟在{{nearest}}（{{weekday}}）办理：{{date}}是休息日，{office.zh}可能不办理，"
            "期限也不会顺延。",
            f"Act by {{nearest}} ({{weekday}}): {{date}} is a rest day, when {office.en} may "
            "not handle it, and the deadline is not extended.",
        ),
        maybe_rest_day_deadline=Text(
            f"请最迟在{{nearest}}（{{weekday}}）办理：{{date}}可能是休息日（节假日安排尚未公布），"
            f"{office.zh}可能不办理，期限也不会顺延。",
            f"Act by {{nearest}} ({{weekday}}): {{date}} may be a day off (the holiday schedule "
            f"is not yet published), when {office.en} may not handle it, and the deadline is "
            "not extended.",
        ),
        rest_day_opening=Text(
            "注意：{date}是休息日；之后第一个工作日是{nearest}（{weekday}）。",
            "Note: {date} is a rest day; the first working day on or after it is {nearest} "
            "({weekday}).",
        ),
        maybe_rest_day_opening=Text(
            "注意：{date}可能是休息日（节假日安排尚未公布）；之后第一个确定办公的工作日是"
            "{nearest}（{weekday}）。",
            "Note: {date} may be a day off (the holiday schedule is not yet published); the first "
            "day on or after it that is surely a working day is {nearest} ({weekday}).",
        ),
        reminder_rest_day=Text(
            "{date}是休息日，期限也不顺延，所以要在此前最后一个工作日{act_by}办理。",
            "{date} is a rest day and the deadline is not extended, so the last working day "
            "before it, {act_by}, is the day to act by.",
        ),
        cycle_line=Text(
            "所属周期：{expiry}满1年的居住证及其签注。",
            "Cycle: the permit year that completes on {expiry}, and its endorsement.",
        ),
    )
