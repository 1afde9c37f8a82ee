"""PROPFIND (RFC 4918 §9.1): every resource's properties, and <response> elements."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from flask import Response, abort, request
from werkzeug.http import http_date

from permitcal.web.caldav.answers import bad_request, multistatus_response, read_body
from permitcal.web.caldav.resources import Context, Resource, children
from permitcal.web.caldav.xmlutil import CALDAV, CALSERV, DAV, ICAL, element, qname
from permitcal.web.errors import plain_response

__all__ = ["propfind", "response", "wanted_props"]

CALENDAR_COLOR = "#B3261EFF"
# Real clients ask for a dozen properties; each distinct name costs one element
# per resource in the answer, so the count is what bounds its size.
MAX_PROPS = 100


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
    elif kind == "collection":
        snapshot = ctx.snapshot
        props.update(
            {
                d("resourcetype"): lambda: element(
                    d("resourcetype"), children=[element(d("collection")), element(c("calendar"))]
                ),
                d("displayname"): lambda: element(d("displayname"), ctx.display_name),
                c("calendar-description"): lambda: element(
                    c("calendar-description"),
                    ctx.sub.settings.rules.feed_description.get(ctx.sub.settings.lang),
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


def response(
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


def wanted_props(parent: ET.Element | None) -> tuple[list[str] | None, bool]:
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


def propfind(ctx: Context, resource: Resource) -> Response:
    body = read_body()
    if body is not None and body.tag != qname(DAV, "propfind"):
        bad_request("Expected a DAV:propfind body")
    wanted, names_only = wanted_props(body)
    depth = request.headers.get("Depth", "infinity").strip().lower()
    if depth not in ("0", "1", "infinity"):
        bad_request("Depth must be 0, 1 or infinity")
    resources = [resource]
    if depth != "0":  # "infinity" is answered like 1: the tree is never deeper than that matters
        resources += children(ctx, resource)
    return multistatus_response(response(ctx, r, wanted, names_only) for r in resources)
