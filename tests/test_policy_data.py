"""The Shanghai policy as data: every rule complete in both languages, every kind known."""

from __future__ import annotations

import pytest

from permitcal.policy import SHANGHAI, ActOn, Basis, Kind, Rule, Text


def texts_of(rule: Rule) -> dict[str, Text]:
    found = {"title": rule.title, "description": rule.description}
    for name in ("action", "todo", "estimate_note"):
        value = getattr(rule, name)
        if value is not None:
            found[name] = value
    return found


@pytest.mark.parametrize("rule", SHANGHAI.rules, ids=lambda r: r.id)
def test_every_rule_is_complete(rule: Rule) -> None:
    for name, text in texts_of(rule).items():
        assert text.zh.strip(), (rule.id, name)
        assert text.en.strip(), (rule.id, name)
        # Each language in its own field: Chinese text in zh, and en not a copy of it.
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text.zh), (rule.id, name)
        assert text.en != text.zh, (rule.id, name)
    assert isinstance(rule.basis, Basis)
    assert rule.references, rule.id
    for reference in rule.references:
        assert reference.title.strip()
        assert reference.url is None or reference.url.startswith("https://")
    # An official rule points somewhere a person can check it.
    if rule.basis is Basis.OFFICIAL:
        assert any(ref.url for ref in rule.references), rule.id
    assert rule.kind in Kind
    assert isinstance(rule.kind.act_on, ActOn)
    # What reminders and the page say must exist for what they remind of.
    if rule.remind:
        assert rule.action is not None, rule.id
        assert rule.kind.names_day_to_act, rule.id
    if rule.todo is not None:
        assert rule.kind is Kind.DEADLINE, rule.id
    if rule.fallback_anchor is not None:
        assert rule.estimate_note is not None, rule.id


def test_rule_ids_are_unique_and_findable() -> None:
    ids = [rule.id for rule in SHANGHAI.rules]
    assert len(ids) == len(set(ids))
    for rule_id in ids:
        assert SHANGHAI.rule(rule_id).id == rule_id


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_says_how_rest_days_are_handled(kind: Kind) -> None:
    assert isinstance(kind.act_on, ActOn)
    if kind.names_day_to_act:
        note = SHANGHAI.rest_day_notes[kind]
        assert "{nearest}" in note.zh
        assert "{nearest}" in note.en
        assert kind.alarm_on_act_by is not None
    else:
        assert kind not in SHANGHAI.rest_day_notes
        assert kind.alarm_on_act_by is None


def test_only_the_source_guide_has_no_address() -> None:
    references = {ref for rule in SHANGHAI.rules for ref in rule.references}
    without = {ref.title for ref in references if ref.url is None}
    assert len(references) >= 5
    assert len(without) == 1
    assert "source guide" in without.pop()
