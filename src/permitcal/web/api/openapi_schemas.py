"""The OpenAPI document's schemas: the settings from their table, and the API's objects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from permitcal.school import FIRST_YEAR, LAST_YEAR
from permitcal.school_data import FIRMNESS, Stage
from permitcal.settings_schema import PERMIT_NAMES, SETTINGS, Setting
from permitcal.tracks import MAX_LABEL, MAX_PERMITS
from permitcal.web.storage.schools import MAX_SCHOOLS

__all__ = [
    "COMPONENTS",
    "FORM_FIELDS",
    "QUERY_PARAMETERS",
    "SCHOOL_PARAMETER",
    "SETTINGS_PROPERTIES",
    "json_content",
    "ref",
]


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


def setting_schema(setting: Setting) -> dict[str, Any]:
    """A setting's JSON schema: its type, choices, limits and default from the table."""
    schema: dict[str, Any]
    match setting.kind:
        case "date":
            schema = {"type": ["string", "null"], "format": "date", "example": "2023-06-01"}
            if isinstance(setting.minimum, dt.date) and isinstance(setting.maximum, dt.date):
                schema["pattern"] = _date_in(setting.minimum, setting.maximum)
                return {
                    **schema,
                    "description": f"{setting.help} From {setting.minimum} to {setting.maximum}.",
                }
        case "names":
            schema = {"type": "array", "items": {"enum": list(setting.choices)}}
        case "whole":
            schema = {"type": "integer", "minimum": setting.minimum, "maximum": setting.maximum}
        case "choice":
            schema = {"enum": list(setting.choices)}
        case "days":
            item = {"type": "integer", "minimum": setting.minimum, "maximum": setting.maximum}
            schema = {"type": "array", "items": item, "maxItems": setting.max_items}
        case "flag":
            schema = {"type": "boolean"}
    if setting.default is not None and setting.kind != "names":
        schema["default"] = list(d) if isinstance(d := setting.default, tuple) else d
    return {**schema, "description": setting.help}


SETTINGS_PROPERTIES: dict[str, Any] = {s.name: setting_schema(s) for s in SETTINGS}

_TRUE_OR_FALSE = ["true", "false", "1", "0", "yes", "no", "on", "off", ""]


def _text_schema(setting: Setting) -> dict[str, Any]:
    """A setting as text (query string, form): the JSON schema without null, empty meaning absent.

    Lists are comma-separated; an empty ``alarms`` means none, an empty
    ``source_rules`` false (an unticked box), other empty values the default.
    """
    json_schema = SETTINGS_PROPERTIES[setting.name]
    schema = {k: v for k, v in json_schema.items() if k not in ("default", "description")}
    if schema.get("type") == ["string", "null"]:
        schema["type"] = "string"
    if setting.kind == "flag":
        return {"enum": _TRUE_OR_FALSE}
    if setting.is_list:
        return schema
    return {"anyOf": [schema, {"const": ""}]}


QUERY_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": s.name,
        "in": "query",
        "required": False,
        "description": s.help,
        "schema": _text_schema(s),
        **({"style": "form", "explode": False} if s.is_list else {}),
    }
    for s in SETTINGS
]

_STAGES = [s.value for s in Stage]
_ONE_STEP = rf"(?:{'|'.join(_STAGES)}):(?:{_year_alternatives(FIRST_YEAR, LAST_YEAR)})"
SCHOOL_PARAMETER: dict[str, Any] = {
    "name": "school",
    "in": "query",
    "required": False,
    "description": "School steps depending on this permit (Shanghai only), STAGE:YEAR such as "
    f"primary:2027; repeated and/or comma-separated, {MAX_SCHOOLS} different steps at most. A "
    "year before the stage's first year in the school data is refused.",
    "schema": {
        "type": "array",
        "maxItems": MAX_SCHOOLS,
        "items": {"type": "string", "pattern": rf"^(?:{_ONE_STEP}(?:,{_ONE_STEP}){{0,3}})?$"},
    },
    "style": "form",
    "explode": True,
}

# The page's form: the settings as text, but one date field whose kind a radio
# button picks, a box that asks the opposite of source_rules, and the CSRF token.
_FORM_ONLY = {
    "date_kind": {"enum": ["issued", "expires"], "default": "expires"},
    "date": {"type": "string", "format": "date"},
    "official_only": {"type": "string", "description": "Ticked: official rules only."},
    "use_as_expiry": {
        "type": "string",
        "description": "Sent by the offer under a refused issue date: the date is the expiry.",
    },
    "csrf_token": {"type": "string"},
}
FORM_FIELDS: dict[str, Any] = {
    "type": "object",
    "required": ["date", "csrf_token"],
    "properties": {
        **{
            s.name: {**_text_schema(s), "description": s.help}
            for s in SETTINGS
            if s.name not in ("issued", "expires", "source_rules")
        },
        **_FORM_ONLY,
    },
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
        "permit": {
            "type": "string",
            "description": "In a subscription's answer: the id of the permit it belongs to.",
        },
    },
}

# A school step's row (a stateless query's, or a subscription's): a deadline's keys and
# its own (SchoolEvent.to_dict).
_SCHOOL_EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["rule", "date", "end", "kind", "title", "track", "stage", "year"],
    "properties": {
        "rule": {"type": "string", "example": "info_registration"},
        "cycle": {"type": "null"},
        "date": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date", "description": "The last day, included."},
        "kind": {"enum": ["school_checkpoint", "school_watch", "school_warning"]},
        "basis": {"type": "null"},
        "expiry": {
            "type": ["string", "null"],
            "format": "date",
            "description": "A warning's: the warned permit's expiry.",
        },
        "estimate": {"type": "boolean"},
        "provisional": {"type": "boolean"},
        "date_provisional": {"type": "boolean"},
        "working_day": {"type": "boolean"},
        "nearest_working_day": {"type": "string", "format": "date"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "track": {"type": "string", "description": "The school step's key (its UIDs start so)."},
        "stage": {"enum": _STAGES},
        "year": {"type": "integer"},
        "estimated_from": {
            "type": ["integer", "null"],
            "description": "The year whose dates were moved to this year's (an estimate).",
        },
        "firmness": {"enum": list(FIRMNESS)},
        "checks": {"type": "array", "items": {"enum": ["permit", "points"]}},
        "permit": {
            "type": ["string", "null"],
            "description": "A warning's: the permit (id) it warns about.",
        },
        "school": {
            "type": "string",
            "description": "In a subscription's answer: the id of the school step.",
        },
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"title": {"type": "string"}, "url": {"type": ["string", "null"]}},
            },
        },
    },
}

# A school step of a subscription. Its permits are named by id or, unique in a
# calendar, by label; none: every Shanghai permit of the calendar.
_SCHOOL: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {
            "type": ["string", "null"],
            "description": "Stable; every UID of the step's events starts with it. In a PATCH: "
            "an entry with an id keeps that step (and what it does not name).",
        },
        "stage": {"enum": _STAGES},
        "year": {
            "type": "integer",
            "minimum": FIRST_YEAR,
            "maximum": LAST_YEAR,
            "description": "The year of the step; one before the stage's first year in the "
            "school data is refused.",
        },
        "permits": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_PERMITS,
            "uniqueItems": True,
            "items": {"type": "string"},
            "description": "The Shanghai permits it depends on, by id or label (answers: ids). "
            "Left out: every Shanghai permit of the calendar.",
        },
    },
}
_SCHOOLS_LIST = {
    "type": "array",
    "maxItems": MAX_SCHOOLS,
    "items": {"$ref": "#/components/schemas/School"},
    "description": "The calendar's school steps; in a PATCH the whole new list (left out: "
    "kept). Removing the only permit a step depends on is refused.",
}
_NEW_SCHOOLS_LIST = {
    **_SCHOOLS_LIST,
    "items": {"allOf": [{"$ref": "#/components/schemas/School"}, {"required": ["stage", "year"]}]},
}

_LABEL = {
    "type": "string",
    "maxLength": MAX_LABEL,
    "description": "Whose permit it is; event titles start with it when there are several.",
}
# One permit of a household: its own settings (the calendar-wide ones are the household's).
_PERMIT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {
            "type": ["string", "null"],
            "description": "Stable; every UID of the permit's events starts with it. "
            "In a PATCH: an entry with an id changes that permit, one without adds a permit.",
        },
        "label": _LABEL,
        **{name: SETTINGS_PROPERTIES[name] for name in PERMIT_NAMES},
    },
}
_CALENDAR_PROPERTIES = {n: s for n, s in SETTINGS_PROPERTIES.items() if n not in PERMIT_NAMES}
_PERMITS_LIST = {
    "type": "array",
    "minItems": 1,
    "maxItems": MAX_PERMITS,
    "items": {"$ref": "#/components/schemas/Permit"},
    "description": "The permits of one calendar (a household), in order; in a PATCH the "
    "whole new list: a stored permit not listed is removed.",
}
_HOUSEHOLD: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["permits"],
    "properties": {**_CALENDAR_PROPERTIES, "permits": _PERMITS_LIST, "schools": _SCHOOLS_LIST},
}
# A new permit needs one anchor; a stored one (named by its id) keeps its own.
_NEW_HOUSEHOLD: dict[str, Any] = {
    **_HOUSEHOLD,
    "properties": {
        **_CALENDAR_PROPERTIES,
        "permits": {
            **_PERMITS_LIST,
            "items": {"allOf": [{"$ref": "#/components/schemas/Permit"}, _ONE_ANCHOR]},
        },
        "schools": _NEW_SCHOOLS_LIST,
    },
}
# One permit's body (its settings at the top level) with the calendar's school steps.
_SETTINGS_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {**SETTINGS_PROPERTIES, "schools": _SCHOOLS_LIST},
}
_NEW_SETTINGS_BODY: dict[str, Any] = {
    **_SETTINGS_BODY,
    "properties": {**SETTINGS_PROPERTIES, "schools": _NEW_SCHOOLS_LIST},
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
        "settings": {
            "$ref": "#/components/schemas/Settings",
            "description": "The calendar-wide settings and the first permit's own.",
        },
        "permits": {"type": "array", "items": {"$ref": "#/components/schemas/Permit"}},
        "schools": {"type": "array", "items": {"$ref": "#/components/schemas/School"}},
        "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
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
                "reason": {
                    "type": "string",
                    "description": "Why the input was refused (the library's reasons).",
                },
            },
        }
    },
}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Settings": {
            "type": "object",
            "additionalProperties": False,
            "properties": SETTINGS_PROPERTIES,
        },
        "NewSettings": {"allOf": [ref("NewSettingsBody"), _ONE_ANCHOR]},
        "SettingsBody": _SETTINGS_BODY,
        "NewSettingsBody": _NEW_SETTINGS_BODY,
        "Permit": _PERMIT,
        "School": _SCHOOL,
        "Household": _HOUSEHOLD,
        "NewHousehold": _NEW_HOUSEHOLD,
        "NewSubscription": {"oneOf": [ref("NewSettings"), ref("NewHousehold")]},
        "SubscriptionChange": {"oneOf": [ref("SettingsBody"), ref("Household")]},
        "Deadline": _DEADLINE,
        "SchoolEvent": _SCHOOL_EVENT,
        "Event": {"anyOf": [ref("Deadline"), ref("SchoolEvent")]},
        "Subscription": _SUBSCRIPTION,
        "Error": _ERROR,
        "PageForm": FORM_FIELDS,
    },
    "securitySchemes": {
        # The CalDAV login: the account as user name, the feed token as password.
        "caldav": {"type": "http", "scheme": "basic"},
    },
}
