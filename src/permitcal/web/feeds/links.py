"""The URLs handed to a person and to calendar apps for one subscription."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = ["FeedLinks", "feed_filename", "feed_links", "webcal"]


def feed_filename(policy_key: str) -> str:
    """The feed's file name handed out: its (first) permit's policy, ``beijing-permit.ics``.

    Any name is routed to the same feed; this one tells a person, and a saved
    download, whose rules the calendar follows.
    """
    return f"{policy_key}-permit.ics"


def webcal(url: str) -> str:
    """The ``webcal://`` form of an http(s) URL: Apple Calendar and Outlook desktop subscribe."""
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))


@dataclass(frozen=True, slots=True)
class FeedLinks:
    feed_url: str
    webcal_url: str
    google_url: str
    outlook_url: str
    download_url: str

    def to_json(self) -> dict[str, str]:
        return {
            "feed_url": self.feed_url,
            "webcal_url": self.webcal_url,
            "google_url": self.google_url,
            "outlook_url": self.outlook_url,
            "download_url": self.download_url,
        }


def feed_links(feed_url: str, feed_name: str) -> FeedLinks:
    """Every subscribe link for the feed at ``feed_url`` (http or https)."""
    webcal_url = webcal(feed_url)
    separator = "&" if "?" in feed_url else "?"
    return FeedLinks(
        feed_url=feed_url,
        webcal_url=webcal_url,
        google_url="https://calendar.google.com/calendar/r?cid=" + quote(webcal_url, safe=""),
        outlook_url=(
            "https://outlook.live.com/calendar/0/addfromweb?url="
            + quote(feed_url, safe="")
            + "&name="
            + quote(feed_name, safe="")
        ),
        download_url=f"{feed_url}{separator}download=1",
    )
