"""The benchmark's app: the service plus the yardsticks it is measured against (not shipped).

gunicorn loads it as ``bench_app:create_bench_app()`` from this folder; the
production factory carries no benchmark code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort

from permitcal.web import create_app
from permitcal.web.serving.security import SECURITY_HEADERS

BLOBS_ENV = "PERMITCAL_BENCH_BLOBS"
"""A folder of the bytes the yardsticks serve, one file per name (written before any fetch)."""


def create_bench_app() -> Flask:
    """``create_app()`` with constant-bytes endpoints beside the feed fast path."""
    app = create_app()
    blobs = _Blobs(Path(os.environ.get(BLOBS_ENV) or "/nonexistent"))
    _add_benchmark_endpoint(app, blobs)
    app.wsgi_app = _RawConstant(app.wsgi_app, blobs)  # type: ignore[method-assign]
    return app


class _Blobs:
    """The benchmark's bytes, read once per name from files: every worker sees the same."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.read: dict[str, bytes] = {}

    def get(self, name: str) -> bytes | None:
        found = self.read.get(name)
        if found is None and name.isalnum():
            path = self.folder / name
            if path.is_file():
                found = self.read[name] = path.read_bytes()
        return found


class _RawConstant:
    """Constant bytes at the WSGI level, beside the feed fast path: the strict yardstick.

    ``/bench/raw/identity`` serves the blob ``identity`` (the feed's own
    bytes, held in memory as the feed cache holds them) and
    ``/bench/raw/gzip`` the blob ``gzip`` (its compressed bytes) as a gzip
    answer: each yardstick carries the same body as the feed answer it is
    compared with. ``/bench/raw/<size>`` serves that many bytes built anew
    for each request (the identity yardstick before 2026-12-03, still shown).
    """

    def __init__(self, next_app: Any, blobs: _Blobs) -> None:
        self.next_app = next_app
        self.blobs = blobs

    def __call__(self, environ: Any, start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == "/bench/raw/gzip":
            return self._answer(start_response, self.blobs.get("gzip") or b"", gzipped=True)
        if path == "/bench/raw/identity":
            return self._answer(start_response, self.blobs.get("identity") or b"")
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


def _add_benchmark_endpoint(app: Flask, blobs: _Blobs) -> None:
    """Constant bytes through Flask: the yardsticks of the feed benchmark."""

    @app.get("/bench/constant/<int:size>")
    def constant(size: int) -> Response:
        return Response(b"x" * min(size, 1 << 20), content_type="text/calendar; charset=utf-8")

    @app.get("/bench/constant/gzip")
    def constant_gzip() -> Response:
        response = Response(blobs.get("gzip") or b"", content_type="text/calendar; charset=utf-8")
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        return response

    @app.get("/bench/blob/<name>")
    def blob(name: str) -> Response:
        """A blob's bytes as a calendar (the stateless feed's yardstick: the same bytes)."""
        found = blobs.get(name)
        if found is None:
            abort(404)
        return Response(found, content_type="text/calendar; charset=utf-8")
