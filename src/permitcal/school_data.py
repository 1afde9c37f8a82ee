"""School checkpoints as yearly data: the packaged file, an operator's own, strictly checked.

The file (JSON, UTF-8) holds, by city (a policy key), stage and year, the
days on which a non-local parent's permit or points are checked::

    {"format": 1,
     "cities": {"shanghai": {"primary": {
        "years": {"2024": [
            {"id": "info_registration", "date": "2024-04-15", "until": "2024-04-28",
             "what": {"zh": "小学入学信息登记", "en": "primary school information registration"},
             "checks": ["permit"], "firmness": "official-via-repost",
             "district": {"zh": "黄浦区", "en": "Huangpu"},
             "source": {"title": "…", "url": "https://…"}}]},
        "watch": {"month": 4, "what": {...}, "checks": [...], "firmness": "…",
                  "source": {...}}}}}}

``until`` (optional) makes a checkpoint a range, both days included;
``district`` (optional) marks a date only one district's notice gave. A
stage with no published date has a ``watch``: the usual month of its notice.
Keys starting with ``_`` are comments. A file that breaks any rule is refused
as a whole, with a message naming the file and the entry, as for holiday files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from permitcal.errors import InvalidInputError
from permitcal.policy import Text, policies

__all__ = [
    "FIRMNESS",
    "SCHOOL_DATA_ENV",
    "Checkpoint",
    "SchoolData",
    "SchoolDataError",
    "Stage",
    "StageData",
    "Watch",
    "default_school_data",
    "load_school_data",
    "packaged_school_data",
    "parse_school_data",
]

SCHOOL_DATA_ENV = "PERMITCAL_SCHOOL_DATA"
"""An operator's checkpoint file, used instead of the packaged one when set."""
FORMAT = 1
_PACKAGED = "school_checkpoints.json"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A checkpoint id becomes part of a UID: letters, digits, _ and - only.
_ID = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_CHECKS = ("permit", "points")


class Stage(StrEnum):
    """A child's school step; ``points_required``: the points must be at standard (else
    they only give priority)."""

    KINDERGARTEN = "kindergarten"
    PRIMARY = "primary"
    JUNIOR = "junior"
    ZHONGKAO = "zhongkao"
    GAOKAO = "gaokao"

    @property
    def label(self) -> Text:
        """The stage's short name, as titles use it."""
        return _STAGE_LABELS[self]

    @property
    def points_required(self) -> bool:
        """中考 and 高考 need the points at standard; for the others they give priority
        (SCHOOL.md 1.1)."""
        return self in (Stage.ZHONGKAO, Stage.GAOKAO)


_STAGE_LABELS = {
    Stage.KINDERGARTEN: Text("幼儿园入园", "kindergarten"),
    Stage.PRIMARY: Text("小学入学", "primary school"),
    Stage.JUNIOR: Text("初中入学", "junior high"),
    Stage.ZHONGKAO: Text("中考报名", "zhongkao"),
    Stage.GAOKAO: Text("高考报名", "gaokao"),
}

FIRMNESS: Mapping[str, Text] = {
    "official": Text("官方文件", "official text"),
    "official-via-repost": Text("官方通知（经转载）", "official notice, as reposted"),
    "guide": Text("咨询机构指南（非官方）", "consultancy guide (not official)"),
    "news": Text("新闻报道（非官方）", "news report (not official)"),
}
"""How firm a date's source is: the labels of SCHOOL.md, worded for people."""


class SchoolDataError(InvalidInputError):
    """A checkpoint file that cannot be used; ``str()`` names the file and the entry."""

    def __init__(self, source: str, message: str, where: str = "") -> None:
        place = f"{source}, {where}" if where else source
        super().__init__(
            "school_data",
            f"{place}: {message}",
            reason="bad_school_data",
            params={"source": place},
        )
        self.source = source
        self.where = where


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A day or range on which a notice checks the permit (and maybe the points)."""

    id: str
    """Stable across years (``info_registration``): it names the event's UID."""
    start: dt.date
    end: dt.date
    """The last day, included; equal to ``start`` for a single day."""
    what: Text
    checks: tuple[str, ...]
    """``"permit"`` (valid on these days), ``"points"`` (at standard); empty: a date to know."""
    firmness: str
    source_title: str
    source_url: str | None
    district: Text | None = None
    """Set when only that district's notice gave the date."""


@dataclass(frozen=True, slots=True)
class Watch:
    """A stage whose dates were never found: the usual month of its notice."""

    month: int
    what: Text
    checks: tuple[str, ...]
    firmness: str
    source_title: str
    source_url: str | None


@dataclass(frozen=True, slots=True)
class StageData:
    """One city's stage: its checkpoints by year (as published) and its watch, if any."""

    years: Mapping[int, tuple[Checkpoint, ...]]
    watch: Watch | None


@dataclass(frozen=True, slots=True)
class SchoolData:
    """Every city's stages; ``source`` names the file for messages and sources."""

    cities: Mapping[str, Mapping[Stage, StageData]]
    source: str
    version: str = ""
    """A hash of the file's bytes: what a cache of rendered feeds keys on."""

    def stage(self, city: str, stage: Stage) -> StageData | None:
        """The stage's data in ``city``, or None when the file has none."""
        return self.cities.get(city, {}).get(stage)


def load_school_data(path: str | os.PathLike[str]) -> SchoolData:
    """The checkpoints in one file; raises SchoolDataError if it breaks any rule."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SchoolDataError(os.fspath(path), f"cannot be read ({error.strerror})") from error
    return parse_school_data(data, os.fspath(path))


def default_school_data() -> SchoolData:
    """The operator's file named by ``PERMITCAL_SCHOOL_DATA``, else the packaged one."""
    override = os.environ.get(SCHOOL_DATA_ENV, "").strip()
    return load_school_data(override) if override else packaged_school_data()


@lru_cache(maxsize=1)
def packaged_school_data() -> SchoolData:
    """The file that ships with permitcal (whatever ``PERMITCAL_SCHOOL_DATA`` says)."""
    data = resources.files("permitcal").joinpath("data", _PACKAGED).read_bytes()
    return parse_school_data(data, f"permitcal/data/{_PACKAGED}")


def parse_school_data(data: str | bytes, source: str = "<school data>") -> SchoolData:
    """The checkpoints in JSON text; ``source`` names it in error messages."""
    document = _decode(data, source)
    _object(document, {"format", "cities"}, set(), source, "")
    if document["format"] != FORMAT:
        raise SchoolDataError(source, f"'format' must be {FORMAT}, not {document['format']!r}")
    cities = document["cities"]
    known_cities = policies()
    _object(cities, set(), set(), source, "cities")
    parsed: dict[str, dict[Stage, StageData]] = {}
    for city, stages in _entries(cities):
        if city not in known_cities:
            raise SchoolDataError(
                source, f"unknown city {city!r} (a policy key: {', '.join(known_cities)})"
            )
        _object(stages, set(), set(), source, f"cities.{city}")
        parsed[city] = {}
        for name, body in _entries(stages):
            where = f"cities.{city}.{name}"
            try:
                stage = Stage(name)
            except ValueError:
                choices = ", ".join(s.value for s in Stage)
                raise SchoolDataError(
                    source, f"unknown stage {name!r} (one of {choices})", where
                ) from None
            parsed[city][stage] = _stage(body, source, where)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return SchoolData(parsed, source, "school-" + hashlib.sha256(raw).hexdigest()[:16])


def _stage(body: Any, source: str, where: str) -> StageData:
    _object(body, set(), {"years", "watch"}, source, where)
    if "years" not in body and "watch" not in body:
        raise SchoolDataError(source, "needs 'years', 'watch' or both", where)
    years: dict[int, tuple[Checkpoint, ...]] = {}
    raw_years = body.get("years", {})
    _object(raw_years, set(), set(), source, f"{where}.years")
    for key, items in _entries(raw_years):
        place = f"{where}.years.{key}"
        if not re.fullmatch(r"20\d{2}", key):
            raise SchoolDataError(source, "a year must be four digits, 2000–2099", place)
        year = int(key)
        if not isinstance(items, list) or not items:
            raise SchoolDataError(source, "must be a non-empty list of checkpoints", place)
        found = [_checkpoint(item, year, source, f"{place}[{i}]") for i, item in enumerate(items)]
        ids = [c.id for c in found]
        for index, ident in enumerate(ids):
            if ident in ids[:index]:
                raise SchoolDataError(source, f"id {ident!r} appears twice", f"{place}[{index}]")
        years[year] = tuple(sorted(found, key=lambda c: (c.start, c.end)))
    watch = None if "watch" not in body else _watch(body["watch"], source, f"{where}.watch")
    return StageData(dict(sorted(years.items())), watch)


_CHECKPOINT_KEYS = {"id", "date", "what", "checks", "firmness", "source"}


def _checkpoint(item: Any, year: int, source: str, where: str) -> Checkpoint:
    _object(item, _CHECKPOINT_KEYS, {"until", "district"}, source, where)
    ident = item["id"]
    if not isinstance(ident, str) or not _ID.fullmatch(ident):
        raise SchoolDataError(
            source, f"'id' must be lower-case letters, digits, _ or -, not {ident!r}", where
        )
    start = _date(item["date"], "date", source, where)
    end = start if "until" not in item else _date(item["until"], "until", source, where)
    if end < start:
        raise SchoolDataError(source, f"'until' {end} is before 'date' {start}", where)
    # A stage's year is the school year it starts (or the exam's): 高考 registers the
    # October before, so the year before is allowed, nothing else.
    for day in (start, end):
        if not year - 1 <= day.year <= year:
            raise SchoolDataError(source, f"{day} is outside the years {year - 1}–{year}", where)
    if (end - start).days > 92:
        raise SchoolDataError(source, f"the range {start}–{end} is longer than 3 months", where)
    title, url = _source(item["source"], source, where)
    district = None if "district" not in item else _text(item["district"], source, where)
    return Checkpoint(
        id=ident,
        start=start,
        end=end,
        what=_text(item["what"], source, where),
        checks=_checks(item["checks"], source, where),
        firmness=_firmness(item["firmness"], source, where),
        source_title=title,
        source_url=url,
        district=district,
    )


def _watch(item: Any, source: str, where: str) -> Watch:
    _object(item, {"month", "what", "checks", "firmness", "source"}, set(), source, where)
    month = item["month"]
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise SchoolDataError(source, f"'month' must be a whole number 1–12, not {month!r}", where)
    title, url = _source(item["source"], source, where)
    return Watch(
        month=month,
        what=_text(item["what"], source, where),
        checks=_checks(item["checks"], source, where),
        firmness=_firmness(item["firmness"], source, where),
        source_title=title,
        source_url=url,
    )


def _date(value: Any, key: str, source: str, where: str) -> dt.date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise SchoolDataError(source, f"'{key}' must be a YYYY-MM-DD string, not {value!r}", where)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SchoolDataError(source, f"'{key}' {value!r} is not a real date", where) from None


def _text(value: Any, source: str, where: str) -> Text:
    _object(value, {"zh", "en"}, set(), source, where)
    zh, en = value["zh"], value["en"]
    if not (isinstance(zh, str) and zh.strip() and isinstance(en, str) and en.strip()):
        raise SchoolDataError(source, "'zh' and 'en' must be non-empty strings", where)
    return Text(zh.strip(), en.strip())


def _checks(value: Any, source: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or any(v not in _CHECKS for v in value):
        raise SchoolDataError(
            source, f"'checks' must be a list of {' and '.join(_CHECKS)}, not {value!r}", where
        )
    if "points" in value and "permit" not in value:
        raise SchoolDataError(source, "points are checked with the permit they belong to", where)
    return tuple(c for c in _CHECKS if c in value)


def _firmness(value: Any, source: str, where: str) -> str:
    if value not in FIRMNESS:
        raise SchoolDataError(
            source, f"unknown firmness {value!r} (one of {', '.join(FIRMNESS)})", where
        )
    return str(value)


def _source(value: Any, source: str, where: str) -> tuple[str, str | None]:
    _object(value, {"title"}, {"url"}, source, where)
    title, url = value["title"], value.get("url")
    if not isinstance(title, str) or not title.strip():
        raise SchoolDataError(source, "the source needs a 'title'", where)
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("https://", "http://"))
    ):
        raise SchoolDataError(source, f"the source's 'url' must be http(s), not {url!r}", where)
    return title.strip(), url


def _object(value: Any, required: set[str], optional: set[str], source: str, where: str) -> None:
    """A JSON object with the required keys, and only those and the optional ones.

    Both empty: any keys (a table keyed by names, checked by the caller).
    """
    if not isinstance(value, dict):
        raise SchoolDataError(source, "must be a JSON object", where)
    if not required and not optional:
        return
    keys = {k for k in value if not k.startswith("_")}
    missing = sorted(required - keys)
    if missing:
        raise SchoolDataError(source, f"missing key(s): {', '.join(missing)}", where)
    unknown = sorted(keys - required - optional)
    if unknown:
        raise SchoolDataError(
            source, f"unknown key(s): {', '.join(unknown)} (comments start with '_')", where
        )


def _entries(table: dict[str, Any]) -> list[tuple[str, Any]]:
    """A name-keyed table's entries, comments left out."""
    return [(k, v) for k, v in table.items() if not k.startswith("_")]


def _decode(data: str | bytes, source: str) -> Any:
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise SchoolDataError(source, f"is not UTF-8 text ({error.reason})") from error

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        # json.loads would silently keep the last of two equal keys.
        keys = [key for key, _ in pairs]
        for key in keys:
            if keys.count(key) > 1:
                raise SchoolDataError(source, f"key {key!r} appears twice in one object")
        return dict(pairs)

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as error:
        raise SchoolDataError(
            source, f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
