"""Holiday notices from holiday-cn files (github.com/NateScarlet/holiday-cn), strictly checked.

A file holds one year's notice::

    {"year": 2027, "papers": ["https://www.gov.cn/..."],
     "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, ...]}

``isOffDay: true`` days are the days off (whole breaks, weekends included);
``isOffDay: false`` days are the weekends made working days (a weekday may be
listed too, as a reminder that it is worked). Keys starting with ``$``
(holiday-cn's ``$schema`` and ``$id``) or ``_`` (comments) are ignored. A file
that breaks any rule is refused as a whole, with a message naming the file and
the entry, so that a typo never becomes a wrong deadline.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from permitcal.errors import InvalidInputError
from permitcal.notices import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR, Notice, statutory_days
from permitcal.workdays import WorkCalendar

__all__ = [
    "HolidayDataError",
    "load_calendar",
    "load_notice",
    "load_notices",
    "parse_notice",
]

_TOP_KEYS = frozenset({"year", "days", "papers"})
_DAY_KEYS = frozenset({"name", "date", "isOffDay"})
# fromisoformat alone also takes "20270101" and week dates; files use one form.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# holiday-cn names its files by year; other JSON files in its repository are not notices.
_YEAR_FILE = re.compile(r"\d{4}\.json")


class HolidayDataError(InvalidInputError):
    """A holiday file that cannot be used; ``str()`` names the file and, if any, the entry."""

    def __init__(self, source: str, message: str, entry: int | None = None) -> None:
        where = source if entry is None else f"{source}, days[{entry}]"
        super().__init__(
            "holiday_data",
            f"{where}: {message}",
            reason="bad_holiday_data",
            params={"source": where},
        )
        self.source = source
        self.entry = entry


def load_notice(path: str | os.PathLike[str]) -> Notice:
    """The notice in one holiday-cn file; raises HolidayDataError if it breaks any rule."""
    return parse_notice(_read(path), os.fspath(path))


def load_notices(paths: Iterable[str | os.PathLike[str]]) -> tuple[Notice, ...]:
    """The notices in the given files, and in the ``YYYY.json`` files of given directories.

    In a directory, a file with an empty ``days`` list is skipped: holiday-cn
    adds one for the coming year before its notice is published. Named
    explicitly, such a file is refused. Two notices for one year are refused,
    so that it is clear which one counts.
    """
    notices: dict[int, Notice] = {}
    for path, in_directory in _expand(paths):
        data = _read(path)
        if in_directory and _is_placeholder(data):
            continue
        notice = parse_notice(data, os.fspath(path))
        if notice.year in notices:
            raise HolidayDataError(
                notice.source,
                f"a second notice for {notice.year} (after {notices[notice.year].source})",
            )
        notices[notice.year] = notice
    return tuple(notices[year] for year in sorted(notices))


def load_calendar(
    paths: Iterable[str | os.PathLike[str]], published_through: int | None = None
) -> WorkCalendar:
    """A calendar of the installed holiday data plus the notices in ``paths`` (see load_notices)."""
    return WorkCalendar(published_through, load_notices(paths))


def parse_notice(data: str | bytes, source: str = "<holiday data>") -> Notice:
    """The notice in holiday-cn JSON text; ``source`` names it in error messages."""
    document = _decode(data, source)
    if not isinstance(document, dict):
        raise HolidayDataError(source, "must be a JSON object with 'year' and 'days'")
    _check_keys(document, _TOP_KEYS, source, None)
    year = _year(document["year"], source)
    _check_papers(document.get("papers", []), source)
    days = document["days"]
    if days == []:
        raise HolidayDataError(
            source, "'days' must be a non-empty list (holiday-cn leaves it empty until the notice)"
        )
    if not isinstance(days, list):
        raise HolidayDataError(source, "'days' must be a non-empty list of day objects")
    listed: dict[dt.date, int] = {}
    off: set[dt.date] = set()
    working: set[dt.date] = set()
    statutory = statutory_days(year)
    for index, entry in enumerate(days):
        day, is_off = _day(entry, year, source, index)
        if day in listed:
            raise HolidayDataError(
                source, f"{day} is listed twice (also days[{listed[day]}])", index
            )
        listed[day] = index
        if not is_off:
            _check_working_day(day, statutory, source, index)
        (off if is_off else working).add(day)
    return Notice(year, frozenset(off), frozenset(working), source)


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, bool]]:
    """The files to load, each with whether it was found in a directory."""
    files: list[tuple[Path, bool]] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if _YEAR_FILE.fullmatch(p.name))
            files.extend((p, True) for p in found)
        else:
            files.append((path, False))
    return files


def _read(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise HolidayDataError(os.fspath(path), f"cannot be read ({error.strerror})") from error


def _is_placeholder(data: bytes) -> bool:
    try:
        document = json.loads(data)
    except ValueError:
        return False  # not a placeholder: parse_notice will say what is wrong
    return isinstance(document, dict) and document.get("days") == []


def _decode(data: str | bytes, source: str) -> Any:
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise HolidayDataError(source, f"is not UTF-8 text ({error.reason})") from error
    try:
        return json.loads(text, object_pairs_hook=lambda pairs: _no_duplicate_keys(pairs, source))
    except json.JSONDecodeError as error:
        raise HolidayDataError(
            source, f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error


def _no_duplicate_keys(pairs: list[tuple[str, Any]], source: str) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys.
    keys = [key for key, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise HolidayDataError(source, f"key {key!r} appears twice in one object")
    return dict(pairs)


def _check_keys(
    obj: dict[str, Any], allowed: frozenset[str], source: str, index: int | None
) -> None:
    ignored = {key for key in obj if key.startswith(("_", "$"))}
    required = allowed - {"papers"}
    missing = sorted(required - obj.keys())
    if missing:
        raise HolidayDataError(source, f"missing key(s): {', '.join(missing)}", index)
    unknown = sorted(obj.keys() - allowed - ignored)
    if unknown:
        raise HolidayDataError(
            source, f"unknown key(s): {', '.join(unknown)} (comments start with '_')", index
        )


def _year(value: Any, source: str) -> int:
    # bool is a subclass of int in Python; "year": true is not a year.
    if not isinstance(value, int) or isinstance(value, bool):
        raise HolidayDataError(source, f"'year' must be an integer, not {value!r}")
    if not FIRST_SUPPORTED_YEAR <= value <= LAST_SUPPORTED_YEAR:
        raise HolidayDataError(
            source, f"'year' {value} is outside {FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR}"
        )
    return value


def _check_papers(value: Any, source: str) -> None:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise HolidayDataError(source, "'papers' must be a list of strings (the notices' URLs)")


def _day(entry: Any, year: int, source: str, index: int) -> tuple[dt.date, bool]:
    if not isinstance(entry, dict):
        raise HolidayDataError(source, "must be an object with name, date and isOffDay", index)
    _check_keys(entry, _DAY_KEYS, source, index)
    name, text, is_off = entry["name"], entry["date"], entry["isOffDay"]
    if not isinstance(name, str) or not name.strip():
        raise HolidayDataError(source, f"'name' must be a non-empty string, not {name!r}", index)
    if not isinstance(is_off, bool):
        raise HolidayDataError(source, f"'isOffDay' must be true or false, not {is_off!r}", index)
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise HolidayDataError(source, f"'date' must be a YYYY-MM-DD string, not {text!r}", index)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as error:
        raise HolidayDataError(source, f"'date' {text!r} is not a real date", index) from error
    # A notice reaches into the neighbouring years only around New Year.
    if not year - 1 <= day.year <= year + 1:
        raise HolidayDataError(
            source, f"{day} is outside the notice's years {year - 1}–{year + 1}", index
        )
    return day, is_off


def _check_working_day(
    day: dt.date, statutory: frozenset[dt.date], source: str, index: int
) -> None:
    # A weekday listed as working is harmless: holiday-cn's 2020 file marks
    # 2020-02-03, the first day back after the extended Spring Festival.
    if day in statutory:
        raise HolidayDataError(
            source, f"{day} is a statutory holiday; notices never make it a working day", index
        )
