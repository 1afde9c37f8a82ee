"""The OpenAPI 3.1 description of the JSON API and the feeds, served at /openapi.json."""

from __future__ import annotations

import datetime as dt
from typing import Any

from permitcal._version import __version__
from permitcal.inputs import DATE_LIMITS, DEFAULT_CYCLES, MAX_CYCLES, MIN_CYCLES
from permitcal.policy import Change
from permitcal.settings_schema import LANGS, MAX_ALARM_DAYS, MAX_ALARMS, MIN_ALARM_DAYS

__all__ = ["openapi_document"]


def _year_alternatives(first: int, last: int) -> str:
    """Years first…last as one regular-expression alternative per decade (2001…2079: 200[1-9]|…)."""
    parts = []
    for decade in range(first // 10, last // 10 + 1):
        low, high = max(first, decade * 10) % 10, min(last, decade * 10 + 9) % 10
        parts.append(f"{decade}{low}" if low == high else f"{decade}[{low}-{high}]")
    return "|".join(parts)


def _date_in(first: dt.date, last: dt.date) -> str:
    """A pattern for YYYY-MM-DD dates from first to last, which must be whole years.

    JSON Schema has no minimum for dates; a pattern is the one limit every
    validator and generator understands.
    """
    if (first.month, first.day, last.month, last.day) != (1, 1, 12, 31):
        raise ValueError(f"{first}…{last} is not a range of whole years")
    years = _year_alternatives(first.year, last.year)
    return rf"^(?:{years})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


def _anchor(kind: str, description: str) -> dict[str, Any]:
    first, last = DATE_LIMITS[kind]
    return {
        "type": ["string", "null"],
        "format": "date",
        "pattern": _date_in(first, last),
        "example": "2023-06-01",
        "description": f"{description} From {first} to {last}.",
    }


_SETTINGS_PROPERTIES: dict[str, Any] = {
    "issued": _anchor("issued", "Date the permit or its last endorsement took effect."),
    "expires": _anchor("expires", "Expiry printed on the card; give issued or expires."),
    "card_received": {
        "type": ["string", "null"],
        "format": "date",
        "example": "2024-05-20",
        "description": "Date the renewed card arrived; makes R6 exact. From the permit date to 90 days after the last projected expiry.",
    },
    "changes": {
        "type": "array",
        "items": {"enum": [c.value for c in Change]},
        "description": "Material changes since the last renewal; a name given twice counts once.",
    },
    "cycles": {
        "type": "integer",
        "minimum": MIN_CYCLES,
        "maximum": MAX_CYCLES,
        "default": DEFAULT_CYCLES,
    },
    "lang": {"enum": list(LANGS), "default": "zh"},
    "alarms": {
        "type": "array",
        "items": {"type": "integer", "minimum": MIN_ALARM_DAYS, "maximum": MAX_ALARM_DAYS},
        "maxItems": MAX_ALARMS,
        "default": [7, 1],
        "description": "Days before R1, R3 and R6 that get reminder events; [] turns alarms off; a day given twice counts once.",
    },
    "source_rules": {"type": "boolean", "default": True},
}

# A new subscription needs exactly one anchor; a PATCH may leave the stored one.
_ONE_ANCHOR = {
    "oneOf": [
        {"required": [name], "properties": {name: {"type": "string"}}}
        for name in ("issued", "expires")
    ]
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
    "409": _json(_ref("Error"), "Changed by other requests all along; try again."),
    "412": _json(_ref("Error"), "If-Match names an ETag the subscription no longer has."),
}


def _with_etag(response: dict[str, Any]) -> dict[str, Any]:
    return {**response, "headers": _ETAG}


def _query_schema(name: str) -> dict[str, Any]:
    """A setting as a query parameter: the JSON schema without null, and empty meaning absent.

    Lists are comma-separated; an empty ``alarms`` means none, an empty
    ``source_rules`` false (an unticked box), other empty values the default.
    """
    schema = {k: v for k, v in _SETTINGS_PROPERTIES[name].items() if k != "default"}
    if schema.get("type") == ["string", "null"]:
        schema["type"] = "string"
    if name == "source_rules":
        return {"enum": ["true", "false", "1", "0", "yes", "no", "on", "off", ""]}
    if schema.get("type") == "array":
        return schema
    return {"anyOf": [schema, {"const": ""}]}


_QUERY = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": _query_schema(name),
        **({"style": "form", "explode": False} if name in ("changes", "alarms") else {}),
    }
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
                        "content": {"application/json": {"schema": _ref("NewSettings")}},
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
                        "200": _with_etag(_json(_ref("Subscription"), "The subscription.")),
                        **_ERRORS,
                    },
                },
                "patch": {
                    "summary": "Change some settings (null clears a date; issued replaces expires and vice versa)",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Settings")}},
                    },
                    "parameters": [_IF_MATCH],
                    "responses": {
                        "200": _with_etag(
                            _json(
                                _ref("Subscription"),
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
                        "200": _with_etag(_json(_ref("Subscription"), "Rotated.")),
                        **_ERRORS,
                        **_WRITE_ERRORS,
                    },
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
                "NewSettings": {"allOf": [_ref("Settings"), _ONE_ANCHOR]},
                "Deadline": _DEADLINE,
                "Subscription": _SUBSCRIPTION,
                "Error": _ERROR,
            }
        },
    }
