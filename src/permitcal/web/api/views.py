"""The JSON API: create, read, update, delete and rotate subscriptions; stateless deadlines."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for
from werkzeug.exceptions import BadRequest

from permitcal.deadlines import Deadline
from permitcal.errors import InvalidInputError
from permitcal.policy import Lang
from permitcal.school_events import SchoolEvent
from permitcal.web.api.openapi import openapi_document
from permitcal.web.errors import api_error
from permitcal.web.feeds.caldav_account import caldav_account
from permitcal.web.feeds.service import retry_write, service
from permitcal.web.feeds.views import subscription_links
from permitcal.web.storage.household import Household
from permitcal.web.storage.schools import parse_school_params
from permitcal.web.storage.settings import FIELDS, FeedSettings
from permitcal.web.storage.store import Subscription
from permitcal.web.storage.tokens import looks_like_token

__all__ = ["bp"]

bp = Blueprint("api", __name__)


# Settings nest two levels (an object of lists); anything far deeper is an attack
# on the recursive parts of parsing, validating and quoting values in messages.
MAX_JSON_DEPTH = 16


def _json_body() -> Any:
    if not request.is_json:
        abort(api_error(415, "send a JSON body with Content-Type: application/json"))
    try:
        body = request.get_json()
    except BadRequest:
        raise InvalidInputError("body", "the body is not valid JSON", reason="not_json") from None
    except RecursionError:  # the parser recurses once per level: '[' * 1000 gets here
        raise _too_deep() from None
    if _nesting(body) > MAX_JSON_DEPTH:
        raise _too_deep()
    return body


def _too_deep() -> InvalidInputError:
    return InvalidInputError(
        "body",
        f"the JSON nests more than {MAX_JSON_DEPTH} levels deep",
        reason="too_deep",
        params={"max": MAX_JSON_DEPTH},
    )


def _nesting(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (a scalar: 0), iteratively."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, level)
            pending.extend((child, level + 1) for child in node)
    return deepest


def _describe(sub: Subscription, manage_token: str) -> dict[str, Any]:
    """The representation every endpoint returns (the manage token included: the caller has it).

    ``settings`` are the calendar-wide settings with the first permit's own (all a
    one-permit client needs); ``permits`` lists every permit, and each deadline
    names the permit it belongs to.
    """
    settings = sub.settings
    events = service().household_feed(sub.household)
    return {
        "id": sub.account,
        **subscription_links(sub, sub.feed_token(manage_token)).to_json(),
        "manage_url": url_for("pages.manage", token=manage_token, _external=True),
        "api_url": url_for("api.read", token=manage_token, _external=True),
        "manage_token": manage_token,
        **caldav_account(sub, sub.feed_token(manage_token)),
        "revision": sub.revision,
        "created_at": sub.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": sub.updated_at.isoformat().replace("+00:00", "Z"),
        "settings": settings.to_json(),
        "permits": [p.to_json() for p in sub.household.permits],
        "schools": [sub.household.school_json(s) for s in sub.household.schools],
        "deadlines": [_row(e, settings.lang) for e in events],
    }


def _row(event: Deadline | SchoolEvent, lang: Lang) -> dict[str, Any]:
    """A deadline names the permit it belongs to; a school event its school step
    (``school``) and, for a warning, the permit it warns about (``permit``)."""
    if isinstance(event, SchoolEvent):
        return {**event.to_dict(lang), "school": event.track}
    return {**event.to_dict(lang), "permit": event.track}


def _subscription(token: str) -> Subscription:
    sub = service().store.by_manage_token(token) if looks_like_token(token) else None
    if sub is None:
        abort(api_error(404, "no subscription has this manage token"))
    return sub


@bp.post("/api/subscriptions")
def create() -> Response:
    household = service().checked(Household.from_json(_json_body()))
    created = service().store.create(household, service().clock())
    response = _answer(created.subscription, created.manage_token)
    response.status_code = 201
    response.headers["Location"] = url_for("api.read", token=created.manage_token)
    return response


@bp.get("/api/subscriptions/<token>")
def read(token: str) -> Response:
    return _answer(_subscription(token), token)


def _etag(sub: Subscription) -> str:
    """Changes with every write: settings (revision) and feed URL (generation)."""
    return f"r{sub.revision}g{sub.feed_generation}"


def _answer(sub: Subscription, token: str) -> Response:
    response = jsonify(_describe(sub, token))
    response.set_etag(_etag(sub))
    return response


def _check_if_match(sub: Subscription) -> Subscription:
    """``sub`` if it is what the client's If-Match names (or there is none); else 412."""
    if request.if_match and not request.if_match.contains(_etag(sub)):
        abort(api_error(412, "the subscription changed since you read it; read it again"))
    return sub


def _current(token: str) -> Subscription:
    return _check_if_match(_subscription(token))


@bp.patch("/api/subscriptions/<token>")
def patch(token: str) -> Response:
    body = _json_body()

    def write(sub: Subscription) -> Subscription | None:
        # Only the fields the body names change, merged onto the latest stored
        # settings: a concurrent PATCH of another field is kept, not overwritten.
        household = service().checked(Household.from_json(body, base=sub.household))
        _check_if_match(sub)  # after validation: bad input is a 400 whatever the ETag
        if household == sub.household:
            return sub  # nothing to change: revision, SEQUENCE and ETag stay
        return service().store.update(sub, household, service().clock())

    return _answer(retry_write(lambda: _subscription(token), write), token)


@bp.delete("/api/subscriptions/<token>")
def remove(token: str) -> Response:
    if not service().store.delete(_current(token)):
        abort(api_error(404, "no subscription has this manage token"))
    return Response(status=204)


@bp.post("/api/subscriptions/<token>/rotate")
def rotate(token: str) -> Response:
    rotated = retry_write(
        lambda: _current(token),
        lambda sub: service().store.rotate_feed_token(sub, token) or _rotated_by_another(token),
    )
    return _answer(rotated, token)


def _rotated_by_another(token: str) -> Subscription | None:
    """After a lost compare-and-set: a concurrent rotation retired the old URL just the same."""
    sub = service().store.by_manage_token(token)
    if sub is None:
        abort(api_error(404, "no subscription has this manage token"))
    return sub


@bp.get("/api/deadlines")
def deadlines() -> Response:
    """Deadlines without storing anything; the same query parameters as /feed.ics."""
    settings = FeedSettings.from_strings(request.args, allowed=(*FIELDS, "school"))
    schools = parse_school_params(request.args.getlist("school"))
    events = service().adhoc_events(settings, schools)
    return jsonify([e.to_dict(settings.lang) for e in events])


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(request.url_root.rstrip("/")))
