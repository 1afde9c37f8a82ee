"""gunicorn settings with a redacted access log: ``gunicorn -c python:permitcal.web.gunicorn_conf``.

The whole command: ``gunicorn -c python:permitcal.web.gunicorn_conf 'permitcal.web:create_app()'``.

Environment: ``PERMITCAL_BIND`` (default 127.0.0.1:8000), ``WEB_CONCURRENCY``
(worker processes), ``PERMITCAL_THREADS`` (threads per worker). Run
``permitcal db upgrade`` once before starting; workers never touch the schema.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from gunicorn.glogging import Logger

from permitcal.web.serving.logs import RedactingFormatter, redact

bind = os.environ.get("PERMITCAL_BIND", "127.0.0.1:8000")
# Rendering a feed is CPU work in Python: processes, not threads, use the cores;
# a few threads per worker cover the waits on the database and the network.
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * (os.cpu_count() or 1) + 1, 9))))
worker_class = "gthread"
threads = int(os.environ.get("PERMITCAL_THREADS", "4"))
timeout = 30  # a request stuck longer than this costs the worker (the DB timeout is 5 s)
graceful_timeout = 20
keepalive = 5  # calendar apps poll with keep-alive; don't hold idle sockets longer
accesslog = "-"
errorlog = "-"
# Requests carry tokens in their paths: only redacted lines reach the log.
access_log_format = '%(h)s - - %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(M)sms'


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's logger with tokens redacted, whose error log also carries the app's errors."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        # Tracebacks and Flask's "Exception on /m/<token>" lines: redacted too.
        for handler in self.error_log.handlers:
            handler.setFormatter(RedactingFormatter(self.error_fmt, self.datefmt))
        # The app logs under "permitcal": the same handlers, timestamps and file
        # as gunicorn's own error log, instead of bare lines on stderr.
        app_log = logging.getLogger("permitcal")
        app_log.handlers = list(self.error_log.handlers)
        app_log.setLevel(logging.INFO)
        app_log.propagate = False

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        # Every atom, not just the request line: a custom format may name the
        # path through the environment ({raw_uri}e) or a header ({referer}i).
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}


logger_class = RedactingLogger
