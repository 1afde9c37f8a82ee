"""The read-only CalDAV server (RFC 4791 over RFC 4918): discovery, PROPFIND, REPORT, GET."""

from __future__ import annotations

import datetime as dt
import hmac
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date

from permitcal.web.caldav.account import CALENDAR_SEGMENT
from permitcal.web.caldav.objects import CalendarObject, Snapshot, decode_sync_token, short_etag
from permitcal.web.caldav.xmlutil import (
    CALDAV,
    CALSERV,
    DAV,
    ICAL,
    AnswerTooLarge,
    XmlError,
    element,
    multistatus,
    parse_body,
    qname,
    serialize,
)
from permitcal.web.compress import compress_response, matched_etag
from permitcal.web.errors import plain_response
from permitcal.web.feeds import CALENDAR_TYPE, home_url
from permitcal.web.service import service
from permitcal.web.store import Subscription
from permitcal.web.tokens import looks_like_token

__all__ = ["CALENDAR_SEGMENT", "bp"]

bp = Blueprint("caldav", __name__)

READ_METHODS = ["OPTIONS", "GET", "HEAD", "PROPFIND", "REPORT"]
# Every method that could change something: refused, whatever the resource.
WRITE_METHODS = [
    "PUT",
    "DELETE",
    "POST",
    "PATCH",
    "MKCALENDAR",
    "MKCOL",
    "PROPPATCH",
    "MOVE",
    "COPY",
    "LOCK",
    "UNLOCK",
    "ACL",
    "BIND",
    "UNBIND",
    "REBIND",
]
METHODS = READ_METHODS + WRITE_METHODS
ALLOW = ", ".join(READ_METHODS)
DAV_CLASSES = "1, 3, calendar-access"
XML_TYPE = "application/xml; charset=utf-8"
CALENDAR_COLOR = "#B3261EFF"
# The feed's events are all-day dates in Shanghai time (UTC+8, no DST since 1991);
# time-range filters compare them as such (RFC 4791 §9.9, floating values).
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
REALM = 'Basic realm="permitcal CalDAV", charset="UTF-8"'
# Real clients ask for a dozen properties; each distinct name costs one element
# per resource in the answer, so the count is what bounds its size.
MAX_PROPS = 100


# -- routing -----------------------------------------------------------------


@bp.after_request
def _compress(response: Response) -> Response:
    """gzip answers of 1 KiB or more (objects, the collection, multistatus) for clients that ask."""
    if not service().compress:
        return response
    return compress_response(response, request.headers.get("Accept-Encoding"))


@bp.route("/.well-known/caldav", methods=METHODS)
def well_known() -> ResponseReturnValue:
    """RFC 6764 discovery: clients given only the host find the server here."""
    return redirect(url_for("caldav.root"), 301)


@bp.route("/dav/", methods=METHODS)
def root() -> ResponseReturnValue:
    return _dispatch(None, None, None)


@bp.route("/", methods=["PROPFIND", "REPORT"])
def site_root() -> ResponseReturnValue:
    """Clients given the bare server URL ask its root for the current user's principal."""
    return _dispatch(None, None, None)


@bp.route("/dav/<account>/", methods=METHODS)
@bp.route("/dav/<account>", methods=METHODS)
def principal(account: str) -> ResponseReturnValue:
    return _dispatch(account, None, None)


@bp.route("/dav/<account>/<collection>/", methods=METHODS)
@bp.route("/dav/<account>/<collection>", methods=METHODS)
def calendar(account: str, collection: str) -> ResponseReturnValue:
    return _dispatch(account, collection, None)


@bp.route("/dav/<account>/<collection>/<name>", methods=METHODS)
def calendar_object(account: str, collection: str, name: str) -> ResponseReturnValue:
    return _dispatch(account, collection, name)


# -- resources ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """The authenticated subscription and what its requests share."""

    sub: Subscription
    snapshot: Snapshot
    root_href: str
    principal_href: str
    calendar_href: str
    calendar_name: str
    last_modified: dt.datetime

    def object_href(self, obj: CalendarObject) -> str:
        return self.calendar_href + obj.name


@dataclass(frozen=True, slots=True)
class Resource:
    kind: str  # "root", "principal", "calendar" or "object"
    href: str
    obj: CalendarObject | None = None


def _dispatch(account: str | None, collection: str | None, name: str | None) -> Response:
    if request.method == "OPTIONS":
        return _options()
    sub = _authenticate()
    if request.method in WRITE_METHODS:
        return _read_only()
    ctx = _context(sub)
    resource = _resolve(ctx, account, collection, name)
    if resource is None:
        abort(404)
    if request.method == "PROPFIND":
        return _propfind(ctx, resource)
    if request.method == "REPORT":
        return _report(ctx, resource)
    return _get(ctx, resource)


def _authenticate() -> Subscription:
    """HTTP Basic: the account id as user name, the feed token as password."""
    auth = request.authorization
    if auth is None or auth.type != "basic":
        raise _challenge()
    password, username = auth.password or "", auth.username or ""
    sub = service().store.by_feed_token(password) if looks_like_token(password) else None
    if sub is None or not hmac.compare_digest(sub.account.encode(), username.encode()):
        raise _challenge()
    return sub


def _challenge() -> HTTPException:
    """401 with the Basic challenge, to raise."""
    response = plain_response(
        401,
        "Authentication required: the CalDAV user name and password from your manage page.\n"
        "需要登录：请使用管理页面上的 CalDAV 用户名和密码。",
    )
    response.headers["WWW-Authenticate"] = REALM
    return HTTPException(response=response)


def _context(sub: Subscription) -> Context:
    snapshot = service().caldav_snapshot(sub, home_url())
    principal_href = url_for("caldav.principal", account=sub.account)
    if not principal_href.endswith("/"):
        principal_href += "/"
    return Context(
        sub=sub,
        snapshot=snapshot,
        root_href=url_for("caldav.root"),
        principal_href=principal_href,
        calendar_href=f"{principal_href}{CALENDAR_SEGMENT}/",
        calendar_name=service().policy.calendar_name.get(sub.settings.lang, " "),
        last_modified=max(sub.updated_at, service().data_since()),
    )


def _resolve(
    ctx: Context, account: str | None, collection: str | None, name: str | None
) -> Resource | None:
    if account is None:
        return Resource("root", request.path)
    # Another subscription's paths do not exist for this login.
    if not hmac.compare_digest(account.encode(), ctx.sub.account.encode()):
        return None
    if collection is None:
        return Resource("principal", ctx.principal_href)
    if collection != CALENDAR_SEGMENT:
        return None
    if name is None:
        return Resource("calendar", ctx.calendar_href)
    obj = ctx.snapshot.by_name.get(name)
    return None if obj is None else Resource("object", ctx.object_href(obj), obj)


def _children(ctx: Context, resource: Resource) -> list[Resource]:
    if resource.kind == "root":
        return [Resource("principal", ctx.principal_href)] if resource.href == ctx.root_href else []
    if resource.kind == "principal":
        return [Resource("calendar", ctx.calendar_href)]
    if resource.kind == "calendar":
        return [Resource("object", ctx.object_href(o), o) for o in ctx.snapshot.objects]
    return []


# -- properties --------------------------------------------------------------


def _d(name: str) -> str:
    return qname(DAV, name)


def _c(name: str) -> str:
    return qname(CALDAV, name)


PropBuilder = Callable[[], ET.Element]


def _href(tag: str, href: str) -> ET.Element:
    return element(tag, children=[element(qname(DAV, "href"), href)])


def _properties(ctx: Context, resource: Resource) -> dict[str, PropBuilder]:
    """Every property of a resource, built only when asked for."""
    d, c = _d, _c
    props: dict[str, PropBuilder] = {
        d("current-user-principal"): lambda: _href(d("current-user-principal"), ctx.principal_href),
        d("owner"): lambda: _href(d("owner"), ctx.principal_href),
        d("current-user-privilege-set"): lambda: element(
            d("current-user-privilege-set"),
            children=[
                element(d("privilege"), children=[element(d(p))])
                for p in ("read", "read-current-user-privilege-set")
            ],
        ),
        c("calendar-home-set"): lambda: _href(c("calendar-home-set"), ctx.principal_href),
    }
    kind = resource.kind
    if kind == "root":
        props[d("resourcetype")] = lambda: element(
            d("resourcetype"), children=[element(d("collection"))]
        )
        props[d("displayname")] = lambda: element(d("displayname"), "permitcal")
    elif kind == "principal":
        props[d("resourcetype")] = lambda: element(
            d("resourcetype"), children=[element(d("collection")), element(d("principal"))]
        )
        props[d("displayname")] = lambda: element(d("displayname"), ctx.sub.account)
        props[d("principal-URL")] = lambda: _href(d("principal-URL"), ctx.principal_href)
        props[c("calendar-user-address-set")] = lambda: element(c("calendar-user-address-set"))
    elif kind == "calendar":
        snapshot = ctx.snapshot
        props.update(
            {
                d("resourcetype"): lambda: element(
                    d("resourcetype"), children=[element(d("collection")), element(c("calendar"))]
                ),
                d("displayname"): lambda: element(d("displayname"), ctx.calendar_name),
                c("calendar-description"): lambda: element(
                    c("calendar-description"),
                    service().policy.calendar_description.get(ctx.sub.settings.lang),
                ),
                c("supported-calendar-component-set"): lambda: element(
                    c("supported-calendar-component-set"),
                    children=[_comp("VEVENT")],
                ),
                c("supported-calendar-data"): lambda: element(
                    c("supported-calendar-data"), children=[_calendar_data_type()]
                ),
                qname(CALSERV, "getctag"): lambda: element(
                    qname(CALSERV, "getctag"), snapshot.ctag
                ),
                d("sync-token"): lambda: element(d("sync-token"), snapshot.sync_token),
                d("getetag"): lambda: element(d("getetag"), f'"{snapshot.ctag}"'),
                d("getlastmodified"): lambda: element(
                    d("getlastmodified"), http_date(ctx.last_modified)
                ),
                d("supported-report-set"): _supported_reports,
                qname(ICAL, "calendar-color"): lambda: element(
                    qname(ICAL, "calendar-color"), CALENDAR_COLOR
                ),
            }
        )
    elif resource.obj is not None:
        obj = resource.obj
        props.update(
            {
                d("resourcetype"): lambda: element(d("resourcetype")),
                d("getetag"): lambda: element(d("getetag"), f'"{obj.etag}"'),
                d("getcontenttype"): lambda: element(
                    d("getcontenttype"), "text/calendar; charset=utf-8; component=vevent"
                ),
                d("getcontentlength"): lambda: element(d("getcontentlength"), str(len(obj.body))),
                d("getlastmodified"): lambda: element(
                    d("getlastmodified"), http_date(ctx.last_modified)
                ),
                c("calendar-data"): lambda: element(c("calendar-data"), obj.body.decode("utf-8")),
            }
        )
    return props


# RFC 4791 §9.6: calendar-data is only returned when asked for by name.
_NOT_IN_ALLPROP = {qname(CALDAV, "calendar-data"), qname(DAV, "supported-report-set")}


def _comp(name: str) -> ET.Element:
    node = element(qname(CALDAV, "comp"))
    node.set("name", name)
    return node


def _calendar_data_type() -> ET.Element:
    node = element(qname(CALDAV, "calendar-data"))
    node.set("content-type", "text/calendar")
    node.set("version", "2.0")
    return node


def _supported_reports() -> ET.Element:
    reports = [
        qname(CALDAV, "calendar-multiget"),
        qname(CALDAV, "calendar-query"),
        qname(DAV, "sync-collection"),
    ]
    return element(
        qname(DAV, "supported-report-set"),
        children=[
            element(
                qname(DAV, "supported-report"),
                children=[element(qname(DAV, "report"), children=[element(r)])],
            )
            for r in reports
        ],
    )


def _response(
    ctx: Context, resource: Resource, wanted: list[str] | None, names_only: bool = False
) -> ET.Element:
    """One <response>: found properties under 200, missing ones under 404."""
    available = _properties(ctx, resource)
    found: list[ET.Element] = []
    missing: list[ET.Element] = []
    if wanted is None:  # allprop / propname
        for tag, build in available.items():
            if tag in _NOT_IN_ALLPROP:
                continue
            found.append(element(tag) if names_only else build())
    else:
        for tag in wanted:
            builder = available.get(tag)
            if builder is None:
                missing.append(element(tag))
            else:
                found.append(builder())
    propstats = []
    for props, status in ((found, "HTTP/1.1 200 OK"), (missing, "HTTP/1.1 404 Not Found")):
        if props:
            propstats.append(
                element(
                    qname(DAV, "propstat"),
                    children=[
                        element(qname(DAV, "prop"), children=props),
                        element(qname(DAV, "status"), status),
                    ],
                )
            )
    return element(
        qname(DAV, "response"), children=[element(qname(DAV, "href"), resource.href), *propstats]
    )


def _status_response(href: str, status: str) -> ET.Element:
    return element(
        qname(DAV, "response"),
        children=[element(qname(DAV, "href"), href), element(qname(DAV, "status"), status)],
    )


# -- methods -----------------------------------------------------------------


def _body() -> ET.Element | None:
    try:
        return parse_body(request.get_data(cache=False))
    except XmlError as error:
        _bad_request(f"Malformed XML body: {error}")


def _bad_request(message: str) -> NoReturn:
    abort(plain_response(400, message))


def _wanted_props(parent: ET.Element | None) -> tuple[list[str] | None, bool]:
    """The property names asked for; None for allprop, and whether only names are wanted."""
    if parent is None:
        return None, False
    prop = parent.find(qname(DAV, "prop"))
    if prop is not None:
        return _distinct_props(prop), False
    return None, parent.find(qname(DAV, "propname")) is not None


def _distinct_props(prop: ET.Element) -> list[str]:
    """Each name (namespace and local name) once, in order; at most MAX_PROPS of them.

    A name repeated thousands of times would otherwise be answered thousands
    of times for every event: a 32 KB request, a 100 MB answer.
    """
    names = list(dict.fromkeys(child.tag for child in prop))
    if len(names) > MAX_PROPS:
        abort(
            plain_response(
                413,
                f"Too many properties: {len(names)} asked for, at most {MAX_PROPS} per request.\n"
                f"请求的属性过多：{len(names)} 个，每次最多 {MAX_PROPS} 个。",
            )
        )
    return names


def _multistatus(responses: Iterable[ET.Element], sync_token: str | None = None) -> Response:
    limit: int = current_app.config["CALDAV_MAX_ANSWER_BYTES"]
    try:
        body = serialize(multistatus(responses, sync_token), limit)
    except AnswerTooLarge:
        return _answer_too_large(limit)
    return Response(body, status=207, content_type=XML_TYPE)


def _answer_too_large(limit: int) -> Response:
    """507 with DAV:number-of-matches-within-limits, WebDAV's condition for results over a limit.

    RFC 6578 §3.6 uses it for a truncated sync; here nothing is sent, so that
    a client never mistakes part of a calendar for all of it.
    """
    condition = element(qname(DAV, "number-of-matches-within-limits"))
    # DAV:error allows any content: the reason in words, for whoever reads the logs.
    condition.tail = (
        f"The answer would exceed {limit // 1024} KiB; ask for fewer properties or resources. "
        f"答复将超过 {limit // 1024} KiB，请减少请求的属性或资源。"
    )
    error = element(qname(DAV, "error"), children=[condition])
    return Response(serialize(error), status=507, content_type=XML_TYPE)


def _propfind(ctx: Context, resource: Resource) -> Response:
    body = _body()
    if body is not None and body.tag != qname(DAV, "propfind"):
        _bad_request("Expected a DAV:propfind body")
    wanted, names_only = _wanted_props(body)
    depth = request.headers.get("Depth", "infinity").strip().lower()
    if depth not in ("0", "1", "infinity"):
        _bad_request("Depth must be 0, 1 or infinity")
    resources = [resource]
    if depth != "0":  # "infinity" is answered like 1: the tree is never deeper than that matters
        resources += _children(ctx, resource)
    return _multistatus(_response(ctx, r, wanted, names_only) for r in resources)


def _report(ctx: Context, resource: Resource) -> Response:
    body = _body()
    if body is None:
        _bad_request("REPORT needs a body")
    wanted, _ = _wanted_props(body)
    wanted = wanted if wanted is not None else [qname(DAV, "getetag")]
    if body.tag == qname(CALDAV, "calendar-multiget"):
        return _multiget(ctx, body, wanted)
    if resource.kind not in ("calendar", "object"):
        return _unsupported_report()
    if body.tag == qname(CALDAV, "calendar-query"):
        candidates = _children(ctx, resource) if resource.kind == "calendar" else [resource]
        matching = [r for r in candidates if r.obj is not None and _matches(r.obj, body)]
        return _multistatus(_response(ctx, r, wanted) for r in matching)
    if body.tag == qname(DAV, "sync-collection") and resource.kind == "calendar":
        return _sync_collection(ctx, body, wanted)
    return _unsupported_report()


def _forbidden(condition: str) -> Response:
    """403 with the DAV:error precondition a client can act on (RFC 4918 §16)."""
    error = element(qname(DAV, "error"), children=[element(qname(DAV, condition))])
    return Response(serialize(error), status=403, content_type=XML_TYPE)


def _unsupported_report() -> Response:
    return _forbidden("supported-report")


def _multiget(ctx: Context, body: ET.Element, wanted: list[str]) -> Response:
    responses = []
    seen: set[str] = set()
    for href_node in body.findall(qname(DAV, "href")):
        href = (href_node.text or "").strip()
        path = unquote(urlsplit(href).path)
        name = path.removeprefix(ctx.calendar_href) if path.startswith(ctx.calendar_href) else None
        obj = ctx.snapshot.by_name.get(name) if name else None
        # One answer per object, however often (or however spelled) it is asked for.
        key = obj.name if obj is not None else href
        if key in seen:
            continue
        seen.add(key)
        if obj is None:
            responses.append(_status_response(href, "HTTP/1.1 404 Not Found"))
        else:
            responses.append(_response(ctx, Resource("object", ctx.object_href(obj), obj), wanted))
    return _multistatus(responses)


def _sync_collection(ctx: Context, body: ET.Element, wanted: list[str]) -> Response:
    token = (body.findtext(qname(DAV, "sync-token")) or "").strip()
    prefix = f"s-{ctx.sub.account}-"
    current = {o.name: short_etag(o.etag) for o in ctx.snapshot.objects}
    if token:
        previous = decode_sync_token(token, prefix)
        if previous is None:
            return _forbidden("valid-sync-token")
    else:
        previous = {}
    responses: list[ET.Element] = []
    for obj in ctx.snapshot.objects:
        if previous.get(obj.name) != current[obj.name]:
            responses.append(_response(ctx, Resource("object", ctx.object_href(obj), obj), wanted))
    for name in sorted(set(previous) - set(current)):
        responses.append(_status_response(ctx.calendar_href + name, "HTTP/1.1 404 Not Found"))
    return _multistatus(responses, ctx.snapshot.sync_token)


def _matches(obj: CalendarObject, query: ET.Element) -> bool:
    """The calendar-query filter: component names and time ranges (all an all-day event needs)."""
    top = query.find(qname(CALDAV, "filter"))
    if top is None:
        return True
    calendar_filter = top.find(qname(CALDAV, "comp-filter"))
    if calendar_filter is None:
        return True
    if calendar_filter.get("name", "").upper() != "VCALENDAR":
        return False
    inner = calendar_filter.findall(qname(CALDAV, "comp-filter"))
    if not inner:
        return True
    return any(_event_matches(obj, f) for f in inner)


def _event_matches(obj: CalendarObject, comp_filter: ET.Element) -> bool:
    if comp_filter.get("name", "").upper() != "VEVENT":
        return False
    if comp_filter.find(qname(CALDAV, "is-not-defined")) is not None:
        return False
    time_range = comp_filter.find(qname(CALDAV, "time-range"))
    if time_range is None:
        return True
    start = _utc(time_range.get("start"))
    end = _utc(time_range.get("end"))
    event_start = dt.datetime.combine(obj.start, dt.time(), SHANGHAI)
    event_end = dt.datetime.combine(obj.end, dt.time(), SHANGHAI)
    return (end is None or event_start < end) and (start is None or event_end > start)


def _utc(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        _bad_request(f"Bad time-range value {value!r}")


def _get(ctx: Context, resource: Resource) -> Response:
    etag = None
    if resource.obj is not None:
        etag = resource.obj.etag
        response = Response(resource.obj.body, content_type=CALENDAR_TYPE)
    elif resource.kind == "calendar":
        etag = ctx.snapshot.ctag
        response = Response(ctx.snapshot.feed, content_type=CALENDAR_TYPE)
    else:
        response = plain_response(
            200, "permitcal CalDAV: add this server as a CalDAV account in your calendar app."
        )
    response.last_modified = ctx.last_modified
    if_none_match = request.headers.get("If-None-Match")
    if etag is not None and if_none_match is not None:
        # Either ETag form (identity or the gzip form the hook above sends) is current.
        current = matched_etag(if_none_match, etag, gzipped=False)
        if current is not None:
            return Response(status=304, headers={"ETag": current})
    if etag is not None:
        response.set_etag(etag)
    response.make_conditional(request)
    return response


def _options() -> Response:
    response = Response(status=200)
    response.headers["DAV"] = DAV_CLASSES
    response.headers["Allow"] = ALLOW
    return response


def _read_only() -> Response:
    """Every write is refused: this calendar mirrors the feed and changes only through it."""
    response = _forbidden("need-privileges")
    response.headers["Allow"] = ALLOW
    return response
