"""`make bench`'s scripts run and print every figure they promise, at tiny sizes.

The figures themselves are measured on a quiet machine (docs/deployment.md,
"Benchmark"), not here; this keeps the scripts working as the code under them
changes (a renamed function once broke compute_speed.py unnoticed).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
RATIO = r"\d+\.\d\d"


def run(script: str, *args: str, seconds: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=seconds,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_compute_speed_prints_its_three_figures() -> None:
    out = run(
        "compute_speed.py", "--rounds", "1", "--sets", "5", "--render-feeds", "2", "--feeds", "5"
    )
    assert len(re.findall(r"this code +\d+ sets/s", out)) == 2, out
    assert re.search(rf"running process +{RATIO} × the icalendar build", out), out
    assert re.search(rf"every cache emptied +{RATIO} × the icalendar build", out), out
    assert re.search(r"5 distinct subscriptions' inputs rendered", out), out


def test_stored_rerender_renders_every_feed_without_a_cache_hit() -> None:
    out = run("stored_rerender.py", "--feeds", "6", "--first", "2")
    assert re.search(r"re-render the next day .*: 6 feeds in .*cache hits 0$", out, re.M), out
    assert re.search(r"first render of a new subscription: 2 feeds in .*cache hits 0$", out, re.M)


def test_feed_throughput_prints_the_issues_figures() -> None:
    out = run(
        "feed_throughput.py", "--rows", "10", "--seconds", "0.3", "--rounds", "1", seconds=240
    )
    figures = out[out.index("issue #19 figures") :]
    for line in (
        "stored feed (200)      / constant, bare WSGI",
        "stored feed (304)      / constant, bare WSGI",
        "gzip feed (200)        / gzip constant, WSGI",
        "stateless feed (200)   / stateless, Flask route",
    ):
        assert re.search(re.escape(line) + rf" +{RATIO} ", figures), figures
