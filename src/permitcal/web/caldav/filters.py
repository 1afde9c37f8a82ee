"""calendar-query filters (RFC 4791 §9.7): parsed into a small tree, evaluated per object."""

from __future__ import annotations

import datetime as dt
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from icalendar import Calendar
from icalendar.cal import Component
from icalendar.prop import vCategory, vText

from permitcal.inputs import SHANGHAI_TIME
from permitcal.web.caldav.xmlutil import CALDAV, qname

__all__ = ["CompFilter", "FilterError", "matches", "parse_filter"]

# The feed's events are all-day dates in Shanghai time (UTC+8, no DST since 1991);
# time ranges compare them as such (RFC 4791 §9.9, floating values).
# Components a filter may name. A time-range is evaluated on VEVENT and VALARM
# (the only ones served); on the other kinds it is accepted and matches nothing.
COMPONENTS = {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VALARM"}
TIMED_COMPONENTS = COMPONENTS - {"VTIMEZONE"}


def _ascii_casemap(text: str) -> str:
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def _unicode_casemap(text: str) -> str:
    # RFC 5051 titlecases then decomposes; case folding is the standard approximation.
    return unicodedata.normalize("NFD", text.casefold())


def _octet(text: str) -> str:
    return text


COLLATIONS: dict[str, Callable[[str], str]] = {
    "i;ascii-casemap": _ascii_casemap,
    "i;unicode-casemap": _unicode_casemap,
    "i;octet": _octet,
}
DEFAULT_COLLATION = "i;ascii-casemap"  # RFC 4791 §9.7.5


class FilterError(ValueError):
    """A filter this server cannot apply: answered 403 with ``condition`` (RFC 4791 §7.8)."""

    def __init__(self, condition: str, message: str) -> None:
        super().__init__(message)
        self.condition = condition
        """supported-filter, supported-collation or valid-filter (CALDAV namespace)."""


@dataclass(frozen=True, slots=True)
class TextMatch:
    text: str
    collation: str = DEFAULT_COLLATION
    negate: bool = False

    def matches(self, values: list[str]) -> bool:
        fold = COLLATIONS[self.collation]
        needle = fold(self.text)
        found = any(needle in fold(value) for value in values)
        return found != self.negate


@dataclass(frozen=True, slots=True)
class TimeRange:
    start: dt.datetime | None
    end: dt.datetime | None

    def overlaps(self, start: dt.datetime, end: dt.datetime | None = None) -> bool:
        """RFC 4791 §9.9: [start, end) against the range; no end means an instant."""
        if end is None or end == start:
            return (self.start is None or self.start <= start) and (
                self.end is None or self.end > start
            )
        return (self.start is None or self.start < end) and (self.end is None or self.end > start)


@dataclass(frozen=True, slots=True)
class PropFilter:
    name: str
    is_not_defined: bool = False
    text_match: TextMatch | None = None


@dataclass(frozen=True, slots=True)
class CompFilter:
    name: str
    is_not_defined: bool = False
    time_range: TimeRange | None = None
    props: tuple[PropFilter, ...] = ()
    comps: tuple[CompFilter, ...] = ()


# -- parsing -----------------------------------------------------------------


def parse_filter(query: ET.Element) -> CompFilter | None:
    """The calendar-query's filter; None (everything matches) when it has none."""
    top = query.find(qname(CALDAV, "filter"))
    if top is None:
        return None
    children = list(top)
    if not children:
        return None
    if len(children) != 1 or children[0].tag != qname(CALDAV, "comp-filter"):
        raise FilterError("valid-filter", "a filter holds exactly one comp-filter")
    return _comp_filter(children[0], depth=0)


def _name(node: ET.Element) -> str:
    name = (node.get("name") or "").strip().upper()
    if not name:
        raise FilterError("valid-filter", f"{_local(node)} without a name")
    return name


def _local(node: ET.Element) -> str:
    return node.tag.rsplit("}", 1)[-1]


def _unsupported(node: ET.Element, where: str) -> FilterError:
    return FilterError("supported-filter", f"{_local(node)} in {where} is not supported")


def _comp_filter(node: ET.Element, depth: int) -> CompFilter:
    name = _name(node)
    if depth == 0 and name != "VCALENDAR":
        raise FilterError("valid-filter", "the outer comp-filter must name VCALENDAR")
    if depth > 0 and name not in COMPONENTS:
        raise FilterError("supported-filter", f"component {name} is not supported")
    is_not_defined = False
    time_range: TimeRange | None = None
    props: list[PropFilter] = []
    comps: list[CompFilter] = []
    for child in node:
        if child.tag == qname(CALDAV, "is-not-defined") and depth > 0:
            is_not_defined = True
        elif child.tag == qname(CALDAV, "time-range") and name in TIMED_COMPONENTS:
            time_range = _time_range(child)
        elif child.tag == qname(CALDAV, "prop-filter") and depth > 0:
            props.append(_prop_filter(child))
        elif child.tag == qname(CALDAV, "comp-filter") and depth < 2:
            comps.append(_comp_filter(child, depth + 1))
        else:
            raise _unsupported(child, f"comp-filter {name}")
    if is_not_defined and (time_range or props or comps):
        raise FilterError("valid-filter", "is-not-defined stands alone in a comp-filter")
    return CompFilter(name, is_not_defined, time_range, tuple(props), tuple(comps))


def _prop_filter(node: ET.Element) -> PropFilter:
    name = _name(node)
    children = list(node)
    if not children:
        return PropFilter(name)
    if len(children) > 1:
        raise _unsupported(children[1], f"prop-filter {name}")
    child = children[0]
    if child.tag == qname(CALDAV, "is-not-defined"):
        return PropFilter(name, is_not_defined=True)
    if child.tag == qname(CALDAV, "text-match"):
        return PropFilter(name, text_match=_text_match(child))
    raise _unsupported(child, f"prop-filter {name}")  # param-filter, time-range on a property


def _text_match(node: ET.Element) -> TextMatch:
    if len(node):
        raise FilterError("valid-filter", "text-match holds only text")
    collation = node.get("collation") or DEFAULT_COLLATION
    if collation not in COLLATIONS:
        raise FilterError("supported-collation", f"collation {collation} is not supported")
    match_type = node.get("match-type", "contains")
    if match_type != "contains":  # RFC 4791 has only substring matches
        raise FilterError("supported-filter", f"match-type {match_type} is not supported")
    negate = node.get("negate-condition", "no").strip().lower()
    if negate not in ("yes", "no"):
        raise FilterError("valid-filter", "negate-condition is yes or no")
    return TextMatch(node.text or "", collation, negate == "yes")


def _time_range(node: ET.Element) -> TimeRange:
    start, end = _utc(node.get("start")), _utc(node.get("end"))
    if start is None and end is None:
        raise FilterError("valid-filter", "a time-range needs start, end or both")
    if start is not None and end is not None and end <= start:
        raise FilterError("valid-filter", "a time-range ends after it starts")
    return TimeRange(start, end)


def _utc(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise FilterError("valid-filter", f"time-range value {value!r} is not UTC") from None


# -- evaluation --------------------------------------------------------------


def matches(root: CompFilter | None, vcalendar: Calendar) -> bool:
    """Whether one calendar object (a VCALENDAR with its components) passes the filter."""
    return root is None or _component_matches(root, vcalendar, None)


def _comp_matches(comp_filter: CompFilter, parent: Component) -> bool:
    found = [c for c in parent.subcomponents if c.name == comp_filter.name]
    if comp_filter.is_not_defined:
        return not found
    return any(_component_matches(comp_filter, c, parent) for c in found)


def _component_matches(
    comp_filter: CompFilter, component: Component, parent: Component | None
) -> bool:
    time_range = comp_filter.time_range
    if time_range is not None and not _in_range(time_range, component, parent):
        return False
    return all(_prop_matches(p, component) for p in comp_filter.props) and all(
        _comp_matches(c, component) for c in comp_filter.comps
    )


def _prop_matches(prop_filter: PropFilter, component: Component) -> bool:
    found = component.get(prop_filter.name)
    present = found if isinstance(found, list) else [] if found is None else [found]
    if prop_filter.is_not_defined:
        return not present
    if not present:
        return False
    if prop_filter.text_match is None:
        return True
    return prop_filter.text_match.matches([t for value in present for t in _texts(value)])


def _texts(value: object) -> list[str]:
    """The text a property value is matched as: each category on its own."""
    if isinstance(value, vCategory):
        return [str(c) for c in value.cats]
    if isinstance(value, vText | str):
        return [str(value)]
    to_ical = getattr(value, "to_ical", None)
    raw = to_ical() if to_ical is not None else value
    return [raw.decode() if isinstance(raw, bytes) else str(raw)]


def _in_range(time_range: TimeRange, component: Component, parent: Component | None) -> bool:
    if component.name == "VALARM":
        return parent is not None and _alarm_in_range(time_range, component, parent)
    if component.name != "VEVENT" or "DTSTART" not in component:
        return False
    start, end = _event_span(component)
    return time_range.overlaps(start, end)


def _moment(value: object) -> dt.datetime:
    """A DATE or DATE-TIME as an aware instant; dates and floating times in Shanghai."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI_TIME)
    assert isinstance(value, dt.date)
    return dt.datetime.combine(value, dt.time(), SHANGHAI_TIME)


def _event_span(event: Component) -> tuple[dt.datetime, dt.datetime | None]:
    """RFC 4791 §9.9's VEVENT table: start and end, or None for an instant."""
    raw_start = event.decoded("DTSTART")
    start = _moment(raw_start)
    if "DTEND" in event:
        return start, _moment(event.decoded("DTEND"))
    if "DURATION" in event:
        duration: dt.timedelta = event.decoded("DURATION")
        return start, (start + duration) if duration > dt.timedelta(0) else None
    if not isinstance(raw_start, dt.datetime):  # an all-day event without an end: one day
        return start, start + dt.timedelta(days=1)
    return start, None


def _alarm_in_range(time_range: TimeRange, alarm: Component, event: Component) -> bool:
    """RFC 4791 §9.9: start <= trigger < end, for each repetition."""
    trigger = alarm.decoded("TRIGGER")
    if isinstance(trigger, dt.timedelta):
        start, end = _event_span(event)
        related = alarm["TRIGGER"].params.get("RELATED", "START").upper()
        base = (end or start) if related == "END" else start
        moment = base + trigger
    else:
        moment = _moment(trigger)
    times = [moment]
    if "REPEAT" in alarm and "DURATION" in alarm:
        step: dt.timedelta = alarm.decoded("DURATION")
        times += [moment + step * (i + 1) for i in range(min(int(alarm.decoded("REPEAT")), 100))]
    return any(time_range.overlaps(t) for t in times)
