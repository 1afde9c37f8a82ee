"""gzip on the wire: Accept-Encoding negotiation, deterministic gzip bytes, per-encoding ETags."""

from __future__ import annotations

import gzip
from collections.abc import Collection
from functools import lru_cache

from flask import Response
from werkzeug.http import parse_accept_header, parse_etags

__all__ = [
    "MIN_SIZE",
    "VARY",
    "accepts_gzip",
    "compress_response",
    "gzip_bytes",
    "gzip_etag",
    "matched_etag",
]

# Below this, per-response answers (CalDAV) go out as they are: the gzip
# header and trailer (18 bytes) and a Content-Encoding header eat most of
# what a few hundred bytes could save. Cached feeds do not use it (see feeds.py).
MIN_SIZE = 1024
VARY = ("Vary", "Accept-Encoding")
_GZIP_SUFFIX = "-gz"


@lru_cache(maxsize=256)  # a handful of distinct values in practice; bounded since clients send them
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header asks for gzip (RFC 9110 §12.5.3).

    No header means no compression here, although the RFC allows any coding:
    some clients that send none cannot decode. A named coding wins over ``*``
    whatever the order (``gzip;q=0, *`` refuses gzip); ``x-gzip`` is gzip;
    entries with a malformed q are dropped (Werkzeug's parser).
    """
    if not accept_encoding:
        return False
    qualities: dict[str, float] = {}
    for coding, quality in parse_accept_header(accept_encoding):
        qualities.setdefault(coding.lower(), quality)
    for name in ("gzip", "x-gzip", "*"):
        if name in qualities:
            return qualities[name] > 0
    return False


def gzip_bytes(body: bytes, level: int = 6) -> bytes:
    """``body`` gzipped with mtime 0: the same bytes on every call, worker and host."""
    return gzip.compress(body, compresslevel=level, mtime=0)


def gzip_etag(opaque: str) -> str:
    """The ETag (unquoted) of the gzip form of the representation tagged ``opaque``."""
    return opaque + _GZIP_SUFFIX


def matched_etag(if_none_match: str, opaque: str, gzipped: bool) -> str | None:
    """The quoted ETag an If-None-Match names for this content, either form, or None.

    Both forms stand for the same content, so a client holding either is
    current whatever it asks for now; the 304 repeats the form it holds, so
    that a cache refreshes the entry it has (RFC 9111 §4.3.4). ``*`` and the
    weak comparison of RFC 9110 §13.1.2 as before.
    """
    identity, packed = f'"{opaque}"', f'"{gzip_etag(opaque)}"'
    # Clients almost always echo the ETag unchanged; parse only other forms.
    if if_none_match == identity:
        return identity
    if if_none_match == packed:
        return packed
    etags = parse_etags(if_none_match)
    if etags.is_weak(opaque) or etags.is_strong(opaque):
        return identity
    if etags.is_weak(gzip_etag(opaque)) or etags.is_strong(gzip_etag(opaque)):
        return packed
    if etags.star_tag:
        return packed if gzipped else identity
    return None


def compress_response(
    response: Response, accept_encoding: str | None, statuses: Collection[int] = (200, 207, 304)
) -> Response:
    """gzip a whole (non-streamed) Flask answer of 1 KiB or more when asked; Vary always.

    For answers rendered per request (CalDAV, pages): their size varies, so
    the threshold applies. A strong ETag gets the ``-gz`` form, as feeds do.
    """
    if response.status_code not in statuses or response.is_streamed:
        return response
    response.vary.add("Accept-Encoding")
    if (
        response.status_code == 304
        or "Content-Encoding" in response.headers
        or not accepts_gzip(accept_encoding)
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.set_data(gzip_bytes(body))  # sets Content-Length to the compressed size
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag is not None:
        response.set_etag(gzip_etag(etag), bool(weak))
    return response
