"""Notices: the package's, filed by the notice that gave them, and bounds on unpublished ones."""

from __future__ import annotations

import pytest

from permitcal.notices import Notice, package_notice, statutory_days, unknown_notice
from tests.conftest import d


@pytest.mark.parametrize(
    ("year", "day", "listed"),
    [
        # The 2019 notice's New Year break began in 2018; the package files it under 2018.
        (2019, "2018-12-31", "off"),
        (2019, "2018-12-29", "working"),
        (2018, "2018-12-31", None),
        (2018, "2018-12-29", None),
        # Likewise the 2008 notice.
        (2008, "2007-12-31", "off"),
        (2007, "2007-12-31", None),
        # A make-up day in the year before, stored with its own notice.
        (2002, "2001-12-29", "working"),
        # The 2026 notice (RULES.md's examples).
        (2026, "2026-02-14", "working"),
        (2026, "2026-02-20", "off"),
        (2026, "2026-02-16", "off"),
        (2026, "2026-10-10", "working"),
        (2026, "2026-10-08", None),
    ],
)
def test_package_notice_files_days_by_notice(year: int, day: str, listed: str | None) -> None:
    notice = package_notice(year)
    found = (
        "off" if d(day) in notice.days_off else "working" if d(day) in notice.working_days else None
    )
    assert found == listed


@pytest.mark.parametrize(
    ("day", "statutory"),
    [
        ("2027-02-05", True),  # Spring Festival eve, statutory since the 2025 revision
        ("2027-02-08", True),  # third day of Spring Festival
        ("2027-02-09", False),  # only the package's "observed" guess
        ("2027-05-02", True),  # second Labour Day, statutory since 2025
        ("2024-02-09", False),  # the eve before the 2025 revision
        ("2020-01-31", False),  # the 2020 extension for Covid-19 was a decree, not the law
        ("2020-01-30", False),
        ("2020-01-27", True),
        ("2015-09-03", False),  # a one-off commemoration
    ],
)
def test_statutory_days_are_the_law_only(day: str, statutory: bool) -> None:
    assert (d(day) in statutory_days(d(day).year)) is statutory


@pytest.mark.parametrize("year", range(2017, 2041))
def test_unknown_notice_bounds_are_consistent(year: int) -> None:
    unknown = unknown_notice(year)
    assert all(day.weekday() < 5 for day in unknown.maybe_off)
    assert all(day.weekday() >= 5 for day in unknown.maybe_working)
    assert not unknown.statutory & (unknown.maybe_off | unknown.maybe_working)
    assert unknown.statutory == statutory_days(year)
    # Every weekday the package gives off is statutory or may be off: through
    # 2026 these are the real notices' days, later the package's own guesses.
    weekdays_off = {day for day in package_notice(year).days_off if day.weekday() < 5}
    assert weekdays_off - unknown.statutory <= unknown.maybe_off


def test_fingerprint_follows_content_not_source() -> None:
    notice = package_notice(2026)
    same = Notice(notice.year, notice.days_off, notice.working_days, "elsewhere.json")
    moved = Notice(
        notice.year, notice.days_off - {d("2026-02-20")}, notice.working_days, notice.source
    )
    assert same.fingerprint() == notice.fingerprint()
    assert moved.fingerprint() != notice.fingerprint()
