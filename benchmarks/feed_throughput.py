"""Feed throughput under gunicorn, as ratios to constant bytes served by the same app.

Starts gunicorn on 127.0.0.1 with a fresh SQLite database holding --rows
subscriptions, then measures, in one run and with the same load generator:

- feed fetches per second for one stored subscription (200, full body),
- conditional fetches per second (If-None-Match → 304),
- an endpoint of the same app (a Flask route) that returns constant bytes of
  the feed's size, and the feed's own bytes, held in memory, answered at the
  bare WSGI level beside the feed layers (the strictest yardstick; shown too:
  bytes of the feed's size built anew for each request, the yardstick before
  2026-12-03, whose freshly written body is cheaper to send),
- the same for gzip: the feed fetched with ``Accept-Encoding: gzip`` against
  a Flask route and a bare WSGI answer serving the feed's own gzip bytes,
- the stateless feed (``/feed.ics?issued=…``) against a Flask route of the
  same app returning the same bytes,

and prints the ratios, the server CPU time per request, the bytes on the
wire per fetch, and last the figures of issue #19 with their targets. The
defaults are the issue's setup: 2 sync workers, wrk with 2 threads and 16
connections, 6 s a phase. Every load phase is bounded in time; the script
stops gunicorn and cleans up by itself.

    python benchmarks/feed_throughput.py [--rows 10000] [--seconds 6] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

from sqlalchemy import insert

from permitcal.web.storage.migrate import upgrade
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import Store
from permitcal.web.storage.tables import subscriptions
from permitcal.web.storage.tokens import hash_token, new_token

ROOT = Path(__file__).resolve().parents[1]

# Issue #19's table: (phase, yardstick phase, the ratio it must reach).
FIGURES = (
    ("stored feed (200)", "constant, bare WSGI", 0.95),
    ("stored feed (304)", "constant, bare WSGI", 1.0),
    ("gzip feed (200)", "gzip constant, WSGI", 0.95),
    ("stateless feed (200)", "stateless, Flask route", 0.85),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def seed(url: str, rows: int) -> None:
    """Bulk-insert filler subscriptions so that lookups run against a realistic index."""
    upgrade(url)
    store = Store(url)
    now = dt.datetime(2026, 1, 1)
    settings = FeedSettings.from_json({"issued": "2023-06-01"})
    batch = []
    for n in range(rows):
        batch.append(
            {
                "account": f"f{n:011x}",
                "feed_hash": hash_token(new_token()),
                "manage_hash": hash_token(new_token()),
                "feed_generation": 0,
                "issued": settings.issued,
                "expires": None,
                "card_received": None,
                "changes": "",
                "cycles": 3,
                "lang": "zh",
                "alarms": "7,1",
                "source_rules": True,
                "created_at": now,
                "updated_at": now,
                "revision": 0,
            }
        )
        if len(batch) == 5000:
            with store.engine.begin() as conn:
                conn.execute(insert(subscriptions), batch)
            batch = []
    if batch:
        with store.engine.begin() as conn:
            conn.execute(insert(subscriptions), batch)
    store.dispose()


def server_cpu_seconds(master: int) -> float:
    """User + system CPU time of gunicorn's workers (children of the master), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{master}/task/{master}/children")
    for pid in children.read_text().split() if children.exists() else []:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def wait_ready(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not become ready")


def wire_bytes(url: str, headers: dict[str, str]) -> int:
    """Bytes of one whole answer (status line, headers, body) as read from the socket."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("/", 3)[3]
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        total = 0
        while chunk := sock.recv(65536):
            total += len(chunk)
    return total


def load_wrk(
    url: str, seconds: float, headers: dict[str, str], connections: int, threads: int = 2
) -> float:
    threads = min(threads, connections)
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx" in out:
        raise SystemExit(f"unexpected status codes from {url}:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise SystemExit(f"cannot read wrk output:\n{out}")
    return float(match.group(1))


def load_python(
    url: str, seconds: float, headers: dict[str, str], connections: int, expect: int
) -> float:
    """Fallback load generator: keep-alive connections in threads, bounded by time."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("/", 3)[3]
    stop = time.monotonic() + seconds

    def worker() -> int:
        conn = HTTPConnection(host, int(port), timeout=10)
        done = 0
        while time.monotonic() < stop:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != expect:
                raise SystemExit(f"{url}: status {response.status}, expected {expect}")
            done += 1
        conn.close()
        return done

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        total = sum(pool.map(lambda _: worker(), range(connections)))
    return total / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rows", type=int, default=10_000, help="filler subscriptions in the database"
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each measured phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, endpoints interleaved")
    # The setup of issue #19's table; each figure is a ratio within one run, so
    # that the load generator and the server share the cores alike in every phase.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="permitcal-bench-"))
    database = f"sqlite:///{work / 'bench.sqlite3'}"
    blobs = work / "blobs"  # what the yardsticks serve, read by every worker
    blobs.mkdir()
    seed(database, args.rows)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PERMITCAL_DATABASE_URL": database,
        "PERMITCAL_INSTANCE_PATH": str(work / "instance"),
        "PERMITCAL_SECRET_KEY": "benchmark",
        "PERMITCAL_RATELIMIT_CREATE": "1000 per minute",
        "PERMITCAL_BENCH_BLOBS": str(blobs),
    }
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(Path(__file__).resolve().parent),
            "bench_app:create_bench_app()",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        wait_ready(base, time.monotonic() + 30)
        request = urllib.request.Request(
            base + "/api/subscriptions",
            data=json.dumps({"issued": "2024-03-15", "changes": ["employer"]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            created = json.load(response)
        feed_url = created["feed_url"]
        with urllib.request.urlopen(feed_url) as response:
            body = response.read()
            etag = response.headers["ETag"]
        constant_url = f"{base}/bench/constant/{len(body)}"
        with urllib.request.urlopen(constant_url) as response:
            assert len(response.read()) == len(body)
        gzip_headers = {"Accept-Encoding": "gzip"}
        with urllib.request.urlopen(urllib.request.Request(feed_url, headers=gzip_headers)) as got:
            packed = got.read()  # urllib does not decode: the bytes as sent
            gzip_etag = got.headers["ETag"]
            assert got.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed) == body
        # The yardsticks serve the feed's own gzip bytes, and the stateless feed's.
        (blobs / "gzip").write_bytes(packed)
        (blobs / "identity").write_bytes(body)
        adhoc_url = f"{base}/feed.ics?issued=2024-03-15&changes=employer"
        with urllib.request.urlopen(adhoc_url) as response:
            adhoc = response.read()
        (blobs / "adhoc").write_bytes(adhoc)
        adhoc_constant_url = f"{base}/bench/blob/adhoc"
        with urllib.request.urlopen(adhoc_constant_url) as response:
            assert response.read() == adhoc
        gzip_raw_url = f"{base}/bench/raw/gzip"
        gzip_constant_url = f"{base}/bench/constant/gzip"
        for url in (gzip_raw_url, gzip_constant_url):
            with urllib.request.urlopen(urllib.request.Request(url, headers=gzip_headers)) as got:
                assert got.read() == packed

        use_wrk = shutil.which("wrk") is not None
        print(f"subscriptions in the database: {args.rows + 1}")
        print(
            f"feed size: {len(body)} bytes, gzip {len(packed)} bytes, stateless {len(adhoc)}; "
            f"gunicorn sync workers: {args.workers}; "
            f"load: {f'wrk -t{args.threads}' if use_wrk else 'python threads'}, "
            f"{args.connections} connections, "
            f"{args.seconds:g} s per phase, {args.rounds} rounds"
        )

        def measure(url: str, headers: dict[str, str], expect: int) -> float:
            if use_wrk:
                return load_wrk(url, args.seconds, headers, args.connections, args.threads)
            return load_python(url, args.seconds, headers, args.connections, expect)

        raw_url = f"{base}/bench/raw/identity"
        with urllib.request.urlopen(raw_url) as response:
            assert response.read() == body
        fresh_url = f"{base}/bench/raw/{len(body)}"
        phases = {
            "constant bytes (200)": (constant_url, {}, 200),
            "constant, bare WSGI": (raw_url, {}, 200),
            "fresh bytes, bare WSGI": (fresh_url, {}, 200),
            "stored feed (200)": (feed_url, {}, 200),
            "stored feed (304)": (feed_url, {"If-None-Match": etag}, 304),
            "gzip constant (200)": (gzip_constant_url, gzip_headers, 200),
            "gzip constant, WSGI": (gzip_raw_url, gzip_headers, 200),
            "gzip feed (200)": (feed_url, gzip_headers, 200),
            "gzip feed (304)": (feed_url, {**gzip_headers, "If-None-Match": gzip_etag}, 304),
            "stateless, Flask route": (adhoc_constant_url, {}, 200),
            "stateless feed (200)": (adhoc_url, {}, 200),
        }
        # Warm-up (every worker's caches, connections); long enough for both workers.
        for url, headers, expect in phases.values():
            measure(url, headers, expect) if not use_wrk else load_wrk(
                url, 1, headers, args.connections, args.threads
            )
        rates: dict[str, list[float]] = {name: [] for name in phases}
        # Server CPU time per request: steadier than throughput when other
        # processes (the load generator included) compete for the two cores.
        cpu_per_request: dict[str, list[float]] = {name: [] for name in phases}
        for round_number in range(args.rounds):
            # Alternate the order so that drift on a shared machine hits every endpoint alike.
            order = list(phases) if round_number % 2 == 0 else list(reversed(phases))
            for name in order:
                url, headers, expect = phases[name]
                cpu_before = server_cpu_seconds(server.pid)
                rate = measure(url, headers, expect)
                cpu = server_cpu_seconds(server.pid) - cpu_before
                rates[name].append(rate)
                cpu_per_request[name].append(cpu / (rate * args.seconds) * 1e6)
                print(
                    f"  round {round_number + 1}: {name:22s} {rate:9.0f} req/s "
                    f"{cpu_per_request[name][-1]:7.0f} µs server CPU per request"
                )
        print("mean over rounds:")
        for name, values in rates.items():
            cpu = statistics.median(cpu_per_request[name])
            print(
                f"  {name:22s} {statistics.mean(values):9.0f} req/s "
                f"{cpu:7.0f} µs server CPU per request (median)"
            )
        comparisons = (
            ("constant bytes (200)", "the constant-bytes endpoint (Flask route)", "stored feed"),
            ("constant, bare WSGI", "the feed's bytes at the bare WSGI level", "stored feed"),
            ("fresh bytes, bare WSGI", "bytes built anew at the bare WSGI level", "stored feed"),
            ("gzip constant (200)", "the feed's gzip bytes from a Flask route", "gzip feed"),
            ("gzip constant, WSGI", "the feed's gzip bytes at the bare WSGI level", "gzip feed"),
        )
        for base_name, base_label, kind in comparisons:
            print(f"against {base_label}:")
            base = rates[base_name]
            for name in (f"{kind} (200)", f"{kind} (304)"):
                per_round = [value / b for value, b in zip(rates[name], base, strict=True)]
                ratio_of_means = statistics.mean(rates[name]) / statistics.mean(base)
                cost = statistics.median(cpu_per_request[base_name]) / statistics.median(
                    cpu_per_request[name]
                )
                print(
                    f"  {name}: throughput ratio {ratio_of_means:.2f} (per round: median "
                    f"{statistics.median(per_round):.2f}, min {min(per_round):.2f}, max "
                    f"{max(per_round):.2f}); CPU-cost ratio {cost:.2f}"
                )
        print("bytes on the wire per fetch (status line, headers, body):")
        for label, headers in (
            ("feed 200, identity", {}),
            ("feed 200, gzip", gzip_headers),
            ("feed 304, identity", {"If-None-Match": etag}),
            ("feed 304, gzip", {**gzip_headers, "If-None-Match": gzip_etag}),
        ):
            print(f"  {label:20s} {wire_bytes(feed_url, headers):7d}")
        print("issue #19 figures (throughput, ratio of the means over rounds; target):")
        for name, base_name, target in FIGURES:
            ratio = statistics.mean(rates[name]) / statistics.mean(rates[base_name])
            verdict = "meets" if ratio >= target else "BELOW"
            print(f"  {name:22s} / {base_name:22s} {ratio:5.2f}  (≥ {target:.2f}: {verdict})")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
