"""Real server processes for the tests: `permitcal serve`, gunicorn, and a TCP gate to a database."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

BIN = Path(sys.executable).parent
READY_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(condition: Callable[[], bool], seconds: float = READY_SECONDS, what: str = "") -> None:
    """Poll ``condition`` until it holds (short steps), or fail saying what was awaited."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what or condition}")
        time.sleep(0.02)


def status_of(url: str, timeout: float = 10.0) -> int:
    """The HTTP status of a GET, or 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            code: int = response.status
            return code
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def environment(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMITCAL_")}
    env.update(
        PERMITCAL_DATABASE_URL=database_url,
        PERMITCAL_INSTANCE_PATH=str(tmp_path / "instance"),
        PERMITCAL_RATELIMIT_CREATE='"100000 per minute"',
        PERMITCAL_DB_TIMEOUT="2",
    )
    env.update(extra)
    return env


class Server:
    """A server process on 127.0.0.1; stopped (and its log kept) when the test ends."""

    def __init__(self, args: list[str], env: dict[str, str], port: int, log: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            args, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, path: str = "/") -> None:
        def up() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited {self.process.returncode}:\n{self.log()}")
            return status_of(self.url + path, timeout=2) == 200

        wait_for(up, what=f"{self.url}{path}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def open_files(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def workers(self) -> set[int]:
        """Child processes of the server (gunicorn's workers)."""
        found = set()
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                    if int(fields[1]) == self.process.pid and fields[0] != "Z":
                        found.add(int(entry))
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


@contextlib.contextmanager
def permitcal_serve(tmp_path: Path, env: dict[str, str], threads: int = 8) -> Iterator[Server]:
    """`permitcal serve` (waitress) on a free port, as `make run` starts it."""
    port = free_port()
    args = [str(BIN / "permitcal"), "serve", "--port", str(port), "--threads", str(threads)]
    server = Server(args, env, port, tmp_path / f"serve-{port}.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def gunicorn(tmp_path: Path, env: dict[str, str], workers: int = 4) -> Iterator[Server]:
    """gunicorn with the shipped configuration, as docs/deployment.md starts it."""
    port = free_port()
    env = {**env, "PERMITCAL_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    args = [
        str(BIN / "gunicorn"),
        "-c",
        "python:permitcal.web.gunicorn_conf",
        "permitcal.web:create_app()",
    ]
    server = Server(args, env, port, tmp_path / f"gunicorn-{port}.log")
    try:
        yield server
    finally:
        server.stop()


def upgrade_database(env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(BIN / "permitcal"), "db", "upgrade"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


class TcpGate:
    """A TCP forwarder in front of a database that the test opens, shuts or hangs.

    ``shut()`` refuses new connections and cuts the open ones (the database is
    down); ``hang()`` accepts connections and never answers (a hung server);
    ``freeze()`` keeps every open connection open but passes nothing more
    either way, and answers no new one (a server whose processes stopped: its
    kernel still holds the connections); ``open()`` forwards again (the
    database is back).
    """

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.mode = "open"
        self._links: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._stopped = False
        self.open()

    def open(self) -> None:
        self.mode = "open"
        self._listen()

    def hang(self) -> None:
        self._cut()
        self.mode = "hang"
        self._listen()

    def freeze(self) -> None:
        self.mode = "freeze"

    def shut(self) -> None:
        self.mode = "shut"
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._cut()

    def close(self) -> None:
        self._stopped = True
        self.shut()

    def _listen(self) -> None:
        if self._listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._links.append(client)
            if self.mode == "open":
                threading.Thread(target=self._forward, args=(client,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        with self._lock:
            self._links.append(upstream)
        pair = {client: upstream, upstream: client}
        try:
            while True:
                if self.mode == "freeze":
                    time.sleep(0.02)  # hold everything: no byte passes, nothing closes
                    continue
                ready, _, _ = select.select(list(pair), [], [], 0.05)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except (OSError, ValueError):
            # Cut by hang() or shut() under us: select() on a closed socket is a ValueError.
            return
        finally:
            client.close()
            upstream.close()

    def _cut(self) -> None:
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            with contextlib.suppress(OSError):
                link.shutdown(socket.SHUT_RDWR)
            link.close()
