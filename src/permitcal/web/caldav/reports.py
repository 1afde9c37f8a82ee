"""REPORT: calendar-query (RFC 4791 §7.8), calendar-multiget (§7.9), sync-collection (RFC 6578)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

from flask import Response

from permitcal.web.caldav.answers import (
    bad_request,
    forbidden,
    multistatus_response,
    read_body,
    status_response,
)
from permitcal.web.caldav.filters import FilterError, matches, parse_filter
from permitcal.web.caldav.objects import decode_sync_token, short_etag
from permitcal.web.caldav.propfind import response, wanted_props
from permitcal.web.caldav.resources import Context, Resource, children
from permitcal.web.caldav.xmlutil import CALDAV, DAV, qname

__all__ = ["report"]


def report(ctx: Context, resource: Resource) -> Response:
    body = read_body()
    if body is None:
        bad_request("REPORT needs a body")
    wanted, _ = wanted_props(body)
    wanted = wanted if wanted is not None else [qname(DAV, "getetag")]
    if body.tag == qname(CALDAV, "calendar-multiget"):
        return _multiget(ctx, body, wanted)
    if resource.kind not in ("collection", "object"):
        return forbidden("supported-report")
    if body.tag == qname(CALDAV, "calendar-query"):
        return _query(ctx, resource, body, wanted)
    if body.tag == qname(DAV, "sync-collection") and resource.kind == "collection":
        return _sync_collection(ctx, body, wanted)
    return forbidden("supported-report")


def _query(ctx: Context, resource: Resource, body: ET.Element, wanted: list[str]) -> Response:
    """The objects the filter matches; a filter this server cannot apply is refused whole.

    Answering such a filter with every object (or none) would look like an
    answer; 403 with the precondition tells the client to filter itself.
    """
    try:
        query_filter = parse_filter(body)
    except FilterError as error:
        return forbidden(error.condition, CALDAV, str(error))
    candidates = children(ctx, resource) if resource.kind == "collection" else [resource]
    found = [r for r in candidates if r.obj is not None and matches(query_filter, r.obj.vcalendar)]
    return multistatus_response(response(ctx, r, wanted) for r in found)


def _multiget(ctx: Context, body: ET.Element, wanted: list[str]) -> Response:
    responses = []
    seen: set[str] = set()
    for href_node in body.findall(qname(DAV, "href")):
        href = (href_node.text or "").strip()
        path = unquote(urlsplit(href).path)
        name = (
            path.removeprefix(ctx.collection_href) if path.startswith(ctx.collection_href) else None
        )
        obj = ctx.snapshot.by_name.get(name) if name else None
        # One answer per object, however often (or however spelled) it is asked for.
        key = obj.name if obj is not None else href
        if key in seen:
            continue
        seen.add(key)
        if obj is None:
            responses.append(status_response(href, "HTTP/1.1 404 Not Found"))
        else:
            responses.append(response(ctx, Resource("object", ctx.object_href(obj), obj), wanted))
    return multistatus_response(responses)


def _sync_collection(ctx: Context, body: ET.Element, wanted: list[str]) -> Response:
    token = (body.findtext(qname(DAV, "sync-token")) or "").strip()
    prefix = ctx.sub.uid_prefix
    current = {o.name: short_etag(o.etag) for o in ctx.snapshot.objects}
    if token:
        previous = decode_sync_token(token, prefix)
        if previous is None:
            return forbidden("valid-sync-token")
    else:
        previous = {}
    responses: list[ET.Element] = []
    for obj in ctx.snapshot.objects:
        if previous.get(obj.name) != current[obj.name]:
            responses.append(response(ctx, Resource("object", ctx.object_href(obj), obj), wanted))
    for name in sorted(set(previous) - set(current)):
        responses.append(status_response(ctx.collection_href + name, "HTTP/1.1 404 Not Found"))
    return multistatus_response(responses, ctx.snapshot.sync_token)
