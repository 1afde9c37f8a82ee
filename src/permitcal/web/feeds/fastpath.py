"""A WSGI layer that answers the hot case of a feed fetch without going through Flask.

Calendar apps poll feeds around the clock, so an unchanged feed must cost
about what serving constant bytes costs. For a plain GET or HEAD of a stored
subscription's feed whose rendering is cached, this layer reads the record's
stamp, picks the cached bytes (identity, or gzip when asked) and answers, with
the same headers the Flask view would send (both use ``feeds.feed_headers``
and the same security headers). Everything else, and every failure, goes on
to Flask, which answers it in full (404 pages, 503 with Retry-After,
downloads, first renderings).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask

from permitcal.web.feeds.service import Service
from permitcal.web.feeds.views import FEED_PATH, feed_headers, home_url_key
from permitcal.web.serving.security import NOINDEX, SECURITY_HEADERS
from permitcal.web.storage.tokens import looks_like_token

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["FeedFastPath"]

log = logging.getLogger(__name__)

_STATUS = {200: "200 OK", 304: "304 Not Modified"}


class FeedFastPath:
    """Wraps the Flask WSGI app; serves cached feeds, passes everything else on."""

    def __init__(self, app: Flask, next_app: WSGIApplication) -> None:
        self.service: Service = app.extensions["permitcal"]
        self.next_app = next_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (method == "GET" or method == "HEAD") and not environ.get("QUERY_STRING"):
            match = FEED_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match is not None:
                answer = self._answer(environ, match.group("token") or match.group("short"))
                if answer is not None:
                    status, headers, body = answer
                    start_response(_STATUS[status], headers)
                    return [] if method == "HEAD" or status == 304 else [body]
        return self.next_app(environ, start_response)

    def _answer(
        self, environ: WSGIEnvironment, token: str
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        if not looks_like_token(token):
            return None
        home = self.service.home_urls.get(home_url_key(environ))
        if home is None:  # Flask builds and remembers the start page URL for this host
            return None
        try:
            feed = self.service.subscription_feed(token, home, cached_only=True)
        except Exception:  # Flask answers failures properly (503 + Retry-After)
            log.debug("fast path declined", exc_info=True)
            return None
        if feed is None:
            return None
        status, headers, body = feed_headers(feed, environ, self.service.compress)
        headers.extend(SECURITY_HEADERS)
        headers.append(NOINDEX)  # a feed URL carries its token, like a manage page
        return status, headers, body
