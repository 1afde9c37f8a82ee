"""The CalDAV account a subscription hands to a phone: server, user name, password."""

from __future__ import annotations

from flask import url_for

from permitcal.web.storage.store import Subscription

__all__ = ["COLLECTION_SEGMENT", "caldav_account"]

COLLECTION_SEGMENT = "permit"
"""The calendar collection's path segment under the account: /dav/<account>/permit/."""


def caldav_account(sub: Subscription, feed_token: str) -> dict[str, str]:
    """Server, user name and password; the password is the feed token, so rotating changes it."""
    return {
        "caldav_url": url_for("caldav.root", _external=True),
        "caldav_calendar_url": url_for(
            "caldav.collection_at",
            account=sub.account,
            collection=COLLECTION_SEGMENT,
            _external=True,
        )
        + "/",
        "caldav_username": sub.account,
        "caldav_password": feed_token,
    }
