"""The database budget alone: time counted while holding, summed per request, overruns cut."""

from __future__ import annotations

import logging
import sys
import threading
import time

import pytest

from permitcal.web.serving.logs import RedactingFormatter
from permitcal.web.storage.db_budget import DatabaseBudget, DatabaseTimeout
from permitcal.web.storage.tokens import new_token


class Target:
    """Stands for a connection: records the cut, as a blocked driver call would notice it."""

    def __init__(self) -> None:
        self.cut = threading.Event()

    def interrupt(self) -> None:
        self.cut.set()


def test_outside_a_request_nothing_is_bounded() -> None:
    budget = DatabaseBudget(0.05)
    target = Target()
    with budget.waiting(target):
        time.sleep(0.2)
    assert budget.remaining() is None
    assert not target.cut.is_set()


def test_an_overrun_is_cut_and_later_calls_fail_at_once() -> None:
    budget = DatabaseBudget(0.2)
    target = Target()
    with budget.request():
        started = time.monotonic()
        with pytest.raises(DatabaseTimeout), budget.waiting(target):
            assert target.cut.wait(5), "the watchdog never cut the overrun"
        assert time.monotonic() - started < 2.0  # the budget and one watchdog look
        with pytest.raises(DatabaseTimeout):
            budget.check()
    with budget.request():  # the next request has its budget again
        budget.check()


def test_time_is_summed_over_a_request_and_only_while_holding() -> None:
    budget = DatabaseBudget(1.0)
    held = 0.0
    began = time.monotonic()
    with budget.request():
        for _ in range(3):
            started = time.monotonic()
            with budget.waiting(Target()):
                time.sleep(0.1)
            held += time.monotonic() - started
            time.sleep(0.3)  # rendering: not database time
        left = budget.remaining()
        elapsed = time.monotonic() - began
    assert left is not None
    used = 1.0 - left
    # What was used is what was held (measured around each hold, so a little
    # more), at least the three sleeps, and not the rendering in between.
    assert 0.3 <= used <= held, (used, held)
    assert used < elapsed - 0.8, (used, elapsed)


def test_requests_on_other_threads_keep_their_own_budgets() -> None:
    budget = DatabaseBudget(0.3)
    slow, quick = Target(), Target()
    outcome: dict[str, str] = {}

    def hold(name: str, target: Target, seconds: float) -> None:
        with budget.request():
            try:
                with budget.waiting(target):
                    target.cut.wait(seconds)
                outcome[name] = "answered"
            except DatabaseTimeout:
                outcome[name] = "cut"

    threads = [
        threading.Thread(target=hold, args=("slow", slow, 5.0)),
        threading.Thread(target=hold, args=("quick", quick, 0.05)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcome == {"slow": "cut", "quick": "answered"}
    assert not quick.cut.is_set()


def test_log_lines_and_tracebacks_carry_no_token() -> None:
    token = new_token()
    formatter = RedactingFormatter("%(message)s")
    try:
        raise KeyError(f"no subscription for {token}")
    except KeyError:
        record = logging.LogRecord(
            "permitcal", logging.ERROR, __file__, 1, "Exception on /m/%s [POST]", (token,), None
        )
        record.exc_info = sys.exc_info()
        text = formatter.format(record)
    assert token not in text
    assert "Exception on /m/<redacted> [POST]" in text
    assert "no subscription for <redacted>" in text
