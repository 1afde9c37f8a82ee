"""Headers, CSRF protection and rate limits: what keeps the page and the tokens safe."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect

from permitcal.web.serving.logs import redact

__all__ = ["NOINDEX", "SECURITY_HEADERS", "install_security"]

# Only the service's own assets: the page must work in mainland China, where
# most foreign CDNs are slow or blocked, and nothing third-party sees a token.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

# Views that create subscriptions; everything else is cheap or needs a token.
RATE_LIMITED_VIEWS = ("pages.create", "api.create")

# Views whose answers carry a manage or feed token (in the body or a Location):
# no browser, proxy or shared cache may keep a copy.
TOKEN_VIEWS = frozenset(
    {
        "api.create",
        "api.read",
        "api.patch",
        "api.rotate",
        "pages.create",
        "pages.manage",
        "pages.update",
        "pages.rotate",
        "pages.delete",
        "permits.add",
        "permits.edit",
        "permits.remove",
        "permits.renewed",
        "schools.add",
        "schools.remove",
        "phone.page",
    }
)


def created(response: Response) -> bool:
    """Only a subscription actually created counts against the creation limit."""
    return response.status_code in (201, 303)


SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    # Feed and manage URLs carry secrets: never send them to another site. Our
    # own pages still get Referer and Origin, which the CSRF check reads
    # ("no-referrer" made browsers send neither, and every form failed on https).
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
"""Sent with every answer, by Flask and by the feed fast path alike."""

NOINDEX = ("X-Robots-Tag", "noindex, nofollow")
"""Sent with every answer whose address carries a token (manage pages, feeds, the API)."""


def _security_headers(response: Response) -> Response:
    headers = response.headers
    for name, value in SECURITY_HEADERS:
        headers.setdefault(name, value)
    if response.status_code < 400:
        # The rate limiter announces Retry-After on every answer; it only means
        # something on a refusal (429, 503).
        headers.pop("Retry-After", None)
    elif "retry_after" in g:
        # An outage's own Retry-After, not the limiter's window (this runs after it).
        headers["Retry-After"] = str(g.retry_after)
    if request.endpoint in TOKEN_VIEWS:
        headers["Cache-Control"] = "no-store"
    if request.endpoint in TOKEN_VIEWS or redact(request.path) != request.path:
        # A manage link pasted somewhere public must not end up in a search index.
        headers[NOINDEX[0]] = NOINDEX[1]
    hsts = int(current_app.config["HSTS_SECONDS"] or 0)
    if hsts > 0 and request.is_secure:
        headers["Strict-Transport-Security"] = f"max-age={hsts}"
    return response


# Methods that change something; the page's forms only ever POST.
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin_check() -> None:
    """Refuse a page form sent from another site, before its CSRF token is read.

    As Django does: a browser names the page a POST came from in ``Origin``
    (every current browser, for every form POST); it must be this site. Without
    an ``Origin``, an https request must carry a same-site ``Referer`` (an old
    browser; a man in the middle of a plain-http page of the same host cannot
    forge either). Plain http without either is left to the token. The proxy's
    ``X-Forwarded-Proto`` and ``-Host`` (PERMITCAL_PROXY_FIX) make
    ``request.host_url`` the public origin.
    """
    if request.method not in _UNSAFE_METHODS or request.blueprint != "pages":
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return  # tests that post forms without a session turn CSRF off as a whole
    expected = _origin_of(request.host_url)
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin.strip().lower() != expected:
            raise CSRFError("The form was sent from another site.")
        return
    referrer = request.headers.get("Referer")
    if request.is_secure and (not referrer or _origin_of(referrer) != expected):
        raise CSRFError("The form was sent without a same-site Origin or Referer.")


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie gets ``Secure`` whenever the request came over https.

    Behind a TLS-terminating proxy the app sees https only through
    ``PERMITCAL_PROXY_FIX``; on plain http (local use) the cookie must stay
    usable, so a fixed ``SESSION_COOKIE_SECURE`` fits neither.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = super().get_cookie_secure(app)
        return configured or (has_request_context() and request.is_secure)


def install_security(app: Flask) -> Limiter:
    # Registered before the limiter: after_request functions run in reverse, so this runs last.
    app.after_request(_security_headers)
    app.session_interface = _SessionInterface()
    # Flask-WTF's own https check wants a Referer on every https POST; ours
    # (same_origin_check) reads Origin first, which every browser sends.
    app.config["WTF_CSRF_SSL_STRICT"] = False
    app.before_request(same_origin_check)
    csrf = CSRFProtect(app)
    # The JSON API takes no cookies and requires a JSON content type, which a
    # cross-site form cannot send without a CORS preflight: no CSRF token needed.
    csrf.exempt(app.blueprints["api"])
    # CalDAV authenticates every request with HTTP Basic and refuses all writes.
    csrf.exempt(app.blueprints["caldav"])
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        headers_enabled=True,
    )
    # One budget for the page and the API together: both create the same thing.
    limit = limiter.shared_limit(
        lambda: current_app.config["RATELIMIT_CREATE"], scope="create", deduct_when=created
    )
    for view in RATE_LIMITED_VIEWS:
        # Flask-Limiter's decorator is typed for async views too; ours are sync.
        app.view_functions[view] = limit(app.view_functions[view])  # type: ignore[assignment]
    return limiter
