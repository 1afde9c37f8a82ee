"""Layer 1: the rules as data (the vocabulary, and the Shanghai policy written in it)."""

from permitcal.policy.model import (
    ActOn,
    Anchor,
    Basis,
    Change,
    ChangeChecklist,
    Kind,
    Lang,
    Policy,
    Reference,
    Rule,
    Step,
    Text,
    Unit,
    Wording,
)
from permitcal.policy.shanghai import SHANGHAI

__all__ = [
    "SHANGHAI",
    "ActOn",
    "Anchor",
    "Basis",
    "Change",
    "ChangeChecklist",
    "Kind",
    "Lang",
    "Policy",
    "Reference",
    "Rule",
    "Step",
    "Text",
    "Unit",
    "Wording",
]
