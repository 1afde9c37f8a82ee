"""Behind a reverse proxy: X-Forwarded-* read only from the proxies the operator names.

With ``PERMITCAL_PROXY_FIX``, the scheme, host, port and client address that
the proxy saw become the request's (so links say ``https://`` and the public
host, cookies get ``Secure``, HSTS is sent, rate limits count clients). Only a
request whose peer address is one of ``PERMITCAL_TRUSTED_PROXIES`` (default:
loopback, where nginx on the same machine connects from) may say so: anyone
else's forwarded headers are dropped, whichever server runs the app
(``permitcal serve`` or gunicorn).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["DEFAULT_TRUSTED_PROXIES", "TrustedProxyFix", "parse_networks"]

DEFAULT_TRUSTED_PROXIES = "127.0.0.1/8, ::1"

# The WSGI names of every header ProxyFix reads.
_FORWARDED = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks separated by commas or spaces ("127.0.0.1, 10.0.0.0/8, ::1")."""
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"PERMITCAL_TRUSTED_PROXIES: {item!r} is not an IP address or network"
            ) from None
    if not networks:
        raise ValueError("PERMITCAL_TRUSTED_PROXIES names no address")
    return tuple(networks)


class TrustedProxyFix:
    """ProxyFix (one proxy: For, Proto, Host, Port) for requests from a trusted peer only."""

    def __init__(self, app: WSGIApplication, trusted: Iterable[Network]) -> None:
        self.trusted = tuple(trusted)
        self._fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1, x_port=1)
        self._plain = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self._is_trusted(environ.get("REMOTE_ADDR", "")):
            return self._fixed(environ, start_response)
        for name in _FORWARDED:
            environ.pop(name, None)
        return self._plain(environ, start_response)

    def _is_trusted(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer.split("%", 1)[0])
        except ValueError:
            # A Unix socket (no peer address): only local processes can connect,
            # as through loopback; trusted when loopback is.
            return any(network.is_loopback for network in self.trusted)
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.trusted)
