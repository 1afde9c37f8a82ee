"""Who runs this instance and where its source lives, from the operator's settings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from permitcal.policy import Policy, Reference

__all__ = ["Operator", "official_references", "operator_from_config"]

# A plain address, enough to tell an e-mail contact from a phone number or a WeChat id;
# anything else is shown as text, never made into a link.
_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")


@dataclass(frozen=True, slots=True)
class Operator:
    """The about page's facts from PERMITCAL_OPERATOR_NAME, _OPERATOR_CONTACT, _PROJECT_URL."""

    name: str | None = None
    contact: str | None = None
    contact_url: str | None = None
    """A link for ``contact`` when it is a web or e-mail address; None: shown as text."""
    project_url: str | None = None


def operator_from_config(config: Mapping[str, Any]) -> Operator:
    """The settings, checked when the app starts (a bad URL stops it rather than show a
    link that cannot work, or one with another scheme such as ``javascript:``)."""
    name = _text(config.get("OPERATOR_NAME"))
    contact = _text(config.get("OPERATOR_CONTACT"))
    project = _text(config.get("PROJECT_URL"))
    if project is not None and not project.startswith(("https://", "http://")):
        raise RuntimeError(f"PERMITCAL_PROJECT_URL must be an http(s) URL, not {project!r}")
    return Operator(name, contact, _contact_url(contact), project)


def official_references(policy: Policy) -> list[Reference]:
    """The texts and services the rules cite that have an address, once each, in order."""
    found: list[Reference] = []
    for rule in policy.rules:
        for reference in rule.references:
            if reference.url is not None and reference not in found:
                found.append(reference)
    return found


def _text(value: object) -> str | None:
    # from_prefixed_env reads a value that looks like JSON as JSON: a phone number
    # comes back as a number, so anything is taken as its text.
    text = "" if value is None else str(value).strip()
    return text or None


def _contact_url(contact: str | None) -> str | None:
    if contact is None:
        return None
    if contact.startswith(("https://", "http://")) and not any(c.isspace() for c in contact):
        return contact
    if _EMAIL.fullmatch(contact):
        return f"mailto:{contact}"
    return None
