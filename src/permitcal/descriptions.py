"""Layer 2: an event's description, assembled from texts built once per distinct text.

Most of a description is the same for every event of a rule (procedure,
checklist, basis, references), and the rest repeats across events and feeds
(a cycle's line is shared by its rules, a date's sentence by every feed
whose deadline falls on it). Building each distinct text once, instead of
formatting every template for every event, was half of ``compute``'s time.
Every cache here holds outputs of pure functions of immutable values
(``Text``, dates, a frozen ``Policy``), so an entry can never go stale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from permitcal.by_identity import ByIdentity
from permitcal.policy import Anchor, Basis, Change, Policy, Reference, Rule, Text
from permitcal.workdays import WorkdayAnswer

__all__ = ["Describe", "describe"]

# A bound, not a working size: each cache holds a few entries per day of the
# supported years at most; past this (a long-lived process fed unusual data)
# it starts again rather than grow.
_MAX_ENTRIES = 200_000

_filled: dict[tuple[Text, tuple[tuple[str, object], ...]], Text] = {}


def fill(template: Text, **values: object) -> Text:
    """``template.format(**values)``, built once per distinct template and values."""
    key = (template, tuple(values.items()))
    found = _filled.get(key)
    if found is None:
        if len(_filled) >= _MAX_ENTRIES:
            _filled.clear()
        found = _filled[key] = template.format(**values)
    return found


@dataclass(frozen=True, slots=True)
class Describe:
    """What a description says beyond its rule and policy (the arguments of :func:`describe`)."""

    expiry: dt.date
    day: dt.date
    card: dt.date | None
    estimate: bool
    counted: WorkdayAnswer
    nearest: WorkdayAnswer
    working_day: bool
    changes: frozenset[Change]
    act_on_receipt: bool = False
    surely_rest_day: bool = False
    points: bool = True
    estimated_cycle: bool = False


def describe(rule: Rule, policy: Policy, facts: Describe) -> Text:
    """The event description: the rule's text, then notes that apply to this date.

    A deadline on a rest day names its act-by day in the first line and says
    "today" nowhere (its alarm rang on the act-by day); a day that may be off
    is said to be one only as a possibility (RULES.md, "Sentences that stay true").
    """
    wording, day, nearest = policy.wording, facts.day, facts.nearest
    kind = rule.kind
    names_day = kind.names_day_to_act
    rest_note = None
    if not facts.working_day and names_day:
        notes = policy.rest_day_notes if facts.surely_rest_day else policy.maybe_rest_day_notes
        weekday = wording.weekdays[nearest.date.weekday()]
        rest_note = fill(notes[kind], date=day, nearest=nearest.date, weekday=weekday)
    # Where the alarm rings on the act-by day (a deadline), the description leads
    # with that day; an opening's note follows its rule.
    leads = kind.alarm_on_act_by is True
    parts: list[Text] = []
    if facts.act_on_receipt:
        parts.append(fill(wording.act_on_receipt, date=day, card=nearest.date))
    elif rest_note is not None and leads:
        parts.append(rest_note)
    if facts.working_day or not names_day:
        parts.append(fill(rule.description, day=wording.today, act_by=wording.today))
    else:
        weekday = wording.weekdays[nearest.date.weekday()]
        act_by = fill(wording.act_by_day, date=nearest.date, weekday=weekday)
        parts.append(fill(rule.description, day=day, act_by=act_by))
    counted = facts.counted
    if counted.provisional:
        years = "/".join(map(str, counted.unpublished_years))
        parts.append(fill(wording.provisional_date, year=years))
    if rest_note is not None and not leads:
        parts.append(rest_note)
    # A consequence names no day to act, so it carries no note about one.
    if nearest.provisional and not counted.provisional and names_day:
        years = "/".join(map(str, nearest.unpublished_years))
        parts.append(fill(policy.provisional_notes[kind], year=years))
    if facts.estimate and rule.estimate_note is not None:
        parts.append(rule.estimate_note)
    if facts.estimated_cycle and policy.cycle.estimate_note is not None:
        parts.append(policy.cycle.estimate_note)
    if facts.card is not None and rule.anchor is Anchor.CARD_RECEIVED:
        parts.append(fill(wording.card_received_line, date=facts.card))
    texts = _texts(policy)
    middle = texts.middle(rule, facts.changes, facts.points)
    if middle is not None:
        parts.append(middle)
    parts.append(fill(wording.cycle_line, expiry=facts.expiry))
    parts.append(texts.ending(rule))
    return Text("\n\n".join([p.zh for p in parts]), "\n\n".join([p.en for p in parts]))


class _PolicyTexts:
    """One policy's description parts that depend on no date, joined once per rule."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._middles: dict[tuple[str, bool, frozenset[Change], bool], Text | None] = {}
        self._endings: dict[tuple[str, Basis, bool], tuple[tuple[Reference, ...], Text]] = {}

    def middle(self, rule: Rule, changes: frozenset[Change], points: bool) -> Text | None:
        """Procedure and checklist (for a checklist rule), then the policy's note; or None."""
        key = (rule.id, rule.checklist, changes, points)
        if key in self._middles:
            return self._middles[key]
        policy = self.policy
        parts: list[Text] = []
        if rule.checklist:
            # Without points, where the policy has them: the permit's endorsement only.
            with_points = points or not policy.points
            parts.append(policy.procedure if with_points else policy.procedure_without_points)
            parts.append(_checklist(policy, changes, points))
        if policy.event_note is not None:
            parts.append(policy.event_note)
        joined = _join(parts) if parts else None
        self._middles[key] = joined
        return joined

    def ending(self, rule: Rule) -> Text:
        """How firm the rule is, then its references."""
        key = (rule.id, rule.basis, rule.points)
        found = self._endings.get(key)
        # The references are checked by identity (a variant of a rule made with
        # dataclasses.replace shares them): a caller's rule with the same id but
        # other references gets its own text.
        if found is not None and found[0] is rule.references:
            return found[1]
        parts = [_basis_note(self.policy, rule)]
        if rule.references:
            wording = self.policy.wording
            lines = [r.title if r.url is None else f"{r.title} {r.url}" for r in rule.references]
            refs = "\n".join(f"- {line}" for line in lines)
            parts.append(
                Text(
                    f"{wording.references_heading.zh}\n{refs}",
                    f"{wording.references_heading.en}\n{refs}",
                )
            )
        joined = _join(parts)
        self._endings[key] = (rule.references, joined)
        return joined


# By policy object: a Policy is frozen but hashing one walks all its rules.
_texts: ByIdentity[Policy, _PolicyTexts] = ByIdentity(_PolicyTexts)


def _join(parts: list[Text]) -> Text:
    return Text("\n\n".join([p.zh for p in parts]), "\n\n".join([p.en for p in parts]))


def _basis_note(policy: Policy, rule: Rule) -> Text:
    """How firm the rule is and, for a source rule, whom to ask (the points' own contact)."""
    wording = policy.wording
    if rule.basis is Basis.OFFICIAL:
        return wording.official_note
    if rule.points and wording.source_note_points is not None:
        return wording.source_note_points
    return wording.source_note


def _checklist(policy: Policy, declared: frozenset[Change], points: bool = True) -> Text:
    """The documents for the declared changes, or for every change when none was declared.

    Without points, the items only the points need are left out.
    """
    known = [c for c in policy.checklists if points or not c.points]
    items = [c for c in known if c.change in declared] or known
    heading = policy.wording.checklist_declared if declared else policy.wording.checklist_if_changed
    zh = "\n".join(f"- {c.label.zh}：{c.documents.zh}" for c in items)
    en = "\n".join(f"- {c.label.en}: {c.documents.en}" for c in items)
    return Text(f"{heading.zh}\n{zh}", f"{heading.en}\n{en}")
