"""WebDAV XML: safe parsing of request bodies and building of multistatus answers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

__all__ = [
    "CALDAV",
    "CALSERV",
    "DAV",
    "ICAL",
    "AnswerTooLarge",
    "XmlError",
    "element",
    "multistatus",
    "parse_body",
    "qname",
    "serialize",
]

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CALSERV = "http://calendarserver.org/ns/"
ICAL = "http://apple.com/ns/ical/"

for prefix, uri in (("D", DAV), ("C", CALDAV), ("CS", CALSERV), ("ICAL", ICAL)):
    ET.register_namespace(prefix, uri)


class XmlError(ValueError):
    """A request body that is not well-formed, or not safe, XML."""


class AnswerTooLarge(Exception):
    """Serialisation stopped because the answer would pass its byte limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer would exceed {limit} bytes")
        self.limit = limit


def qname(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def parse_body(body: bytes) -> ET.Element | None:
    """The body's root element, or None for an empty body.

    defusedxml refuses DTDs, entity declarations and external references, so
    "billion laughs" and external-entity payloads never expand.
    """
    if not body.strip():
        return None
    try:
        root: ET.Element = SafeET.fromstring(body, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as error:
        raise XmlError(str(error)) from None
    return root


def element(tag: str, text: str | None = None, children: Iterable[ET.Element] = ()) -> ET.Element:
    node = ET.Element(tag)
    if text is not None:
        node.text = text
    node.extend(children)
    return node


def multistatus(responses: Iterable[ET.Element], sync_token: str | None = None) -> ET.Element:
    root = element(qname(DAV, "multistatus"), children=responses)
    if sync_token is not None:
        root.append(element(qname(DAV, "sync-token"), sync_token))
    return root


def serialize(root: ET.Element, limit: int | None = None) -> bytes:
    """UTF-8 bytes with an XML declaration; AnswerTooLarge as soon as they pass ``limit``."""
    sink = _BoundedSink(limit)
    ET.ElementTree(root).write(sink, encoding="utf-8", xml_declaration=True)
    return b"".join(sink.chunks)


class _BoundedSink:
    """A write target that counts bytes, so an oversized answer stops while it is written."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.size = 0
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise AnswerTooLarge(self.limit)
        self.chunks.append(data)
        return len(data)
