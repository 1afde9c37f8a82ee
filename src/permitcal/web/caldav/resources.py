"""CalDAV resources: the login, and the root, principal, calendar and objects it may see."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from flask import request, url_for
from werkzeug.exceptions import HTTPException

from permitcal.web.caldav.objects import CalendarObject, Snapshot, caldav_snapshot
from permitcal.web.errors import plain_response
from permitcal.web.feeds.caldav_account import COLLECTION_SEGMENT
from permitcal.web.feeds.service import service
from permitcal.web.storage.store import Subscription
from permitcal.web.storage.tokens import looks_like_token

__all__ = ["Context", "Resource", "authenticate", "children", "context", "resolve"]

REALM = 'Basic realm="permitcal CalDAV", charset="UTF-8"'


@dataclass(frozen=True, slots=True)
class Context:
    """The authenticated subscription and what its requests share."""

    sub: Subscription
    snapshot: Snapshot
    root_href: str
    principal_href: str
    collection_href: str
    display_name: str
    last_modified: dt.datetime

    def object_href(self, obj: CalendarObject) -> str:
        return self.collection_href + obj.name


@dataclass(frozen=True, slots=True)
class Resource:
    kind: str  # "root", "principal", "collection" or "object"
    href: str
    obj: CalendarObject | None = None


def _same_account(given: str, account: str) -> bool:
    """Account ids compared without regard to case: people retype them from a screen."""
    return hmac.compare_digest(given.strip().lower().encode(), account.lower().encode())


def authenticate() -> Subscription:
    """HTTP Basic: the account id as user name, the feed token as password.

    Both are trimmed (a pasted value often brings a space or a line break) and
    the user name is compared without regard to case.
    """
    auth = request.authorization
    if auth is None or auth.type != "basic":
        raise _challenge()
    password, username = (auth.password or "").strip(), auth.username or ""
    sub = service().store.by_feed_token(password) if looks_like_token(password) else None
    if sub is None or not _same_account(username, sub.account):
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


def context(sub: Subscription) -> Context:
    principal_href = url_for("caldav.principal", account=sub.account)
    if not principal_href.endswith("/"):
        principal_href += "/"
    return Context(
        sub=sub,
        snapshot=caldav_snapshot(service(), sub),
        root_href=url_for("caldav.root"),
        principal_href=principal_href,
        collection_href=f"{principal_href}{COLLECTION_SEGMENT}/",
        display_name=sub.settings.rules.feed_name.get(sub.settings.lang, " "),
        last_modified=max(sub.updated_at, service().data_since()),
    )


def resolve(
    ctx: Context, account: str | None, collection: str | None, name: str | None
) -> Resource | None:
    """The resource a path names for this login; None when it does not exist for it."""
    if account is None:
        # /dav and /dav/ are one resource; the site root is only a way in.
        is_root = request.path.rstrip("/") == ctx.root_href.rstrip("/")
        return Resource("root", ctx.root_href if is_root else request.path)
    # Another subscription's paths do not exist for this login.
    if not _same_account(account, ctx.sub.account):
        return None
    if collection is None:
        return Resource("principal", ctx.principal_href)
    if collection != COLLECTION_SEGMENT:
        return None
    if name is None:
        return Resource("collection", ctx.collection_href)
    obj = ctx.snapshot.by_name.get(name)
    return None if obj is None else Resource("object", ctx.object_href(obj), obj)


def children(ctx: Context, resource: Resource) -> list[Resource]:
    if resource.kind == "root":
        return [Resource("principal", ctx.principal_href)] if resource.href == ctx.root_href else []
    if resource.kind == "principal":
        return [Resource("collection", ctx.collection_href)]
    if resource.kind == "collection":
        return [Resource("object", ctx.object_href(o), o) for o in ctx.snapshot.objects]
    return []
