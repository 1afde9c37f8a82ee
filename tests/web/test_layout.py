"""The web package's rooms import one way: each only from the rooms listed before it."""

from __future__ import annotations

import ast
from pathlib import Path

import permitcal.web

WEB = Path(permitcal.web.__file__).parent
ENTRY = {"__init__", "app", "embedded", "gunicorn_conf"}
BELOW = {
    "words": set(),
    "storage": set(),
    "serving": {"words"},
    "feeds": {"storage", "serving"},
    "errors": {"words", "storage", "serving", "feeds"},
    "caldav": {"words", "storage", "serving", "feeds", "errors"},
    # The API documents every route, CalDAV's methods included.
    "api": {"words", "storage", "serving", "feeds", "errors", "caldav"},
    "page": {"words", "storage", "serving", "feeds", "errors"},
}


def room_of(path: Path) -> str:
    """The first part of a module's path under web/: a folder, or a top-level module."""
    first = path.relative_to(WEB).parts[0]
    return first.removesuffix(".py")


def web_imports(path: Path) -> set[str]:
    """The rooms a module imports from, at any depth of the file (lazy imports count)."""
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module + "." + alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["permitcal", "web"] and len(parts) > 2:
                rooms.add(parts[2])
    return rooms


def modules() -> list[Path]:
    return [p for p in WEB.rglob("*.py") if "migrations" not in p.parts]


def test_every_module_lives_in_a_known_room() -> None:
    unknown = sorted({room_of(p) for p in modules()} - set(BELOW) - ENTRY)
    assert not unknown, f"web/ has rooms the layout does not know: {unknown}"


def test_rooms_import_only_earlier_rooms() -> None:
    wrong = []
    for path in modules():
        room = room_of(path)
        if room in ENTRY:
            continue
        for other in web_imports(path) - {room}:
            if other not in BELOW[room]:
                wrong.append(f"{path.relative_to(WEB)} imports web.{other}")
    assert not wrong, "imports against the layout:\n" + "\n".join(sorted(wrong))


def test_no_room_imports_the_entry_points() -> None:
    # Importing the factory from a room would load every room whenever one is imported.
    wrong = [
        f"{p.relative_to(WEB)} imports web.{room}"
        for p in modules()
        if room_of(p) not in ENTRY
        for room in web_imports(p) & ENTRY
    ]
    assert not wrong, wrong


def test_the_layout_test_sees_a_wrong_import(tmp_path: Path) -> None:
    # The walk must notice a backwards import, or the tests above prove nothing.
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from permitcal.web.page.views import bp\n")
    assert web_imports(bad) == {"page"}
    assert "page" not in BELOW["storage"]
