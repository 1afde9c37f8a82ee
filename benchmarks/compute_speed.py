"""The computation's speed (#19), as ratios measured in one run, so load moves no figure alone.

Every measured call gets an input never given before in the process (a new
issue date, 2003–2079, in a fixed shuffled order), so no cached feed or
deadline set is reused; times are the process's CPU time, so another
process on the machine slows a figure less than a wall clock would. Prints:

1. ``compute_deadlines`` sets per second (3 cycles, 24 events), this code
   against the code of b337383 in its own environment (``--baseline``),
   rounds interleaved, the ratio of the two;
2. a cold render (``ics_bytes``: validate, compute, render; 42 events)
   against building the same events with icalendar's API and serialising
   them (no date logic): the ratio, with the caches as a running process has
   them, and with every cache emptied before each feed (a first feed);
3. the time to render ``--feeds`` distinct subscriptions' inputs, and per feed.

The baseline environment (once; about a minute):

    git -C . archive b337383 | (mkdir -p /tmp/speed-base-src && tar -x -C /tmp/speed-base-src)
    python3 -m venv /tmp/speed-base && /tmp/speed-base/bin/pip install /tmp/speed-base-src

    python benchmarks/compute_speed.py [--baseline /tmp/speed-base/bin/python] [--feeds 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

FIRST, LAST = dt.date(2003, 1, 1), dt.date(2079, 12, 31)


def new_days(seed: int) -> Iterator[dt.date]:
    """Every issue date of the range once, shuffled the same way in every process."""
    days = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    random.Random(seed).shuffle(days)
    return iter(days)


CHANGES = ("address", "employer", "education", "title", "spouse")


def recent_inputs(seed: int) -> Iterator[dict[str, object]]:
    """Live permits' shape: issue dates in five years, each with one of the 32 sets of
    declared changes; every (date, changes) once, shuffled."""
    first = dt.date(2021, 1, 1)
    inputs = [
        {
            "issued": first + dt.timedelta(days=n),
            "changes": [c for i, c in enumerate(CHANGES) if m >> i & 1],
        }
        for n in range(5 * 365)
        for m in range(32)
    ]
    random.Random(seed).shuffle(inputs)
    return iter(inputs)


def worker() -> None:
    """Answer "N SHAPE" on stdin with the CPU seconds of N new deadline sets (this
    interpreter's permitcal: the project's, or the baseline's when run by its Python)."""
    from permitcal import compute_deadlines

    shapes: dict[str, Iterator[dict[str, object]]] = {
        "spread": ({"issued": day} for day in new_days(19)),
        "recent": recent_inputs(19),
    }
    compute_deadlines(issued=FIRST, cycles=3)  # imports and the default calendar, once
    for line in sys.stdin:
        count, shape = line.split()
        batch = [next(shapes[shape]) for _ in range(int(count))]
        start = time.process_time()
        for inputs in batch:
            compute_deadlines(cycles=3, **inputs)  # type: ignore[arg-type]
        print(time.process_time() - start, flush=True)


class Worker:
    def __init__(self, python: str) -> None:
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        self.proc = subprocess.Popen(
            [python, os.path.abspath(__file__), "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd="/",  # the baseline must not import the project's src from the cwd
        )

    def rate(self, sets: int, shape: str) -> float:
        assert self.proc.stdin
        assert self.proc.stdout
        self.proc.stdin.write(f"{sets} {shape}\n")
        self.proc.stdin.flush()
        return sets / float(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def compute_figures(baseline: str | None, rounds: int, sets: int) -> None:
    print(f"1. compute_deadlines, 3 cycles, a new input per set ({rounds} rounds of {sets}):")
    shapes = {
        "recent": "issue dates 2021–2025 × declared changes (a service's steady state)",
        "spread": "issue dates 2003–2079 (most dates and texts never seen before)",
    }
    now = Worker(sys.executable)
    base = Worker(baseline) if baseline else None
    try:
        for shape, label in shapes.items():
            rates: list[float] = []
            ratios: list[float] = []
            for n in range(rounds):
                # Interleaved, in turn first: both see the same load.
                if base is None:
                    rates.append(now.rate(sets, shape))
                    continue
                if n % 2:
                    then, current = base.rate(sets, shape), now.rate(sets, shape)
                else:
                    current, then = now.rate(sets, shape), base.rate(sets, shape)
                rates.append(current)
                ratios.append(current / then)
            print(f"   {label}:")
            print(
                f"     this code {statistics.median(rates):6.0f} sets/s (median of rounds)", end=""
            )
            if ratios:
                print(f", {statistics.median(ratios):.2f} × b337383 (target ≥ 4)")
            else:
                print("; b337383 not measured (--baseline PYTHON; see the docstring)")
    finally:
        now.close()
        if base:
            base.close()


def yardstick(items: list[object], head: list[tuple[str, object]], alarms: bool) -> bytes:
    """The same events built with icalendar's API and serialised: no date logic."""
    from icalendar import Alarm, Calendar, Event

    from permitcal.ical import ALARM_TIME_OF_DAY

    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cal = Calendar()
    for name, value in head:
        cal.add(name, value)
    for item in items:
        day, uid, summary, description, alarm_on, category = item  # type: ignore[misc]
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", 0)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", summary)
        event.add("description", description)
        event.add("categories", [category])
        event.add("transp", "TRANSPARENT")
        event.add("status", "CONFIRMED")
        if alarms and alarm_on is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", ALARM_TIME_OF_DAY - (day - alarm_on))
            event.add_component(alarm)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def render_figures(rounds: int, feeds: int) -> None:
    from icalendar import vDuration, vText

    from permitcal import PermitInput, WorkCalendar, compute, ics_bytes
    from permitcal import descriptions as texts
    from permitcal.ical import PUBLISHED_TTL, RenderOptions, default_identity, feed_items

    print(f"2. cold render (ics_bytes, 42 events) against icalendar's API ({rounds} rounds):")
    days = new_days(42)
    head: list[tuple[str, object]] = [
        ("prodid", "-//bench//ZH"),
        ("version", "2.0"),
        ("calscale", "GREGORIAN"),
        ("method", "PUBLISH"),
        ("name", vText("上海居住证提醒")),
        ("x-wr-calname", vText("上海居住证提醒")),
        ("x-wr-caldesc", vText("说明")),
        ("x-wr-timezone", "Asia/Shanghai"),
        ("x-published-ttl", vDuration(PUBLISHED_TTL)),
    ]
    for label, empty in (("running process", False), ("every cache emptied", True)):
        ratios, costs = [], []
        for _ in range(rounds):
            batch = [next(days) for _ in range(feeds)]
            calendars = [WorkCalendar() if empty else None for _ in batch]  # built untimed
            spent = 0.0
            for day, cal in zip(batch, calendars, strict=True):
                if empty:
                    texts._filled.clear()
                    texts._texts.clear()
                start = time.process_time()
                ics_bytes(issued=day, calendar=cal)
                spent += time.process_time() - start
            built = []
            for day in batch:  # the same events, from the same inputs (untimed)
                permit = PermitInput.create(issued=day)
                options = RenderOptions(identity=default_identity(permit))
                built.append(feed_items(compute(permit), options))
            start = time.process_time()
            for items in built:
                yardstick(items, head, alarms=True)  # type: ignore[arg-type]
            plain = time.process_time() - start
            ratios.append(spent / plain)
            costs.append(spent / len(batch))
        ratio, cost = statistics.median(ratios), statistics.median(costs) * 1000
        print(f"   {label:20s} {ratio:.2f} × the icalendar build ({cost:.2f} ms a feed; ≤ 1.2)")


def many_feeds(count: int) -> None:
    from permitcal import ics_bytes

    print(f"3. {count:,} distinct subscriptions' inputs rendered (one process, one core):")
    langs, alarm_sets = ("zh", "en", "both"), ((7, 1), (3,), ())
    days = list(new_days(100))
    wall, cpu = time.perf_counter(), time.process_time()
    total = 0
    for n in range(count):
        # A new (issue date, language, reminders) every time: 28,000 dates × 9.
        lang = langs[(n // len(days)) % 3]
        alarms = alarm_sets[(n // len(days) // 3) % 3]
        total += len(ics_bytes(issued=days[n % len(days)], lang=lang, alarms=alarms))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"   {wall:.1f} s wall, {cpu:.1f} s CPU: {cpu / count * 1000:.2f} ms CPU a feed, "
        f"{total / count / 1000:.1f} kB a feed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", help="the Python of an environment holding b337383")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds per figure")
    parser.add_argument("--sets", type=int, default=300, help="deadline sets per round")
    parser.add_argument("--render-feeds", type=int, default=100, help="feeds per render round")
    parser.add_argument("--feeds", type=int, default=100_000, help="feeds for figure 3")
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    baseline = args.baseline or os.environ.get("PERMITCAL_BASELINE_PYTHON")
    if baseline and not Path(baseline).exists():
        raise SystemExit(f"--baseline {baseline}: no such file")
    print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count()}))
    compute_figures(baseline, args.rounds, args.sets)
    render_figures(args.rounds, args.render_feeds)
    if args.feeds:
        many_feeds(args.feeds)


if __name__ == "__main__":
    main()
