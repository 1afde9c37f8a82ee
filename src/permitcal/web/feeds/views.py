"""Feed endpoints: per-subscription feeds, downloads, and the stateless /feed.ics."""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from functools import lru_cache
from typing import TYPE_CHECKING

from flask import Blueprint, Response, abort, request, url_for
from werkzeug.http import http_date, parse_date

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

from permitcal.errors import InvalidInputError
from permitcal.web.feeds.cache import RenderedFeed
from permitcal.web.feeds.links import FeedLinks, feed_filename, feed_links
from permitcal.web.feeds.service import Feed, SubscriptionGone, service
from permitcal.web.serving.compress import VARY, accepts_gzip, matched_etag
from permitcal.web.storage.db_budget import STARTED_KEY
from permitcal.web.storage.schools import parse_school_params
from permitcal.web.storage.settings import FIELDS, FeedSettings
from permitcal.web.storage.store import Subscription
from permitcal.web.storage.tokens import looks_like_token

__all__ = ["CALENDAR_TYPE", "FEED_PATH", "bp", "feed_headers", "home_url", "home_url_key"]

CALENDAR_TYPE = "text/calendar; charset=utf-8"

bp = Blueprint("feeds", __name__)

_ADHOC_PARAMS = (*FIELDS, "school", "download")
# The two forms of a subscription's feed URL, as routed below (for the fast path).
FEED_PATH = re.compile(r"/(?:feeds/(?P<short>[^/]+)\.ics|f/(?P<token>[^/]+)/[^/]+\.ics)")


def subscription_links(sub: Subscription, feed_token: str) -> FeedLinks:
    """The subscribe links of a stored subscription (readable last path segment)."""
    url = url_for(
        "feeds.subscription",
        token=feed_token,
        name=feed_filename(sub.settings.policy).removesuffix(".ics"),
        _external=True,
    )
    return feed_links(url, sub.settings.rules.feed_name.get(sub.settings.lang, " "))


def home_url_key(environ: WSGIEnvironment) -> tuple[object, ...]:
    """What the start page's external URL depends on, from raw WSGI keys (cheap)."""
    return (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SCRIPT_NAME"))


def home_url() -> str:
    """The page a feed's events link back to (never a URL with a secret in it)."""
    # Built from the request's scheme and host, so the same for every request
    # to this host: remember it rather than build it on every feed fetch.
    known = service().home_urls
    key = home_url_key(request.environ)
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
    # A download keeps the name its link carried (the handed-out one names the policy).
    filename = f"{name}.ics" if name and _SAFE_NAME.fullmatch(name) else "permit.ics"
    return _respond(feed, filename if _wants_download() else None)


@bp.get("/feed.ics")
def adhoc() -> Response:
    # `download` is allowed and read below; settings never look at it.
    settings = FeedSettings.from_strings(request.args, allowed=_ADHOC_PARAMS)
    schools = parse_school_params(request.args.getlist("school"))
    found = service()
    feed = found.adhoc_feed(settings, home_url(), schools)
    download = feed_filename(settings.policy) if _wants_download() else None
    # Only a query answered in full is remembered (a bad one gets its 400 from
    # here every time): the fast path answers the same query string from now on.
    found.remember_query(request.environ.get("QUERY_STRING", ""), feed, download)
    return _respond(feed, download)


# What a download's file name may be taken from: nothing that needs quoting in a header.
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


DOWNLOAD_YES = ("1", "true", "yes", "on")
DOWNLOAD_NO = ("", "0", "false", "no", "off")


def _wants_download() -> bool:
    """``?download=1`` (true, yes, on) asks for a file; 0, false, no, off and empty do not."""
    if not request.environ.get("QUERY_STRING"):
        return False
    value = request.args.get("download")
    if value is None or value in DOWNLOAD_NO:
        return False
    if value in DOWNLOAD_YES:
        return True
    raise InvalidInputError(
        "download",
        f"{value!r} is not true or false",
        reason="not_true_or_false",
        params={"text": value},
    )


def _respond(feed: Feed, download: str | None) -> Response:
    """The feed as a Flask response (a file named ``download``, if given); HEAD needs
    nothing here (Werkzeug drops the body)."""
    status, headers, body = feed_headers(feed, request.environ, service().compress, download)
    if status == 304:
        return Response(status=304, headers=headers)
    return Response(body, headers=headers)


def feed_headers(
    feed: Feed, environ: WSGIEnvironment, compress: bool, download: str | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body for a feed: strong ETag, Last-Modified, 304, gzip when asked.

    Shared by the Flask views and the WSGI fast path, so both answer alike.
    Feeds are gzipped whenever the client asks, however small: one rule keeps
    each answer's form and ETag predictable, and no real feed is small enough
    for gzip to lose more than a few bytes. With ``compress`` (the setting),
    every answer says ``Vary: Accept-Encoding``, 304s included.
    """
    rendered = feed.rendered
    gzipped = compress and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
    last_modified = min(feed.last_modified, request_started(environ))
    current = _current_etag(environ, rendered, last_modified, gzipped)
    if current is not None:
        # RFC 9110 §15.4.5: no other representation metadata.
        headers = [("ETag", current), ("Cache-Control", "no-cache")]
        if compress:
            headers.append(VARY)
        return 304, headers, b""
    body = feed.gzip_body() if gzipped else rendered.body
    headers = [
        ("ETag", rendered.gzip_etag_header if gzipped else rendered.etag_header),
        # Clients should revalidate (cheaply, with a 304) rather than trust a stale copy.
        ("Cache-Control", "no-cache"),
    ]
    if compress:
        headers.append(VARY)
    headers.append(("Last-Modified", _http_date(last_modified)))
    headers.append(("Content-Type", CALENDAR_TYPE))
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    if download is not None:
        headers.append(("Content-Disposition", f'attachment; filename="{download}"'))
    return 200, headers, body


def request_started(environ: WSGIEnvironment) -> dt.datetime:
    """When this request began, to the second below: no Last-Modified may be later.

    The server's ``Date`` can be taken when the request starts (waitress),
    while a record first written during the request is stamped later: a
    Last-Modified after the Date would tell a cache the answer is from the
    future. HTTP dates have no fractions.
    """
    # A whole second below: the server's clock reading for Date may come a few
    # milliseconds before ours (a busy machine: more), across a second's edge.
    started = environ.get(STARTED_KEY) or time.time()
    return dt.datetime.fromtimestamp(math.floor(started) - 1, dt.UTC)


@lru_cache(maxsize=1024)
def _http_date(moment: dt.datetime) -> str:
    return http_date(moment)


def _current_etag(
    environ: WSGIEnvironment, rendered: RenderedFeed, last_modified: dt.datetime, gzipped: bool
) -> str | None:
    """The ETag for a 304 when the client is current, else None (RFC 9110 §13.2.2).

    If-None-Match decides when present (either ETag form: see
    ``compress.matched_etag``), else If-Modified-Since.
    """
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return matched_etag(if_none_match, rendered.etag, gzipped)
    if_modified_since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    if if_modified_since is not None and last_modified <= if_modified_since:
        return rendered.gzip_etag_header if gzipped else rendered.etag_header
    return None
