"""An event's description is built on first read (#19), and reads as the Text it always was."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from permitcal import Deadline, Text, compute_deadlines
from permitcal import deadlines as deadlines_module

FIELDS = [
    "rule",
    "cycle",
    "date",
    "kind",
    "basis",
    "expiry",
    "estimate",
    "provisional",
    "date_provisional",
    "working_day",
    "nearest_working_day",
    "title",
    "description",
    "remind",
    "surely_rest_day",
    "act_on_receipt",
    "track",
    "policy",
]


def test_the_fields_are_those_of_before() -> None:
    assert [f.name for f in dataclasses.fields(Deadline)] == FIELDS


def test_built_once_on_first_read(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    describe = deadlines_module.describe

    def counting(*args: object) -> Text:
        built.append("one")
        return describe(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(deadlines_module, "describe", counting)
    deadlines = compute_deadlines(issued="2023-06-01", cycles=2)
    assert built == []
    first = deadlines[0].description
    assert isinstance(first, Text)
    assert deadlines[0].description is first
    assert len(built) == 1


@pytest.mark.parametrize(
    "inputs",
    [
        {"issued": "2023-06-01"},
        {"expires": "2027-10-01", "card_received": "2027-10-05"},  # an unpublished year
        {"policy": "beijing", "issued": "2024-03-31"},
        {"issued": "2024-02-29", "changes": ["address", "spouse"], "points": False},
    ],
)
def test_every_read_sees_the_built_text(inputs: dict[str, object]) -> None:
    unread = compute_deadlines(**inputs)  # type: ignore[arg-type]
    read = compute_deadlines(**inputs)  # type: ignore[arg-type]
    texts = [d.description for d in read]
    assert all(type(t) is Text for t in texts)
    # Equality and hashing read the description of a deadline not read before ...
    assert unread == read
    assert [hash(d) for d in compute_deadlines(**inputs)] == [hash(d) for d in read]  # type: ignore[arg-type]
    # ... and so do repr, replace, copies and pickling.
    fresh = compute_deadlines(**inputs)  # type: ignore[arg-type]
    assert [repr(d) for d in fresh] == [repr(d) for d in read]
    for deadline, text in zip(compute_deadlines(**inputs), texts, strict=True):  # type: ignore[arg-type]
        assert dataclasses.replace(deadline, track="t").description == text
        assert copy.copy(deadline).description == text
        assert pickle.loads(pickle.dumps(deadline)).description == text
        assert dataclasses.asdict(deadline)["description"] == {"zh": text.zh, "en": text.en}


def test_a_deadline_made_by_hand_keeps_its_description() -> None:
    made = dataclasses.replace(
        compute_deadlines(issued="2023-06-01", cycles=1)[0], description=Text("甲", "A")
    )
    assert made.description == Text("甲", "A")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.description = Text("乙", "B")  # type: ignore[misc]
