"""The OpenAPI 3.1 document of every public path, served at /openapi.json."""

from __future__ import annotations

from typing import Any

from permitcal._version import __version__
from permitcal.web.api.openapi_schemas import (
    COMPONENTS,
    QUERY_PARAMETERS,
    SCHOOL_PARAMETER,
    json_content,
    ref,
)
from permitcal.web.caldav.views import READ_METHODS, WRITE_METHODS
from permitcal.web.feeds.views import DOWNLOAD_NO, DOWNLOAD_YES

__all__ = ["NOT_DOCUMENTED", "WEBDAV_METHODS", "openapi_document"]

NOT_DOCUMENTED: dict[str, str] = {
    "/static/<path:filename>": "The page's own styles, scripts and icons; not an interface.",
    "/dav": "The same as /dav/, answered without a redirect.",
    "/dav/<account>": "A CalDAV principal, found by PROPFIND from /dav/; WebDAV only.",
    "/dav/<account>/": "A CalDAV principal, found by PROPFIND from /dav/; WebDAV only.",
    "/dav/<account>/<collection>": "A CalDAV calendar, found by PROPFIND; WebDAV only.",
    "/dav/<account>/<collection>/": "A CalDAV calendar, found by PROPFIND; WebDAV only.",
    "/dav/<account>/<collection>/<name>": "One event of a CalDAV calendar; WebDAV only.",
}
"""Routed paths the document leaves out, each with the reason (a test reads this list)."""

WEBDAV_METHODS = "x-webdav-methods"
"""A path item's list of methods OpenAPI has no field for (PROPFIND, REPORT, …)."""

_ERRORS = {
    "400": json_content(ref("Error"), "Invalid input; nothing was stored."),
    "404": json_content(ref("Error"), "Unknown manage token."),
    "413": json_content(ref("Error"), "Body too large."),
    "415": json_content(ref("Error"), "Body is not JSON."),
    "503": json_content(
        ref("Error"),
        "Database unavailable (code unavailable): retry after Retry-After seconds; or not set"
        " up (code not_set_up): the schema is missing or old, `permitcal db upgrade` is needed.",
    ),
}

_TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
_KEY = {
    "name": "key",
    "in": "path",
    "required": True,
    "description": "The permit's id, as the API's answers list it.",
    "schema": {"type": "string"},
}
_SCHOOL_KEY = {**_KEY, "description": "The school step's id, as the API's answers list it."}

# Writes to one subscription: optimistic concurrency with the ETag of its last read.
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of your last read; 412 if the subscription changed since.",
    "schema": {"type": "string"},
}
_ETAG = {"ETag": {"description": "Changes with every write.", "schema": {"type": "string"}}}
_WRITE_ERRORS = {
    "409": json_content(ref("Error"), "Changed by other requests all along; try again."),
    "412": json_content(ref("Error"), "If-Match names an ETag the subscription no longer has."),
}


def _with_etag(response: dict[str, Any]) -> dict[str, Any]:
    return {**response, "headers": _ETAG}


_NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "description": "Any file name; the API hands out <policy>-permit (shanghai-permit).",
    "schema": {"type": "string", "pattern": "^[^/]+$"},
}
_DOWNLOAD = {
    "name": "download",
    "in": "query",
    "required": False,
    "description": "1 (true, yes, on): sent as an attachment to save; 0 (false, no, off, "
    "empty): shown inline. Anything else is a 400.",
    "schema": {"type": "string", "enum": [*DOWNLOAD_YES, *DOWNLOAD_NO]},
}
_CALENDAR = {"description": "The feed.", "content": {"text/calendar": {}}}
_FEED_RESPONSES = {
    "200": _CALENDAR,
    "304": {"description": "Not modified (If-None-Match / If-Modified-Since)."},
    "400": {"description": "An unreadable download value.", "content": {"text/plain": {}}},
    "404": {"description": "Unknown feed token."},
    "503": {"description": "Temporarily unavailable; see Retry-After."},
}


def _feed(summary: str, *parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "parameters": [*parameters, _DOWNLOAD],
        "get": {"tags": ["feeds"], "summary": summary, "responses": _FEED_RESPONSES},
    }


_HTML: dict[str, Any] = {"content": {"text/html": {}}}
_FORM_BODY = {
    "required": True,
    "content": {"application/x-www-form-urlencoded": {"schema": ref("PageForm")}},
}


def _page(summary: str, ok: str, *, form: bool = False, get: bool = False) -> dict[str, Any]:
    """An HTML page's operation: for people in a browser, not for programs."""
    responses = {
        "200" if get else "303": {"description": ok, **({} if not get else _HTML)},
        "400": {"description": "The form again, with the error next to its field.", **_HTML},
        "404": {"description": "Unknown manage token.", **_HTML},
    }
    operation: dict[str, Any] = {"tags": ["pages"], "summary": summary, "responses": responses}
    if form:
        operation["requestBody"] = _FORM_BODY
    return operation


# WebDAV's methods beyond OpenAPI's fixed set; writes are listed too, since
# the calendar is read-only and refuses every one of them with 403.
_DAV_EXTRA = [m for m in (*READ_METHODS, *WRITE_METHODS) if m not in ("GET", "HEAD", "OPTIONS")]
_DAV_OPTIONS = {
    "tags": ["caldav"],
    "summary": "What the server supports (Allow, DAV headers); no login needed",
    "responses": {"200": {"description": "Allow and DAV headers."}},
}


def _dav(summary: str, description: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "description": description
        + " OpenAPI cannot describe WebDAV: PROPFIND and REPORT (RFC 4918, RFC 4791) are "
        f"listed in {WEBDAV_METHODS} and answered with multistatus XML; every method "
        "that writes is refused with 403.",
        WEBDAV_METHODS: _DAV_EXTRA,
        "get": {
            "tags": ["caldav"],
            "summary": summary,
            "security": [{"caldav": []}],
            "responses": {
                "200": {"description": "The resource.", "content": {"text/plain": {}}},
                "401": {"description": "No or wrong credentials.", "content": {"text/plain": {}}},
            },
        },
        "options": _DAV_OPTIONS,
    }


_HEALTH = {
    "get": {
        "tags": ["health"],
        "summary": "Ready when the database answers; the rules and holiday data served",
        "responses": {
            "200": json_content({"type": "object", "required": ["status"]}, "Ready."),
            "503": json_content(
                {
                    "oneOf": [
                        ref("Error"),
                        {
                            "type": "object",
                            "required": ["status", "database"],
                            "properties": {
                                "status": {"const": "not_set_up"},
                                "database": {"type": "string"},
                            },
                        },
                    ]
                },
                "Database unavailable (see Retry-After), or its schema missing or behind"
                " (status not_set_up; database names the command to run).",
            ),
        },
    }
}


def _paths() -> dict[str, Any]:
    return {
        "/api/subscriptions": {
            "post": {
                "summary": "Create a subscription",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("NewSubscription")}},
                },
                "responses": {
                    "201": json_content(ref("Subscription"), "Created."),
                    **_ERRORS,
                    "429": json_content(
                        ref("Error"), "Too many subscriptions created from this address."
                    ),
                },
            }
        },
        "/api/subscriptions/{token}": {
            "parameters": [_TOKEN],
            "get": {
                "summary": "Read a subscription",
                "responses": {
                    "200": _with_etag(json_content(ref("Subscription"), "The subscription.")),
                    **_ERRORS,
                },
            },
            "patch": {
                "summary": "Change some settings (null clears a date; issued replaces expires and vice versa)",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("SubscriptionChange")}},
                },
                "parameters": [_IF_MATCH],
                "responses": {
                    "200": _with_etag(
                        json_content(
                            ref("Subscription"),
                            "Updated (only the fields given); SEQUENCE goes up unless "
                            "nothing changed.",
                        )
                    ),
                    **_ERRORS,
                    **_WRITE_ERRORS,
                },
            },
            "delete": {
                "summary": "Delete a subscription",
                "parameters": [_IF_MATCH],
                "responses": {
                    "204": {"description": "Deleted."},
                    **_ERRORS,
                    "412": _WRITE_ERRORS["412"],
                },
            },
        },
        "/api/subscriptions/{token}/rotate": {
            "parameters": [_TOKEN],
            "post": {
                "summary": "New feed URL; the old one answers 404",
                "parameters": [_IF_MATCH],
                "responses": {
                    "200": _with_etag(json_content(ref("Subscription"), "Rotated.")),
                    **_ERRORS,
                    **_WRITE_ERRORS,
                },
            },
        },
        "/api/deadlines": {
            "get": {
                "summary": "Deadlines without storing anything",
                "parameters": [*QUERY_PARAMETERS, SCHOOL_PARAMETER],
                "responses": {
                    "200": json_content(
                        {"type": "array", "items": ref("Event")},
                        "Deadlines and school steps' events, by date.",
                    ),
                    "400": _ERRORS["400"],
                },
            }
        },
        "/f/{token}/{name}.ics": _feed("A subscription's iCalendar feed", _TOKEN, _NAME),
        "/feeds/{token}.ics": _feed("The same feed at its short, older URL", _TOKEN),
        "/feed.ics": {
            "get": {
                "tags": ["feeds"],
                "summary": "A feed computed from query parameters, nothing stored",
                "parameters": [*QUERY_PARAMETERS, SCHOOL_PARAMETER, _DOWNLOAD],
                "responses": {
                    "200": _CALENDAR,
                    "400": {"description": "Invalid parameters."},
                },
            }
        },
        "/openapi.json": {
            "get": {
                "tags": ["api"],
                "summary": "This document",
                "responses": {"200": json_content({"type": "object"}, "OpenAPI 3.1.")},
            }
        },
        "/healthz": _HEALTH,
        "/": {
            "get": _page("The start page", "The page.", get=True),
            "post": _page("Create a subscription from the form", "To its manage page.", form=True),
            "options": _DAV_OPTIONS,
            WEBDAV_METHODS: ["PROPFIND", "REPORT"],
            "description": "Also CalDAV's bare server URL: OPTIONS, and PROPFIND and REPORT "
            "(not expressible in OpenAPI) for clients that look for their principal here.",
        },
        "/about": {
            "get": _page(
                "Who runs this site, where the rules come from, what is stored (关于 / 隐私)",
                "The page.",
                get=True,
            ),
        },
        "/m/{token}": {
            "parameters": [_TOKEN],
            "get": _page("A subscription's manage page", "The page.", get=True),
            "post": _page("Change the settings from the form", "Back to the page.", form=True),
        },
        "/m/{token}/renewed": {
            "parameters": [_TOKEN],
            "post": _page(
                "Record a renewal (form: card_received; permit, its id, with several permits)",
                "Back to the page.",
            ),
        },
        "/m/{token}/permits": {
            "parameters": [_TOKEN],
            "post": _page(
                "Add a family member's permit (form: label, its date and options;"
                " first_label when the first permit has none)",
                "Back to the page.",
            ),
        },
        "/m/{token}/permits/{key}": {
            "parameters": [_TOKEN, _KEY],
            "post": _page(
                "Change one permit (form: label, its date and options)", "Back to the page."
            ),
        },
        "/m/{token}/permits/{key}/delete": {
            "parameters": [_TOKEN, _KEY],
            "post": _page("Remove one permit of several (form: confirm)", "Back to the page."),
        },
        "/m/{token}/schools": {
            "parameters": [_TOKEN],
            "post": _page(
                "Add a child's school step (form: stage, year; permits, their ids, with"
                " several permits)",
                "Back to the page.",
            ),
        },
        "/m/{token}/schools/{key}": {
            "parameters": [_TOKEN, _SCHOOL_KEY],
            "post": _page(
                "Change one school step; it keeps its id (form: stage, year; permits, their"
                " ids, with several permits)",
                "Back to the page.",
            ),
        },
        "/m/{token}/schools/{key}/delete": {
            "parameters": [_TOKEN, _SCHOOL_KEY],
            "post": _page("Remove one school step", "Back to the page."),
        },
        "/m/{token}/rotate": {
            "parameters": [_TOKEN],
            "post": _page("New feed URL", "Back to the page."),
        },
        "/m/{token}/delete": {
            "parameters": [_TOKEN],
            "post": _page("Delete the subscription (form: confirm)", "To the start page."),
        },
        "/p/{token}": {
            "parameters": [_TOKEN],
            "get": {
                "tags": ["pages"],
                "summary": "The phone page the QR code opens: this phone's steps (feed token)",
                "responses": {
                    "200": {"description": "The page.", **_HTML},
                    "404": {"description": "Unknown or replaced feed token.", **_HTML},
                },
            },
        },
        "/dav/": _dav("CalDAV server", "The CalDAV server's root (read-only; Basic login)."),
        "/.well-known/caldav": {
            "description": "RFC 6764 discovery: every method is redirected to /dav/.",
            WEBDAV_METHODS: _DAV_EXTRA,
            "get": {
                "tags": ["caldav"],
                "summary": "Where the CalDAV server is",
                "responses": {"301": {"description": "Location: /dav/."}},
            },
            "options": {
                "tags": ["caldav"],
                "summary": "Where the CalDAV server is",
                "responses": {"301": {"description": "Location: /dav/."}},
            },
        },
    }


def _tagged(paths: dict[str, Any]) -> dict[str, Any]:
    """The JSON API's operations tagged ``api``, as the others are tagged where written."""
    for path, item in paths.items():
        if path.startswith("/api/"):
            for method, operation in item.items():
                if method != "parameters":
                    operation["tags"] = ["api"]
    return paths


def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "permitcal",
            "version": __version__,
            "description": "Shanghai residence permit deadlines as calendar feeds. "
            "Lists (changes, alarms) in query strings are comma-separated. "
            "Pages (tag pages) are HTML for browsers; CalDAV (tag caldav) is WebDAV, "
            f"which OpenAPI describes only in part (see {WEBDAV_METHODS}).",
        },
        "servers": [{"url": server_url}],
        "paths": _tagged(_paths()),
        "components": COMPONENTS,
    }
