"""The read-only CalDAV server (RFC 4791 over RFC 4918): routes and the one dispatcher."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from permitcal.web.caldav.answers import forbidden, not_found
from permitcal.web.caldav.propfind import propfind
from permitcal.web.caldav.reports import report
from permitcal.web.caldav.resources import Context, Resource, authenticate, context, resolve
from permitcal.web.errors import plain_response
from permitcal.web.feeds.caldav_account import COLLECTION_SEGMENT
from permitcal.web.feeds.service import service
from permitcal.web.feeds.views import CALENDAR_TYPE
from permitcal.web.serving.compress import compress_response, matched_etag

__all__ = ["COLLECTION_SEGMENT", "bp"]

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


@bp.after_request
def _compress(response: Response) -> Response:
    """gzip answers of 1 KiB or more (objects, the collection, multistatus) for clients that ask."""
    if not service().compress:
        return response
    return compress_response(response, request.headers.get("Accept-Encoding"))


@bp.route("/.well-known/caldav", methods=METHODS)
def well_known() -> ResponseReturnValue:
    """RFC 6764 discovery: clients given only the host find the server here."""
    response = plain_response(301, "The CalDAV server is at /dav/.")
    response.headers["Location"] = url_for("caldav.root")
    return response


@bp.route("/dav", methods=METHODS)  # answered as /dav/, without a redirect
@bp.route("/dav/", methods=METHODS)
def root() -> ResponseReturnValue:
    return dispatch(None, None, None)


@bp.route("/", methods=["OPTIONS", "PROPFIND", "REPORT"], provide_automatic_options=False)
def site_root() -> ResponseReturnValue:
    """Clients given the bare server URL ask its root for the current user's principal."""
    return dispatch(None, None, None)


@bp.route("/dav/<account>/", methods=METHODS)
@bp.route("/dav/<account>", methods=METHODS)
def principal(account: str) -> ResponseReturnValue:
    return dispatch(account, None, None)


@bp.route("/dav/<account>/<collection>/", methods=METHODS)
@bp.route("/dav/<account>/<collection>", methods=METHODS)
def collection_at(account: str, collection: str) -> ResponseReturnValue:
    return dispatch(account, collection, None)


@bp.route("/dav/<account>/<collection>/<name>", methods=METHODS)
def object_at(account: str, collection: str, name: str) -> ResponseReturnValue:
    return dispatch(account, collection, name)


def dispatch(account: str | None, collection: str | None, name: str | None) -> Response:
    """Every CalDAV request: OPTIONS without a login, writes refused, then the method."""
    if request.method == "OPTIONS":
        return _options()
    sub = authenticate()
    if request.method in WRITE_METHODS:
        return _read_only()
    ctx = context(sub)
    resource = resolve(ctx, account, collection, name)
    if resource is None:
        not_found()
    if request.method == "PROPFIND":
        return propfind(ctx, resource)
    if request.method == "REPORT":
        return report(ctx, resource)
    return _get(ctx, resource)


def _get(ctx: Context, resource: Resource) -> Response:
    etag = None
    if resource.obj is not None:
        etag = resource.obj.etag
        response = Response(resource.obj.body, content_type=CALENDAR_TYPE)
    elif resource.kind == "collection":
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
    response = Response(b"", status=200, content_type="text/plain; charset=utf-8")
    response.headers["DAV"] = DAV_CLASSES
    # The site root also takes the start page's form.
    response.headers["Allow"] = ALLOW + ", POST" if request.path == "/" else ALLOW
    return response


def _read_only() -> Response:
    """Every write is refused: this calendar mirrors the feed and changes only through it."""
    response = forbidden("need-privileges")
    response.headers["Allow"] = ALLOW
    return response
