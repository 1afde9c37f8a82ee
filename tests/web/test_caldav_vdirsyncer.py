"""CalDAV with vdirsyncer: a one-way sync into a folder, then a sync with nothing new."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from flask import Flask

from tests.web.caldav_helpers import (
    create,
    feed_uids,
    patch,
)


def vdirsyncer(config: Path, *args: str) -> str:
    executable = shutil.which("vdirsyncer", path=str(Path(sys.executable).parent)) or "vdirsyncer"
    result = subprocess.run(
        [executable, "-c", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def local_events(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in folder.glob("*.ics"):
        data = path.read_bytes()
        uid = next(line for line in data.decode().splitlines() if line.startswith("UID:"))[4:]
        found[uid] = data
    return found


def test_vdirsyncer_one_way_sync(live_server: tuple[str, Flask], tmp_path: Path) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    folder = tmp_path / "calendar"
    folder.mkdir()
    config = tmp_path / "config"
    config.write_text(
        f"""[general]
status_path = "{tmp_path / "status"}/"

[pair permit]
a = "server"
b = "phone"
collections = null
conflict_resolution = "a wins"

[storage server]
type = "caldav"
url = "{sub["caldav_calendar_url"]}"
username = "{sub["caldav_username"]}"
password = "{sub["caldav_password"]}"
read_only = true

[storage phone]
type = "filesystem"
path = "{folder}/"
fileext = ".ics"
"""
    )
    vdirsyncer(config, "discover")
    vdirsyncer(config, "sync")
    first = local_events(folder)
    assert set(first) == feed_uids(sub)

    # Record the renewed card: cycle 1's R6 and its reminders change date, and
    # its late-renewal events after the card go; nothing else changes.
    updated = patch(base, sub, card_received="2026-12-20")
    assert updated["revision"] == 1
    output = vdirsyncer(config, "sync")
    second = local_events(folder)
    assert set(second) == feed_uids(sub)
    cycle = f"s-{sub['id']}-20261210"
    gone = {f"{cycle}-{name}@permitcal" for name in ("R3", "R3-r7", "R3-r1", "R4", "R5")}
    assert set(first) - set(second) == gone
    changed = {uid for uid in second if first[uid] != second[uid]}
    assert changed == {f"{cycle}-{name}@permitcal" for name in ("R6", "R6-r7", "R6-r1")}
    assert b"DTSTART;VALUE=DATE:20261225" in second[f"{cycle}-R6@permitcal"]  # 5 working days
    assert b"SEQUENCE:1" in second[f"{cycle}-R6@permitcal"]
    assert output.count("Copying (updating) item") == len(changed)

    # Nothing changed on the server: the next sync changes nothing locally.
    output = vdirsyncer(config, "sync")
    assert "Copying" not in output
    assert local_events(folder) == second
