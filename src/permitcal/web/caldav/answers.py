"""What every CalDAV answer is made of: request bodies, multistatus, errors, plain text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import NoReturn

from flask import Response, abort, current_app, request

from permitcal.web.caldav.xmlutil import (
    DAV,
    AnswerTooLarge,
    XmlError,
    element,
    multistatus,
    parse_body,
    qname,
    serialize,
)
from permitcal.web.errors import plain_response

__all__ = [
    "XML_TYPE",
    "bad_request",
    "forbidden",
    "multistatus_response",
    "not_found",
    "read_body",
    "status_response",
]

XML_TYPE = "application/xml; charset=utf-8"


def read_body() -> ET.Element | None:
    try:
        return parse_body(request.get_data(cache=False))
    except XmlError as error:
        bad_request(f"Malformed XML body: {error}")


def bad_request(message: str) -> NoReturn:
    abort(plain_response(400, message))


def not_found() -> NoReturn:
    """404 in plain text: a CalDAV client has no use for the site's HTML error page."""
    abort(plain_response(404, "No such CalDAV resource.\n没有这个 CalDAV 资源。"))


def status_response(href: str, status: str) -> ET.Element:
    return element(
        qname(DAV, "response"),
        children=[element(qname(DAV, "href"), href), element(qname(DAV, "status"), status)],
    )


def multistatus_response(
    responses: Iterable[ET.Element], sync_token: str | None = None
) -> Response:
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


def forbidden(condition: str, namespace: str = DAV, reason: str | None = None) -> Response:
    """403 with the precondition a client can act on (RFC 4918 §16, RFC 4791 §1.3)."""
    node = element(qname(namespace, condition))
    node.tail = reason
    error = element(qname(DAV, "error"), children=[node])
    return Response(serialize(error), status=403, content_type=XML_TYPE)
