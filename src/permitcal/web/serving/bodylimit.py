"""Request bodies sent without a Content-Length (chunked) held to the same size limit as others."""

from __future__ import annotations

import io
from typing import IO

from flask import Flask, current_app, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.http import parse_set_header

__all__ = ["install_body_limit"]

_READ_SIZE = 64 * 1024


def install_body_limit(app: Flask) -> None:
    """Run before every other hook: CSRF protection reads the form before any view does."""
    app.before_request_funcs.setdefault(None, []).insert(0, _bound_chunked_body)


def _bound_chunked_body() -> None:
    """Buffer a chunked body of at most MAX_CONTENT_LENGTH bytes; 413 beyond.

    Werkzeug only stops reading a chunked body at the limit and hands on the
    first MAX_CONTENT_LENGTH bytes as if they were all: a cut JSON or XML body
    got 400, a cut form was even accepted. Read one byte more than the limit
    to tell the two apart, then give the app the body with its true length.
    """
    environ = request.environ
    # Only servers that decode chunked input themselves make the stream safe to read.
    if not environ.get("wsgi.input_terminated"):
        return
    if "chunked" not in parse_set_header(environ.get("HTTP_TRANSFER_ENCODING")):
        return
    limit: int | None = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is None:
        return
    try:
        body = _read_at_most(environ["wsgi.input"], limit + 1)
    except (OSError, ValueError):  # a broken chunk: what Werkzeug says for a dropped upload
        raise ClientDisconnected() from None
    if len(body) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    del environ["HTTP_TRANSFER_ENCODING"]  # Werkzeug ignores CONTENT_LENGTH while it is set
    del environ["wsgi.input_terminated"]


def _read_at_most(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes; a chunked stream may return less than asked before its end."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        part = stream.read(min(remaining, _READ_SIZE))
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
