"""The vocabulary in which a city's permit rules are declared as data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = [
    "WEEKDAYS",
    "Anchor",
    "Basis",
    "Change",
    "ChangeChecklist",
    "Cycle",
    "Kind",
    "Lang",
    "Offset",
    "Policy",
    "Reference",
    "Rule",
    "Step",
    "Text",
    "Unit",
]

Lang = Literal["zh", "en", "both"]


class Basis(StrEnum):
    """How firm a rule is (RULES.md, "Basis")."""

    OFFICIAL = "official"  # official texts, or several independent sources agree
    SOURCE = "source"  # stated by the source guide only; users may switch these off


class Unit(StrEnum):
    """What one step of an offset counts."""

    DAYS = "days"  # calendar days: no holiday data needed
    MONTHS = "months"  # calendar months, clamped to the month's end (relativedelta)
    YEARS = "years"  # calendar years: 29 February → 28 February (relativedelta)
    WORKING_DAYS = "working_days"  # mainland-China working days, 调休 included


class Anchor(StrEnum):
    """The date a rule counts from."""

    EXPIRY = "expiry"  # the cycle's expiry date E
    START = "start"  # the day the cycle began: issue, or the renewal it counts from
    CARD_RECEIVED = "card_received"  # the day the renewed card was received


class ActOn(StrEnum):
    """Which working day a person acts on, relative to an event's date."""

    ON_OR_BEFORE = "on_or_before"  # the last working day on or before the date
    ON_OR_AFTER = "on_or_after"  # the first working day on or after the date
    BEFORE = "before"  # the last working day strictly before the date


class Kind(StrEnum):
    """What an event means for the person; its properties say how rest days are handled.

    The engine, the calendar writer, the command line and the page read these
    properties instead of testing for a kind, so a new kind is one table row.
    """

    DEADLINE = "deadline"  # last day to act
    OPENING = "opening"  # first day one can act
    CONSEQUENCE = "consequence"  # first day something is lost

    @property
    def act_on(self) -> ActOn:
        """The working day that matters when the date is a rest day."""
        return _KIND_TABLE[self][0]

    @property
    def names_day_to_act(self) -> bool:
        """Whether the event names a day to act (a consequence does not: when it comes,
        that day has passed, and the deadline before it named it)."""
        return _KIND_TABLE[self][1]

    @property
    def alarm_on_act_by(self) -> bool | None:
        """Where the event's own alarm rings: on the act-by day (True), on the date
        itself (False), or nowhere (None)."""
        return _KIND_TABLE[self][2]


# kind → (act on, names a day to act, alarm on the act-by day)
_KIND_TABLE: dict[Kind, tuple[ActOn, bool, bool | None]] = {
    Kind.DEADLINE: (ActOn.ON_OR_BEFORE, True, True),
    Kind.OPENING: (ActOn.ON_OR_AFTER, True, False),
    Kind.CONSEQUENCE: (ActOn.BEFORE, False, None),
}


class Change(StrEnum):
    """Material changes since the last renewal that need extra documents."""

    ADDRESS = "address"
    EMPLOYER = "employer"
    EDUCATION = "education"
    TITLE = "title"
    SPOUSE = "spouse"


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing text in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: Lang, joiner: str = "\n\n") -> str:
        """The text in ``lang``; ``"both"`` puts Chinese first, then English."""
        if lang == "zh":
            return self.zh
        if lang == "en":
            return self.en
        return f"{self.zh}{joiner}{self.en}"

    def format(self, **values: object) -> Text:
        """Both languages with ``str.format`` placeholders filled in.

        A value that is itself a ``Text`` fills each language with its own side.
        """
        return Text(
            self.zh.format(**{k: v.zh if isinstance(v, Text) else v for k, v in values.items()}),
            self.en.format(**{k: v.en if isinstance(v, Text) else v for k, v in values.items()}),
        )


WEEKDAYS = (
    Text("星期一", "Monday"),
    Text("星期二", "Tuesday"),
    Text("星期三", "Wednesday"),
    Text("星期四", "Thursday"),
    Text("星期五", "Friday"),
    Text("星期六", "Saturday"),
    Text("星期日", "Sunday"),
)
"""The weekdays' names, Monday first: the same whatever the policy (pages name days too)."""


@dataclass(frozen=True, slots=True)
class Reference:
    """Where a rule comes from: a document name and, where there is one, an address."""

    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One signed step of an offset: ``Step(-30, Unit.DAYS)`` is thirty days earlier."""

    amount: int
    unit: Unit


@dataclass(frozen=True, slots=True)
class Rule:
    """One deadline rule of RULES.md, declared as data."""

    id: str
    """Short stable identifier, ``"R1"`` … ``"R9"``; part of event UIDs, never reuse one."""
    kind: Kind
    """Whether the date ends, opens, or marks the loss of something."""
    anchor: Anchor
    """The date the steps count from."""
    steps: tuple[Step, ...]
    """Applied in order to the anchor; empty means the anchor itself."""
    basis: Basis
    """How firm the rule is."""
    title: Text
    """Short event title (about 12 Chinese characters: month views cut long ones)."""
    description: Text
    """What to do, and what happens if the person misses it."""
    references: tuple[Reference, ...] = ()
    """Sources for the rule; shown at the end of the event description."""
    fallback_anchor: Anchor | None = None
    """Anchor used when ``anchor`` is unknown; the result is then labelled an estimate."""
    estimate_note: Text | None = None
    """Explains an estimate made from ``fallback_anchor``."""
    requires_change: Change | None = None
    """The rule applies only when this material change was declared (first cycle only)."""
    remind: bool = False
    """Important enough for separate reminder events some days before."""
    checklist: bool = False
    """The event carries the renewal procedure and the material-changes checklist."""
    void_once_renewed: bool = False
    """Only matters while the cycle's permit is not renewed: left out once the renewed
    card is recorded, when the event falls after the card (RULES.md, "Renewal recorded")."""
    action: Text | None = None
    """What to do, in one sentence, for reminders (which must never say "today")."""
    points: bool = False
    """About the points (积分): left out for a holder without points."""
    without_points: tuple[Text, Text] | None = None
    """(title, description) for a holder without points, where the rule names them."""
    todo: Text | None = None
    """What to do as a short verb phrase ("办理居住证签注" / "endorse the permit"), for
    one-line summaries such as the web page's "next deadline"; None: nothing to do."""


@dataclass(frozen=True, slots=True)
class ChangeChecklist:
    """The documents one kind of material change needs."""

    change: Change
    label: Text
    documents: Text
    points: bool = False
    """Needed for the points only: left out of the checklist for a holder without points."""


@dataclass(frozen=True, slots=True)
class Wording:
    """The display templates every event is written with (notes, reminders, headings).

    Kept apart from the rules: a rule says what happens and when; these say
    how any event is worded, whatever rule it comes from.
    """

    source_note: Text
    """Appended to every rule whose basis is ``source`` (the permit's: whom to ask)."""
    official_note: Text
    """Appended to every rule whose basis is ``official``."""
    rest_day_deadline: Text
    """First line of a deadline on a day surely off: ``{date}``, act by ``{nearest}``
    (``{weekday}``)."""
    maybe_rest_day_deadline: Text
    """The same for a day that may be off (a year without a notice)."""
    rest_day_opening: Text
    """Added when an opening falls on a day surely off: ``{date}``, act from ``{nearest}``."""
    maybe_rest_day_opening: Text
    """The same for a day that may be off."""
    act_on_receipt: Text
    """First line when the day surely open before deadline ``{date}`` fell before the
    card arrived on ``{card}``: the card day is the day to act on."""
    provisional_date: Text
    provisional_rest_day: Text
    """A deadline's act-by day rests on an unpublished ``{year}``."""
    provisional_opening: Text
    """An opening's first working day rests on an unpublished ``{year}``."""
    today: Text
    """Fills a rule's ``{day}`` and ``{act_by}`` when the date is a working day."""
    act_by_day: Text
    """Fills a rule's ``{act_by}`` on a rest day: ``{date}`` (``{weekday}``)."""
    reminder_title: Text
    """``{days}`` left until ``{act_by}`` for ``{title}``."""
    reminder_title_one_day: Text
    """The same, one day before: ``{title}``."""
    reminder_description: Text
    """Placeholders: ``{title}``, ``{act_by}``, ``{weekday}``, ``{count}``, ``{action}``."""
    days_count: Text
    """``{days}`` days, for ``{count}`` (more than one)."""
    one_day_count: Text
    """One day, for ``{count}``."""
    reminder_rest_day: Text
    """Added to a reminder when the deadline ``{date}`` is surely a rest day."""
    reminder_maybe_rest_day: Text
    """Added to a reminder when the deadline ``{date}`` may be a day off."""
    reminder_on_receipt: Text
    """Added to a reminder whose act-by day ``{act_by}`` is the card day."""
    reminder_provisional: Text
    """Added to a reminder whose day to act rests on an unpublished notice."""
    weekdays: tuple[Text, ...]
    """Monday first, for naming the act-by day."""
    references_heading: Text
    cycle_line: Text
    checklist_declared: Text
    """Heads the checklist when the person declared changes."""
    checklist_if_changed: Text
    """Heads the full checklist when no change was declared."""
    card_received_line: Text
    source_note_points: Text | None = None
    """The ``source`` note of a points rule, where points questions go elsewhere (Shanghai:
    the 12333 hotline); None: ``source_note``."""


@dataclass(frozen=True, slots=True)
class Offset:
    """A day counted from one of a cycle's two dates (its start or its expiry)."""

    anchor: Anchor
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True, slots=True)
class Cycle:
    """A policy's yearly cycle: how long a permit runs and when a renewal belongs to it.

    These numbers decide which cycles a feed shows and which renewal a recorded
    date belongs to; they are the policy's, never the engine's.
    """

    validity: tuple[Step, ...]
    """From a cycle's start (issue, or the renewal it counts from) to its expiry."""
    renewal_opens: Offset
    """The first day a renewal (a recorded card or endorsement) can belong to the cycle."""
    renewal_closes: Offset
    """The last such day; a later one is a new start (enter it as the issue date)."""
    live_until: Offset
    """The cycle is shown while *today* is on or before this day (its last late event)."""
    counts_from_renewal: bool = False
    """The next cycle starts on the day of the renewal (Beijing, national) rather than at
    the expiry (Shanghai): a recorded renewal moves the chain, and a cycle whose renewal
    is not recorded yet is an estimate, counted as if renewed on the first day possible."""
    estimate_note: Text | None = None
    """Explains an estimated cycle (only with ``counts_from_renewal``)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """A city's complete rule set; a policy change is a new Policy, not new code."""

    id: str
    """Stable identifier, part of UIDs and cache keys (``"shanghai"``)."""
    version: str
    """Changes whenever any rule or text changes; part of cache keys."""
    updated: dt.date
    """When this version was written; the default DTSTAMP of rendered events."""
    feed_name: Text
    feed_description: Text
    category: Text
    """Category shared by every event of the policy."""
    rules: tuple[Rule, ...]
    procedure: Text
    """The renewal procedure, for the checklist event."""
    procedure_without_points: Text
    """The same for a holder without points (the permit's endorsement only)."""
    checklists: tuple[ChangeChecklist, ...]
    wording: Wording
    """The sentences events are written with, apart from the rules themselves."""
    cycle: Cycle
    """Validity, renewal span and live horizon of each yearly cycle."""
    name: Text
    """The place or rule set, for lists (``permitcal policies``, the API's answers)."""
    points: bool = False
    """Whether holders can have points (积分): only then is the ``points`` option allowed."""
    event_note: Text | None = None
    """Added to every event's description (the national rules: the city may have its own)."""

    @property
    def rest_day_notes(self) -> Mapping[Kind, Text]:
        """The rest-day note of each kind that names a day to act (a day surely off)."""
        return {
            Kind.DEADLINE: self.wording.rest_day_deadline,
            Kind.OPENING: self.wording.rest_day_opening,
        }

    @property
    def maybe_rest_day_notes(self) -> Mapping[Kind, Text]:
        """The same notes for a day that may be off (a year without a notice)."""
        return {
            Kind.DEADLINE: self.wording.maybe_rest_day_deadline,
            Kind.OPENING: self.wording.maybe_rest_day_opening,
        }

    @property
    def provisional_notes(self) -> Mapping[Kind, Text]:
        """What a day to act resting on an unpublished notice means, by kind."""
        return {
            Kind.DEADLINE: self.wording.provisional_rest_day,
            Kind.OPENING: self.wording.provisional_opening,
        }

    @property
    def changes(self) -> tuple[Change, ...]:
        """The material changes this policy knows, in the order its checklist gives them."""
        return tuple(c.change for c in self.checklists)

    def change_label(self, change: Change) -> Text:
        """A change's name, declared once in the checklist: the page, messages and events
        all read it here."""
        for item in self.checklists:
            if item.change is change:
                return item.label
        raise KeyError(change)  # a programming error: parse_changes checks the policy

    @property
    def references(self) -> tuple[Reference, ...]:
        """Every source the rules cite, once each, in the order they are first cited."""
        return tuple(dict.fromkeys(r for rule in self.rules for r in rule.references))

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; ``KeyError`` is a programming error, not bad input."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)
