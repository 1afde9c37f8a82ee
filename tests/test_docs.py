"""The docs keep up with the code: every CLI command and option in cli.md, every module in architecture.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from permitcal.cli import cli

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "permitcal"


def commands(group: click.Group, prefix: str = "permitcal") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path)


CLI_DOC = (ROOT / "docs" / "cli.md").read_text()


def named(word: str) -> bool:
    """Whether cli.md has ``word`` as a whole token (in prose or a synopsis)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", CLI_DOC) is not None


@pytest.mark.parametrize(
    ("path", "command"), list(commands(cli)), ids=[path for path, _ in commands(cli)]
)
def test_cli_doc_names_every_command_and_option(path: str, command: click.Command) -> None:
    assert named(path), f"docs/cli.md does not name {path}"
    for param in command.params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            assert any(named(opt) for opt in param.opts), f"{path} {param.opts[0]}"


def modules() -> list[str]:
    """Every module file of the package, as architecture.md would name it."""
    skip = {"__init__.py", "__main__.py", "_version.py"}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in skip or "migrations" in path.parts:
            continue
        found.append(path.name)
    return found


def test_architecture_doc_names_every_module() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text()
    missing = [name for name in modules() if name not in doc]
    assert not missing, f"docs/architecture.md does not mention {missing}"
    assert "store.py" in modules()  # the walk found the package
