"""`pip install permitcal` is the library and its two commands, without the web stack.

Builds the wheel, installs it into a fresh virtual environment (no extras) and
runs `show` and `ics` there; `serve` says which extra to install. Needs pip to
reach a package index (PyPI or a mirror), as `make setup` does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB_STACK = ("flask", "sqlalchemy", "werkzeug", "alembic", "waitress", "segno", "defusedxml")


def run(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=check, timeout=600
    )


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed and no extras."""
    where = tmp_path_factory.mktemp("packaging")
    wheels = where / "wheels"
    # Each pytest worker that runs a test here builds its own wheel: from its own copy
    # of the sources, since two builds in one tree race on build/ and the egg-info.
    tree = where / "tree"
    junk = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    shutil.copytree(ROOT / "src", tree / "src", ignore=junk)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    built = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, tree, check=False
    )
    if built.returncode != 0:
        message = f"cannot build the wheel (is a package index reachable?): {built.stderr[-500:]}"
        if os.environ.get("PERMITCAL_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    env = where / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    [wheel] = wheels.glob("permitcal-*.whl")
    installed = run(python, "-m", "pip", "install", "-q", wheel, check=False)
    assert installed.returncode == 0, installed.stderr[-2000:]
    return env


def test_the_wheel_without_extras_has_no_web_stack(bare_venv: Path) -> None:
    python = bare_venv / "bin" / "python"
    listed = json.loads(run(python, "-m", "pip", "list", "--format=json").stdout)
    names = {item["name"].lower() for item in listed}
    assert "permitcal" in names
    assert not names & {"flask", "sqlalchemy", "alembic", "waitress", "flask-wtf"}


def test_the_library_and_its_commands_work_without_it(bare_venv: Path) -> None:
    python = bare_venv / "bin" / "python"
    probe = (
        "import sys, permitcal; "
        "d = permitcal.compute_deadlines(issued='2023-06-01', cycles=1); "
        "b = permitcal.ics_bytes(issued='2023-06-01', cycles=1); "
        f"print(len(d), b[:15].decode(), sorted(set({WEB_STACK!r}) & set(sys.modules)))"
    )
    assert run(python, "-c", probe).stdout.split() == ["8", "BEGIN:VCALENDAR", "[]"]
    permitcal = bare_venv / "bin" / "permitcal"
    shown = run(permitcal, "show", "--issued", "2023-06-01", "--today", "2026-11-27")
    assert "2027-06-01" in shown.stdout
    ics = run(permitcal, "ics", "--issued", "2023-06-01", "--today", "2026-11-27")
    assert ics.stdout.startswith("BEGIN:VCALENDAR")


def test_serve_says_which_extra_to_install(bare_venv: Path) -> None:
    for command in (("serve",), ("db", "upgrade")):
        refused = run(bare_venv / "bin" / "permitcal", *command, check=False)
        assert refused.returncode == 2
        assert "pip install 'permitcal[web]'" in refused.stderr
        assert "Traceback" not in refused.stderr


def test_the_school_checkpoints_ship_in_the_wheel(bare_venv: Path) -> None:
    """The packaged data file is package data: a school track works from the wheel alone."""
    python = bare_venv / "bin" / "python"
    probe = (
        "import permitcal; "
        "d = permitcal.default_school_data(); "
        "print(d.source, sorted(s.value for s in d.cities['shanghai']))"
    )
    assert run(python, "-c", probe).stdout.split() == [
        "permitcal/data/school_checkpoints.json",
        "['gaokao',",
        "'junior',",
        "'kindergarten',",
        "'primary',",
        "'zhongkao']",
    ]
    shown = run(
        bare_venv / "bin" / "permitcal",
        "show",
        "--expires",
        "2027-04-20",
        "--today",
        "2026-12-01",
        "--school",
        "primary:2027",
    )
    assert "info_registration" in shown.stdout
