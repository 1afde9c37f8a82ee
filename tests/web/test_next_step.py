"""The result page's one sentence: which deadline is next, from when and by when to act."""

from __future__ import annotations

import datetime as dt

import pytest

from permitcal import compute_deadlines
from permitcal.policy import SHANGHAI
from permitcal.web.page.next_step import next_step
from permitcal.web.words.texts import format_day


@pytest.mark.parametrize(
    ("permit", "today", "rule", "title", "due"),
    [
        # The window for the live cycle opens ahead: name when, and what to do.
        ({"issued": "2023-06-01"}, "2026-11-20", "R1", "居住证及积分到期", "2027-06-01"),
        # On the expiry day itself the permit can still be endorsed.
        ({"issued": "2025-06-01"}, "2026-06-01", "R1", "居住证及积分到期", "2026-06-01"),
        # Expired, not renewed: the late-renewal limit is next (R7 and R4 ask nothing).
        ({"issued": "2025-06-01"}, "2026-06-10", "R3", "如仍未签注：补签截止", "2026-07-31"),
        # Past day 60: the source guide's day 90 is the last chance.
        ({"issued": "2025-06-01"}, "2026-08-05", "R5", "如仍未签注：90天补签截止", "2026-08-30"),
        # Renewed card recorded: the expiry asks nothing more; the points declaration does.
        (
            {"expires": "2026-12-31", "card_received": "2026-12-28"},
            "2026-11-20",
            "R6",
            "积分申报截止",
            "2027-01-05",
        ),
    ],
)
def test_the_next_deadline(
    permit: dict[str, str], today: str, rule: str, title: str, due: str
) -> None:
    day = dt.date.fromisoformat(today)
    deadlines = compute_deadlines(today=day, **permit)  # type: ignore[arg-type]
    found = next_step(deadlines, SHANGHAI, day, "zh")
    assert found is not None
    assert (found.rule, found.title) == (rule, title)
    assert found.day == format_day(dt.date.fromisoformat(due), "zh")


def test_the_sentence_names_the_opening_and_the_act() -> None:
    today = dt.date(2026, 11, 20)
    deadlines = compute_deadlines(issued="2023-06-01", today=today)
    opening = next(d for d in deadlines if d.rule == "R2" and d.date > today)
    zh = next_step(deadlines, SHANGHAI, today, "zh")
    en = next_step(deadlines, SHANGHAI, today, "en")
    assert zh is not None
    assert en is not None
    assert zh.detail == f"{format_day(opening.nearest_working_day, 'zh')}起可以办理居住证签注。"
    assert (
        en.detail
        == f"You can endorse the permit from {format_day(opening.nearest_working_day, 'en')}."
    )
    assert en.day == "Tuesday 1 June 2027"


def test_no_opening_is_named_for_the_points_declaration() -> None:
    today = dt.date(2026, 11, 20)
    deadlines = compute_deadlines(expires="2026-12-31", card_received="2026-12-28", today=today)
    found = next_step(deadlines, SHANGHAI, today, "zh")
    assert found is not None
    assert found.detail == "请办理积分申报（续办）。"


@pytest.mark.parametrize(
    ("issued", "today", "words"),
    [
        # 2026-10-04, a Sunday inside the published National Day holiday: a fact.
        ("2025-10-04", "2026-09-01", "；2026年10月4日是休息日，最迟"),
        # 2027-07-31, a Saturday in a year without a notice yet: "may be".
        ("2026-06-01", "2027-07-05", "；2027年7月31日可能是休息日，稳妥起见最迟"),
    ],
)
def test_a_rest_day_names_the_day_to_act_by(issued: str, today: str, words: str) -> None:
    day = dt.date.fromisoformat(today)
    deadlines = compute_deadlines(issued=issued, today=day)
    found = next_step(deadlines, SHANGHAI, day, "zh")
    assert found is not None
    due = next(d for d in deadlines if d.rule == found.rule and d.date >= day)
    assert not due.working_day
    assert words + format_day(due.nearest_working_day, "zh") + "办理。" in found.detail
