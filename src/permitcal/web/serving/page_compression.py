"""gzip for the pages that carry no secret: the start page and error pages, when asked.

A page that holds a token (the manage page, and any page whose address has
one, since every page repeats its path in the language link) and echoes
what was typed (a form sent back with an error) stays uncompressed: a
compressed secret next to attacker-chosen text is what BREACH reads
lengths of. Feeds and CalDAV compress themselves (see compress.py).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from permitcal.web.serving.compress import compress_response
from permitcal.web.serving.logs import redact
from permitcal.web.serving.security import TOKEN_VIEWS

__all__ = ["install_page_compression"]

# Every status a page can carry: the start page and the refusals.
_PAGE_STATUSES = frozenset(range(200, 600))


def compressible_page(response: Response) -> bool:
    """An HTML answer to a GET (or HEAD) whose request and body carry no token."""
    return (
        response.mimetype == "text/html"
        and request.method in ("GET", "HEAD")
        and request.endpoint not in TOKEN_VIEWS
        and redact(request.path) == request.path
    )


def install_page_compression(app: Flask) -> None:
    @app.after_request
    def compress_page(response: Response) -> Response:
        if not current_app.extensions["permitcal"].compress or not compressible_page(response):
            return response
        return compress_response(response, request.headers.get("Accept-Encoding"), _PAGE_STATUSES)
