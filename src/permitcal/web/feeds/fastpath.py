"""A WSGI layer that answers the hot cases of a feed fetch without going through Flask.

Calendar apps poll feeds around the clock, so an unchanged feed must cost
about what serving constant bytes costs. For a plain GET or HEAD of a stored
subscription's feed whose rendering is cached, this layer reads the record's
stamp, picks the cached bytes (identity, or gzip when asked) and answers; for
a stateless ``/feed.ics?…`` whose exact query string the Flask view answered
today with the same versions, it answers from the same cache. Both send the
headers the Flask view would send (both use ``feeds.feed_headers`` and the
same security headers). Everything else, and every failure, goes on to Flask,
which answers it in full (404 pages, 400 for bad input, 503 with Retry-After,
first renderings).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask

from permitcal.web.feeds.remembered import STATUS, RememberedAnswers
from permitcal.web.feeds.service import Feed, Service
from permitcal.web.feeds.views import FEED_PATH, feed_headers, home_url_key, request_started
from permitcal.web.serving.security import NOINDEX, SECURITY_HEADERS
from permitcal.web.storage.tokens import looks_like_token

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["FeedFastPath"]

log = logging.getLogger(__name__)

_ADHOC_PATH = "/feed.ics"


class FeedFastPath:
    """Wraps the Flask WSGI app; serves cached feeds, passes everything else on."""

    def __init__(
        self, app: Flask, next_app: WSGIApplication, remembered: RememberedAnswers
    ) -> None:
        self.service: Service = app.extensions["permitcal"]
        self.next_app = next_app
        self.remembered = remembered
        """Where its stored-feed answers are kept, to be given again from memory alone."""
        hsts = int(app.config["HSTS_SECONDS"] or 0)
        # What security.install_security adds on https when HSTS is configured.
        self.hsts = ("Strict-Transport-Security", f"max-age={hsts}") if hsts > 0 else None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method == "GET" or method == "HEAD":
            query = environ.get("QUERY_STRING")
            path = environ.get("PATH_INFO", "")
            answer = None
            if not query:
                match = FEED_PATH.fullmatch(path)
                if match is not None:
                    answer = self._stored(environ, match.group("token") or match.group("short"))
            elif path == _ADHOC_PATH:
                answer = self._stateless(environ, query)
            if answer is not None:
                status, headers, body = answer
                start_response(STATUS[status], headers)
                return [] if method == "HEAD" or status == 304 else [body]
        return self.next_app(environ, start_response)

    def _stored(
        self, environ: WSGIEnvironment, token: str
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        if not looks_like_token(token):
            return None
        home = self.service.home_urls.get(home_url_key(environ))
        if home is None:  # Flask builds and remembers the start page URL for this host
            return None
        service = self.service
        try:
            stamp = service.store.feed_stamp(token)
            if stamp is None:
                return None
            made = (service.today(), service.versions_key, service.data_since())
            feed = service.stamped_feed(stamp, home, cached_only=True)
        except Exception:  # Flask answers failures properly (503 + Retry-After)
            log.debug("fast path declined", exc_info=True)
            return None
        if feed is None:
            return None
        # A feed URL carries its token, like a manage page.
        answer = self._headers(environ, feed, None, noindex=True)
        if feed.last_modified <= request_started(environ):
            # Then no later request of this shape gets another answer from these inputs.
            self.remembered.remember(environ, token, stamp, made, answer)
        return answer

    def _stateless(
        self, environ: WSGIEnvironment, query: str
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        home = self.service.home_urls.get(home_url_key(environ))
        if home is None:
            return None
        found = self.service.cached_adhoc(query, home)
        if found is None:
            return None
        feed, download = found
        return self._headers(environ, feed, download, noindex=False)

    def _headers(
        self, environ: WSGIEnvironment, feed: Feed, download: str | None, noindex: bool
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        status, headers, body = feed_headers(feed, environ, self.service.compress, download)
        headers.extend(SECURITY_HEADERS)
        if noindex:
            headers.append(NOINDEX)
        if self.hsts is not None and environ.get("wsgi.url_scheme") == "https":
            headers.append(self.hsts)
        return status, headers, body
