"""Layer 1: the rules as data (the vocabulary, each city's policy, and their registry)."""

from permitcal.policy.beijing import BEIJING
from permitcal.policy.model import (
    WEEKDAYS,
    ActOn,
    Anchor,
    Basis,
    Change,
    ChangeChecklist,
    Cycle,
    Kind,
    Lang,
    Offset,
    Policy,
    Reference,
    Rule,
    Step,
    Text,
    Unit,
    Wording,
)
from permitcal.policy.national import NATIONAL
from permitcal.policy.registry import DEFAULT_POLICY, POLICY_KEYS, get_policy, policies
from permitcal.policy.shanghai import SHANGHAI

__all__ = [
    "BEIJING",
    "DEFAULT_POLICY",
    "NATIONAL",
    "POLICY_KEYS",
    "SHANGHAI",
    "WEEKDAYS",
    "ActOn",
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
    "Wording",
    "get_policy",
    "policies",
]
