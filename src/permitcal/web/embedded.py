"""``permitcal serve``'s server: waitress, keeping connections alive after a 304 too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.task import WSGITask

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from waitress.server import BaseWSGIServer, MultiSocketServer

__all__ = ["MAX_BODY_BYTES", "embedded_server"]

# waitress answers with a 413 itself beyond this; the app's own limit is far lower.
MAX_BODY_BYTES = 1024 * 1024


class _KeepAliveTask(WSGITask):  # type: ignore[misc]  # waitress ships no type hints
    """A waitress task that keeps HTTP/1.1 connections open after bodyless answers.

    waitress 3 closes the connection after any answer without a
    Content-Length, and it drops the Content-Length of a 304 or 204 (rightly:
    they have no body). So every 304 closed the connection, and a calendar
    app polling with If-None-Match paid a new TCP (and, behind the proxy, TLS)
    handshake each time. A bodyless answer needs no length to end; the
    connection stays open unless the client asked to close it.
    """

    def set_close_on_finish(self) -> None:
        bodyless = self.status and not self.has_body
        asked_to_close = self.request.headers.get("CONNECTION", "").lower() == "close"
        if bodyless and self.version == "1.1" and not asked_to_close and not self.close_on_finish:
            return
        super().set_close_on_finish()


class _Channel(HTTPChannel):  # type: ignore[misc]
    task_class = _KeepAliveTask


def embedded_server(
    app: WSGIApplication, host: str, port: int, threads: int
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server bound to ``host``:``port`` (raises OSError when it cannot bind).

    Forwarded headers are left to the app (``permitcal.web.serving.proxy``), which
    trusts only PERMITCAL_TRUSTED_PROXIES, as it does under gunicorn.
    """
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "threads": threads,
        "ident": "permitcal",
        "max_request_body_size": MAX_BODY_BYTES,
        "clear_untrusted_proxy_headers": False,
    }
    server = create_server(app, **options)
    # One listening server, or several (a host name with an IPv4 and an IPv6 address).
    for listener in [server, *getattr(server, "map", {}).values()]:
        if hasattr(listener, "channel_class"):
            listener.channel_class = _Channel
    return server
