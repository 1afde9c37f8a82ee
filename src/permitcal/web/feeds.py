"""Feed endpoints: per-subscription feeds, downloads, and the stateless /feed.ics."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import Blueprint, Response, abort, request, url_for
from werkzeug.http import http_date, parse_date, parse_etags

from permitcal.web.links import FEED_FILENAME, FeedLinks, feed_links
from permitcal.web.service import Feed, SubscriptionGone, service
from permitcal.web.settings import FIELDS, FeedSettings
from permitcal.web.store import Subscription
from permitcal.web.tokens import looks_like_token

__all__ = ["CALENDAR_TYPE", "bp"]

CALENDAR_TYPE = "text/calendar; charset=utf-8"

bp = Blueprint("feeds", __name__)

_ADHOC_PARAMS = (*FIELDS, "download")


def subscription_links(sub: Subscription, manage_token: str) -> FeedLinks:
    """The subscribe links of a stored subscription (readable last path segment)."""
    token = sub.feed_token(manage_token)
    url = url_for(
        "feeds.subscription", token=token, name=FEED_FILENAME.removesuffix(".ics"), _external=True
    )
    return feed_links(url, service().policy.calendar_name.get(sub.settings.lang, " "))


def home_url() -> str:
    """The page a feed's events link back to (never a URL with a secret in it)."""
    # Built from the request's scheme and host, so the same for every request
    # to this host: remember it rather than build it on every feed fetch.
    known = service().home_urls
    environ = request.environ
    # Raw WSGI keys: Werkzeug's request.host_url is rebuilt on every request.
    key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SCRIPT_NAME"))
    found = known.get(key)
    if found is None:
        found = url_for("pages.index", _external=True)
        if len(known) < 64:  # bounded: Host headers come from clients
            known[key] = found
    return found


@bp.get("/feeds/<token>.ics")
@bp.get("/f/<token>/<name>.ics")
def subscription(token: str, name: str | None = None) -> Response:
    if not looks_like_token(token):
        abort(404)
    try:
        feed = service().subscription_feed(token, home_url())
    except SubscriptionGone:
        feed = None
    if feed is None:
        abort(404)
    return _respond(feed)


@bp.get("/feed.ics")
def adhoc() -> Response:
    args = {name: request.args.get(name, "") for name in request.args}
    args.pop("download", None)
    settings = FeedSettings.from_strings(args, allowed=_ADHOC_PARAMS)
    return _respond(service().adhoc_feed(settings, home_url()))


def _respond(feed: Feed) -> Response:
    """Bytes as rendered, strong ETag, Last-Modified, and 304 where the client is current.

    HEAD needs nothing here: Werkzeug sends the headers without the body.
    """
    last_modified = _http_date(feed.last_modified)
    headers = {
        "ETag": feed.rendered.etag_header,
        "Last-Modified": last_modified,
        # Clients should revalidate (cheaply, with a 304) rather than trust a stale copy.
        "Cache-Control": "no-cache",
    }
    if _client_is_current(feed.rendered.etag, feed.last_modified):
        return Response(status=304, headers=headers)
    if request.environ.get("QUERY_STRING") and request.args.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="{FEED_FILENAME}"'
    return Response(feed.rendered.body, content_type=CALENDAR_TYPE, headers=headers)


@lru_cache(maxsize=1024)
def _http_date(moment: dt.datetime) -> str:
    return http_date(moment)


def _client_is_current(etag: str, last_modified: dt.datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    environ = request.environ  # raw keys: cheaper than Werkzeug's header view on this hot path
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return parse_etags(if_none_match).contains_weak(etag)
    if_modified_since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    return if_modified_since is not None and last_modified <= if_modified_since
