"""The outermost feed layer: whole stored-feed answers served from this process's memory.

A calendar polling an unchanged feed gets the same status, headers and bytes
each time. Once the feed fast path has answered a request shape (the path,
host, Accept-Encoding, If-None-Match, If-Modified-Since), this layer keeps
that answer and gives it again while nothing it was made from has moved:

- the store still remembers the same stamp for the token (no write of the
  feed has begun since: see storage/feed_changes; never on PostgreSQL);
- today, the versions (rules, holiday data, library, school data) and the
  data's first serving are those it was made with;
- its Last-Modified was before the request's second (so the clock cannot
  change it).

It reads no database, so it sits outside the per-request database budget,
and after the proxy layer (its key holds the corrected scheme and host).
Anything it does not hold goes on down the stack, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from permitcal.web.storage.bounded import Bounded
from permitcal.web.storage.store import FeedStamp

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from permitcal.web.feeds.service import Service

__all__ = ["ANSWERS", "RememberedAnswers"]

ANSWERS = 256
"""Answers kept per process: a few MB at most (their bytes are mostly the feed cache's)."""

STATUS = {200: "200 OK", 304: "304 Not Modified"}


class Answer(NamedTuple):
    """A stored feed's whole answer to one request shape, and what it was made from."""

    token: str
    stamp: FeedStamp
    today: dt.date
    versions: str
    data_since: dt.datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def request_shape(environ: WSGIEnvironment) -> tuple[object, ...]:
    """Everything of a plain GET or HEAD of a feed URL that its answer depends on."""
    return (
        environ.get("PATH_INFO"),
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST"),
        environ.get("SCRIPT_NAME"),
        environ.get("HTTP_ACCEPT_ENCODING"),
        environ.get("HTTP_IF_NONE_MATCH"),
        environ.get("HTTP_IF_MODIFIED_SINCE"),
    )


class RememberedAnswers:
    """Serves remembered stored-feed answers; passes everything else on."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.next_app: WSGIApplication | None = None
        self.answers: Bounded[tuple[object, ...], Answer] = Bounded()

    def in_front_of(self, next_app: WSGIApplication) -> RememberedAnswers:
        """This layer, passing on to ``next_app`` what it does not hold."""
        self.next_app = next_app
        return self

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (method == "GET" or method == "HEAD") and not environ.get("QUERY_STRING"):
            known = self.answers.get(request_shape(environ))
            if known is not None and self._current(known):
                start_response(STATUS[known.status], list(known.headers))
                return [] if method == "HEAD" or known.status == 304 else [known.body]
        assert self.next_app is not None, "in_front_of() was not called"
        return self.next_app(environ, start_response)

    def _current(self, known: Answer) -> bool:
        service = self.service
        return (
            service.store.remembered_stamp(known.token) is known.stamp
            and service.today() == known.today
            and service.versions_key == known.versions
            and service.known_data_since() == known.data_since
        )

    def remember(
        self,
        environ: WSGIEnvironment,
        token: str,
        stamp: FeedStamp,
        made: tuple[dt.date, str, dt.datetime],
        answer: tuple[int, list[tuple[str, str]], bytes],
    ) -> None:
        """Keep ``answer``, made from ``stamp`` and ``made`` (today, versions, data since)."""
        status, headers, body = answer
        entry = Answer(token, stamp, *made, status, tuple(headers), body)
        self.answers.put(request_shape(environ), entry, ANSWERS)
