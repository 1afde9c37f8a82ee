"""The registry of policies by key: the one place that says which rule sets exist."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from permitcal.errors import InvalidInputError
from permitcal.policy.beijing import BEIJING
from permitcal.policy.model import Policy
from permitcal.policy.national import NATIONAL
from permitcal.policy.shanghai import SHANGHAI

__all__ = ["DEFAULT_POLICY", "POLICY_KEYS", "get_policy", "policies"]

_POLICIES: Mapping[str, Policy] = MappingProxyType({p.id: p for p in (SHANGHAI, BEIJING, NATIONAL)})

POLICY_KEYS: tuple[str, ...] = tuple(_POLICIES)

# What an input that names no policy means: every subscription, feed URL and
# library call made before there were several policies was Shanghai's. The
# national rules are never such a default: a holder chooses them.
DEFAULT_POLICY = "shanghai"


def policies() -> Mapping[str, Policy]:
    """Every policy by its key (``"shanghai"``, ``"beijing"``, ``"national"``), read-only.

    >>> list(policies())
    ['shanghai', 'beijing', 'national']
    """
    return _POLICIES


def get_policy(policy: object) -> Policy:
    """The policy a key names (a Policy is returned as it is); an unknown key is an error."""
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, str):
        found = _POLICIES.get(policy)
        if found is not None:
            return found
    raise InvalidInputError(
        "policy",
        f"unknown policy {policy!r}; known policies: {', '.join(POLICY_KEYS)}",
        reason="not_one_of",
        params={
            "choices": list(POLICY_KEYS),
            **({"text": policy} if isinstance(policy, str) else {}),
        },
    )
