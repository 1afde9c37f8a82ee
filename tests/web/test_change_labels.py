"""Issue 18 item 5: the changes' names are declared once, in each policy's checklist."""

from __future__ import annotations

from permitcal.errors import InvalidInputError
from permitcal.policy import policies
from permitcal.web.words.messages import explain
from permitcal.web.words.texts import UI


def test_issue_18_change_labels_are_declared_once_in_the_policy() -> None:
    """The page and the messages read the changes' names from the policies' checklists."""
    for policy in policies().values():
        for change in policy.changes:
            assert UI[f"change_{change.value}"] == policy.change_label(change)
    # The policies agree on each change's name (one label per change on the page).
    labels = {}
    for policy in policies().values():
        for change in policy.changes:
            labels.setdefault(change, policy.change_label(change))
            assert labels[change] == policy.change_label(change)
    error = InvalidInputError(
        "changes", "x", reason="not_one_of", params={"choices": ["spouse"], "text": "pets"}
    )
    assert labels[next(c for c in labels if c.value == "spouse")].zh in explain(error, "zh")
