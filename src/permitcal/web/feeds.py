"""Feed endpoints: per-subscription feeds, downloads, and the stateless /feed.ics."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for
from werkzeug.http import http_date

from permitcal.web.links import FEED_FILENAME, FeedLinks, feed_links
from permitcal.web.service import Feed, SubscriptionGone, service
from permitcal.web.settings import FIELDS, FeedSettings
from permitcal.web.store import Subscription
from permitcal.web.tokens import looks_like_token

__all__ = ["bp"]

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
    key = request.host_url
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
    """Bytes as rendered, strong ETag, Last-Modified; conditional GET and HEAD by Werkzeug."""
    headers = {
        "ETag": f'"{feed.rendered.etag}"',
        "Last-Modified": http_date(feed.last_modified),
        # Clients should revalidate (cheaply, with a 304) rather than trust a stale copy.
        "Cache-Control": "no-cache",
    }
    if request.args.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="{FEED_FILENAME}"'
    response = Response(
        feed.rendered.body, content_type="text/calendar; charset=utf-8", headers=headers
    )
    response.make_conditional(request)  # turns it into a 304 where the client is current
    return response
