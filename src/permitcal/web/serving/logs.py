"""Logs without secrets: token-free access lines and one timestamped format for server and app.

Feed and manage tokens travel in URL paths (calendar apps cannot send
headers), so a plain access log would hold every working secret. Both
servers write the request path only after ``redact`` has replaced them.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["LOG_FORMAT", "AccessLog", "RedactingFormatter", "configure_logging", "redact"]

LOG_FORMAT = "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s"

# Every route that takes a token in its path: feeds (/f/<t>/…, /feeds/<t>.ics),
# manage pages (/m/<t>…), phone pages (/p/<t>) and the API (/api/subscriptions/<t>…).
_TOKEN_IN_PATH = re.compile(r"(/(?:f|feeds|m|p|api/subscriptions)/)[^/?#\s.\"]+")
REDACTED = "<redacted>"
# A token anywhere else (an exception's message, a traceback, a Referer): the
# tokens' shape, 32 URL-safe characters, standing alone.
_TOKEN_ALONE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])")


def redact(text: str) -> str:
    """``text`` (a path, a request line, a URL) with every token replaced."""
    return _TOKEN_IN_PATH.sub(r"\1" + REDACTED, text)


def redact_all(text: str) -> str:
    """``text`` with tokens replaced wherever they stand, not only in known paths."""
    return _TOKEN_ALONE.sub(REDACTED, redact(text))


class RedactingFormatter(logging.Formatter):
    """A formatter whose whole output, tracebacks included, carries no token.

    Flask logs "Exception on /m/<token>", waitress "Exception while serving
    /f/<token>/…", and a traceback may quote a URL: every line a log handler
    writes passes through here.
    """

    def format(self, record: logging.LogRecord) -> str:
        return redact_all(super().format(record))


def configure_logging(level: int = logging.INFO) -> None:
    """Timestamped lines on stderr for the app, the server and the access log alike."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # Alembic narrates every migration context at INFO; the command says what it did.
    logging.getLogger("alembic").setLevel(logging.WARNING)


class AccessLog:
    """WSGI middleware: one Combined Log Format line per request, tokens redacted.

    For the embedded server (waitress writes no access log of its own);
    gunicorn uses ``gunicorn_conf.RedactingLogger`` instead.
    """

    def __init__(self, app: WSGIApplication, logger: logging.Logger | None = None) -> None:
        self.app = app
        self.log = logger or logging.getLogger("permitcal.access")

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        status: list[str] = []

        def start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[:] = [code.split(" ", 1)[0]]
            return start_response(code, headers, exc_info)

        return _Logged(self, environ, self.app(environ, start), status)

    def write(self, environ: WSGIEnvironment, status: str, size: int) -> None:
        uri = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            uri += "?" + environ["QUERY_STRING"]
        line = '%s - - [%s] "%s %s %s" %s %s "%s" "%s"' % (  # noqa: UP031 (CLF is %-shaped)
            environ.get("REMOTE_ADDR", "-"),
            time.strftime("%d/%b/%Y:%H:%M:%S %z"),
            environ.get("REQUEST_METHOD", "-"),
            redact(uri),
            environ.get("SERVER_PROTOCOL", "-"),
            status or "-",
            size or "-",
            redact(environ.get("HTTP_REFERER", "-")),
            environ.get("HTTP_USER_AGENT", "-"),
        )
        self.log.info(line)


class _Logged:
    """The app's body, passed through; the access line is written when the server closes it."""

    def __init__(
        self, log: AccessLog, environ: WSGIEnvironment, body: Iterable[bytes], status: list[str]
    ) -> None:
        self._access = log
        self._environ = environ
        self._body = body
        self._status = status
        self._size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._size += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._access.write(self._environ, self._status[0] if self._status else "", self._size)
