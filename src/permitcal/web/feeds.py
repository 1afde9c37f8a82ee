"""Feed endpoints: per-subscription feeds, downloads, and the stateless /feed.ics."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from permitcal.web.links import FEED_FILENAME, FeedLinks, feed_links
from permitcal.web.service import Feed, service
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
    return url_for("pages.index", _external=True)


@bp.get("/feeds/<token>.ics")
@bp.get("/f/<token>/<name>.ics")
def subscription(token: str, name: str | None = None) -> Response:
    if not looks_like_token(token):
        abort(404)
    sub = service().store.by_feed_token(token)
    if sub is None:
        abort(404)
    return _respond(service().subscription_feed(sub, home_url()))


@bp.get("/feed.ics")
def adhoc() -> Response:
    args = {name: request.args.get(name, "") for name in request.args}
    args.pop("download", None)
    settings = FeedSettings.from_strings(args, allowed=_ADHOC_PARAMS)
    return _respond(service().adhoc_feed(settings, home_url()))


def _respond(feed: Feed) -> Response:
    """Bytes as rendered, strong ETag, Last-Modified; conditional GET and HEAD by Werkzeug."""
    response = Response(feed.rendered.body, content_type="text/calendar; charset=utf-8")
    response.set_etag(feed.rendered.etag)
    response.last_modified = feed.last_modified
    # Clients should revalidate (cheaply, with a 304) rather than trust a stale copy.
    response.cache_control.no_cache = True
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{FEED_FILENAME}"'
    response.make_conditional(request)  # turns it into a 304 where the client is current
    return response
