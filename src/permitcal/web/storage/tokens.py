"""Secrets of a subscription: random tokens handed out once, stored only as hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

__all__ = ["feed_token_for", "hash_token", "looks_like_token", "new_account_id", "new_token"]

# 24 random bytes = 192 bits, more than the 128 DESIGN.md asks for; URL-safe
# base64 gives 32 characters that survive copy and paste.
_TOKEN_BYTES = 24
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")


def new_token() -> str:
    """A fresh feed or manage token."""
    return secrets.token_urlsafe(_TOKEN_BYTES)


def feed_token_for(manage_token: str, generation: int) -> str:
    """The feed token of a subscription, derived from its manage token.

    Whoever holds the manage token can always show the subscribe links again,
    while the feed token (handed to Google, Apple, Microsoft) reveals nothing
    about the manage token, and the database, which keeps only hashes, reveals
    neither. Rotation moves to the next generation.
    """
    digest = hmac.new(
        manage_token.encode("ascii"), f"permitcal-feed:{generation}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:_TOKEN_BYTES]).decode("ascii")


def new_account_id() -> str:
    """A short public identifier (UID prefix, future CalDAV user name); not a secret."""
    return secrets.token_hex(6)


def hash_token(token: str) -> str:
    """What the database keeps: a copy of it reveals no working URL."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(text: str) -> bool:
    """Cheap shape check before any database lookup; malformed tokens are simply unknown."""
    return _TOKEN_SHAPE.fullmatch(text) is not None
