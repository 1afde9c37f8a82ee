"""The OpenAPI 3.1 description of the JSON API and the feeds, served at /openapi.json."""

from __future__ import annotations

from typing import Any

from permitcal._version import __version__

__all__ = ["openapi_document"]

_DATE = {"type": ["string", "null"], "format": "date", "example": "2023-06-01"}

_SETTINGS_PROPERTIES: dict[str, Any] = {
    "issued": {**_DATE, "description": "Date the permit or its last endorsement took effect."},
    "expires": {**_DATE, "description": "Expiry printed on the card; give issued or expires."},
    "card_received": {**_DATE, "description": "Date the renewed card arrived; makes R6 exact."},
    "changes": {
        "type": "array",
        "items": {"enum": ["address", "employer", "education", "title", "spouse"]},
        "uniqueItems": True,
    },
    "cycles": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
    "lang": {"enum": ["zh", "en", "both"], "default": "zh"},
    "alarms": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 60},
        "maxItems": 5,
        "default": [7, 1],
        "description": "Days before R1, R3 and R6 that get reminder events; [] turns alarms off.",
    },
    "source_rules": {"type": "boolean", "default": True},
}

_DEADLINE: dict[str, Any] = {
    "type": "object",
    "required": [
        "rule",
        "cycle",
        "date",
        "basis",
        "provisional",
        "working_day",
        "nearest_working_day",
        "title",
    ],
    "properties": {
        "rule": {"type": "string", "example": "R1"},
        "cycle": {"type": "integer"},
        "date": {"type": "string", "format": "date"},
        "kind": {"enum": ["deadline", "opening", "consequence"]},
        "basis": {"enum": ["official", "source"]},
        "expiry": {"type": "string", "format": "date"},
        "estimate": {"type": "boolean"},
        "provisional": {"type": "boolean"},
        "date_provisional": {"type": "boolean"},
        "working_day": {"type": "boolean"},
        "nearest_working_day": {"type": "string", "format": "date"},
        "title": {"type": "string"},
        "description": {"type": "string"},
    },
}

_SUBSCRIPTION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "feed_url": {"type": "string", "format": "uri"},
        "webcal_url": {"type": "string"},
        "google_url": {"type": "string", "format": "uri"},
        "outlook_url": {"type": "string", "format": "uri"},
        "download_url": {"type": "string", "format": "uri"},
        "manage_url": {"type": "string", "format": "uri"},
        "api_url": {"type": "string", "format": "uri"},
        "manage_token": {"type": "string"},
        "caldav_url": {
            "type": "string",
            "format": "uri",
            "description": "CalDAV server (discovery)",
        },
        "caldav_calendar_url": {"type": "string", "format": "uri"},
        "caldav_username": {"type": "string"},
        "caldav_password": {"type": "string", "description": "The feed token; changes on rotation"},
        "revision": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "settings": {"$ref": "#/components/schemas/Settings"},
        "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}},
    },
}

_ERROR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string"},
            },
        }
    },
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json(_ref("Error"), "Invalid input; nothing was stored."),
    "404": _json(_ref("Error"), "Unknown manage token."),
    "413": _json(_ref("Error"), "Body too large."),
    "415": _json(_ref("Error"), "Body is not JSON."),
    "503": _json(_ref("Error"), "Database unavailable; retry after Retry-After seconds."),
}

_TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
_QUERY = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
    for name in _SETTINGS_PROPERTIES
]


def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "permitcal",
            "version": __version__,
            "description": "Shanghai residence permit deadlines as calendar feeds. "
            "Lists (changes, alarms) in query strings are comma-separated.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/subscriptions": {
                "post": {
                    "summary": "Create a subscription",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Settings")}},
                    },
                    "responses": {
                        "201": _json(_ref("Subscription"), "Created."),
                        **_ERRORS,
                        "429": _json(
                            _ref("Error"), "Too many subscriptions created from this address."
                        ),
                    },
                }
            },
            "/api/subscriptions/{token}": {
                "parameters": [_TOKEN],
                "get": {
                    "summary": "Read a subscription",
                    "responses": {
                        "200": _json(_ref("Subscription"), "The subscription."),
                        **_ERRORS,
                    },
                },
                "patch": {
                    "summary": "Change some settings (null clears a date; issued replaces expires and vice versa)",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Settings")}},
                    },
                    "responses": {
                        "200": _json(_ref("Subscription"), "Updated; SEQUENCE goes up."),
                        **_ERRORS,
                    },
                },
                "delete": {
                    "summary": "Delete a subscription",
                    "responses": {"204": {"description": "Deleted."}, **_ERRORS},
                },
            },
            "/api/subscriptions/{token}/rotate": {
                "parameters": [_TOKEN],
                "post": {
                    "summary": "New feed URL; the old one answers 404",
                    "responses": {"200": _json(_ref("Subscription"), "Rotated."), **_ERRORS},
                },
            },
            "/api/deadlines": {
                "get": {
                    "summary": "Deadlines without storing anything",
                    "parameters": _QUERY,
                    "responses": {
                        "200": _json(
                            {"type": "array", "items": _ref("Deadline")}, "Deadlines, by date."
                        ),
                        "400": _ERRORS["400"],
                    },
                }
            },
            "/feeds/{token}.ics": {
                "parameters": [_TOKEN],
                "get": {
                    "summary": "A subscription's iCalendar feed (add download=1 for an attachment)",
                    "responses": {
                        "200": {"description": "The feed.", "content": {"text/calendar": {}}},
                        "304": {"description": "Not modified (If-None-Match / If-Modified-Since)."},
                        "404": {"description": "Unknown feed token."},
                        "503": {"description": "Temporarily unavailable; see Retry-After."},
                    },
                },
            },
            "/feed.ics": {
                "get": {
                    "summary": "A feed computed from query parameters, nothing stored",
                    "parameters": _QUERY,
                    "responses": {
                        "200": {"description": "The feed.", "content": {"text/calendar": {}}},
                        "400": {"description": "Invalid parameters."},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Settings": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": _SETTINGS_PROPERTIES,
                },
                "Deadline": _DEADLINE,
                "Subscription": _SUBSCRIPTION,
                "Error": _ERROR,
            }
        },
    }
