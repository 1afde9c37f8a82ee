"""Every failure as a clear 4xx/503: JSON under /api, a page elsewhere, never a 500 by design."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, render_template, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from permitcal.errors import PermitcalError
from permitcal.web.feeds.service import WriteConflict, service
from permitcal.web.words.messages import explain
from permitcal.web.words.texts import ui_lang, ui_text

__all__ = ["api_error", "error_page", "plain_response", "register_error_handlers"]

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    503: "unavailable",
}


def api_error(
    status: int,
    message: str,
    code: str | None = None,
    field: str | None = None,
    reason: str | None = None,
) -> Response:
    error: dict[str, str] = {"code": code or _CODES.get(status, "error"), "message": message}
    if field is not None:
        error["field"] = field
    if reason is not None:
        error["reason"] = reason  # the library's reason: what exactly is wrong, for programs
    response = jsonify({"error": error})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/openapi.json"


def _is_feed() -> bool:
    """Feeds and CalDAV: calendar apps read these answers, so they are plain text."""
    path = request.path
    return (
        path.endswith(".ics")
        or path == "/dav"
        or path.startswith(("/dav/", "/.well-known/caldav"))
        or request.method in ("PROPFIND", "REPORT")
    )


def plain_response(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(PermitcalError)
    def bad_input(error: PermitcalError) -> Response:
        if _wants_json():
            return api_error(400, str(error), "invalid_input", error.field, error.reason)
        if _is_feed():
            # A person reads the first two lines; whoever built the URL, the third.
            return plain_response(400, f"{explain(error, 'zh')}\n{explain(error, 'en')}\n({error})")
        return _page(400, explain(error, ui_lang()))

    @app.errorhandler(SQLAlchemyError)
    def database_down(error: SQLAlchemyError) -> Response:
        problem = _schema_problem()
        if problem is None:
            log.exception("database error")
            words, code = "unavailable", "unavailable"
        else:
            # Not an outage that passes: say what the operator must run.
            log.error("database not set up: %s", problem)
            words, code = "not_set_up", "not_set_up"
        message = f"{ui_text(words, 'zh')} {ui_text(words, 'en')}"
        if _wants_json():
            response = api_error(503, message, code)
        elif _is_feed():
            response = plain_response(503, message)
        else:
            response = _page(503, ui_text(words, ui_lang()))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        g.retry_after = RETRY_AFTER_SECONDS
        return response

    @app.errorhandler(WriteConflict)
    def write_conflict(_error: WriteConflict) -> Response:
        message = f"{ui_text('conflict', 'zh')} {ui_text('conflict', 'en')}"
        return (
            api_error(409, message) if _wants_json() else _page(409, ui_text("conflict", ui_lang()))
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        message = error.description or error.name
        if _wants_json():
            response = api_error(status, message)
        elif _is_feed():
            response = plain_response(status, f"{status} {error.name}")
        else:
            response = error_page(status)
        for name, value in error.get_headers():
            if name.lower() in ("allow", "retry-after"):
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        # A bug; still answer in the client's format. Feeds get 503 + Retry-After
        # rather than anything a calendar could mistake for an empty calendar.
        log.exception("unhandled error")
        message = f"{ui_text('internal', 'zh')} {ui_text('internal', 'en')}"
        if _wants_json():
            response = api_error(500, message, "internal_error")
        elif _is_feed():
            response = plain_response(503, message)
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        else:
            response = _page(500, ui_text("internal", ui_lang()))
        return response


def _schema_problem() -> str | None:
    """The schema's problem after a database error; None if current or unknowable now."""
    try:
        return service().schema_problem()
    except SQLAlchemyError:
        return None  # the database itself is out of reach: an outage


# The page's words for each refusal; the JSON API keeps werkzeug's descriptions.
_PAGE_TEXTS = {
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_plain",
}


def error_page(status: int) -> Response:
    """The HTML page of a refusal (404, 405, 413, 429, else a plain 400 text)."""
    return _page(status, ui_text(_PAGE_TEXTS.get(status, "bad_request"), ui_lang()))


def _page(status: int, message: str) -> Response:
    """An error page in the page's language, inside the site's frame."""
    heading = ui_text("not_found_title" if status == 404 else "error", ui_lang())
    body = render_template("error.html", status=status, heading=heading, message=message)
    return Response(body, status=status, content_type="text/html; charset=utf-8")
