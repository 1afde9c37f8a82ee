"""The benchmark's app: the service plus the yardsticks it is measured against (not shipped).

gunicorn loads it as ``bench_app:create_bench_app()`` from this folder; the
production factory carries no benchmark code.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

from permitcal.web import create_app
from permitcal.web.serving.security import SECURITY_HEADERS


def create_bench_app() -> Flask:
    """``create_app()`` with constant-bytes endpoints beside the feed fast path."""
    app = create_app()
    blobs: dict[str, bytes] = {}  # bytes the benchmark hands to its yardsticks
    _add_benchmark_endpoint(app, blobs)
    app.wsgi_app = _RawConstant(app.wsgi_app, blobs)  # type: ignore[method-assign]
    return app


class _RawConstant:
    """Constant bytes at the WSGI level, beside the feed fast path: the strict yardstick.

    ``/bench/raw/<size>`` serves that many bytes; ``/bench/raw/gzip`` serves
    the bytes last PUT there as a gzip answer (the benchmark PUTs a feed's
    compressed bytes, so that both answers carry the same body).
    """

    def __init__(self, next_app: Any, blobs: dict[str, bytes]) -> None:
        self.next_app = next_app
        self.blobs = blobs

    def __call__(self, environ: Any, start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == "/bench/raw/gzip":
            if environ.get("REQUEST_METHOD") == "PUT":
                length = min(int(environ.get("CONTENT_LENGTH") or 0), 1 << 20)
                self.blobs["gzip"] = environ["wsgi.input"].read(length)
                start_response("204 No Content", [])
                return []
            return self._answer(start_response, self.blobs.get("gzip", b""), gzipped=True)
        if path.startswith("/bench/raw/") and path[11:].isdigit():
            return self._answer(start_response, b"x" * min(int(path[11:]), 1 << 20))
        return self.next_app(environ, start_response)

    @staticmethod
    def _answer(start_response: Any, body: bytes, gzipped: bool = False) -> list[bytes]:
        headers = [
            ("ETag", '"constant"'),
            ("Cache-Control", "no-cache"),
            *([("Vary", "Accept-Encoding")] if gzipped else []),
            ("Last-Modified", "Fri, 27 Nov 2026 00:00:00 GMT"),
            ("Content-Type", "text/calendar; charset=utf-8"),
            *([("Content-Encoding", "gzip")] if gzipped else []),
            ("Content-Length", str(len(body))),
            *SECURITY_HEADERS,
        ]
        start_response("200 OK", headers)
        return [body]


def _add_benchmark_endpoint(app: Flask, blobs: dict[str, bytes]) -> None:
    """Constant bytes through Flask: the yardstick of the feed benchmark."""

    @app.get("/bench/constant/<int:size>")
    def constant(size: int) -> Response:
        return Response(b"x" * min(size, 1 << 20), content_type="text/calendar; charset=utf-8")

    @app.get("/bench/constant/gzip")
    def constant_gzip() -> Response:
        response = Response(blobs.get("gzip", b""), content_type="text/calendar; charset=utf-8")
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        return response
