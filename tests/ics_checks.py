"""Independent checks of .ics bytes, used by several test modules."""

from __future__ import annotations

import io

import vobject
from ical.calendar_stream import IcsCalendarStream

MAX_OCTETS = 75


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n"), "the last line must end in CRLF"
    lines = data.split(b"\r\n")[:-1]
    for line in lines:
        assert b"\n" not in line, f"bare LF in {line!r}"
        assert b"\r" not in line, f"bare CR in {line!r}"
    return lines


def assert_well_formed(data: bytes) -> None:
    """CRLF everywhere, ≤75 octets a line, folds between characters, unique UIDs, parses."""
    lines = physical_lines(data)
    for number, line in enumerate(lines, start=1):
        assert len(line) <= MAX_OCTETS, f"line {number} has {len(line)} octets"
        if line.startswith(b" "):
            # A continuation byte (0b10xxxxxx) right after the fold would mean the
            # fold split a UTF-8 character.
            assert len(line) == 1 or (line[1] & 0xC0) != 0x80, (
                f"fold splits a character at {number}"
            )
        line.decode("utf-8")  # each physical line is valid UTF-8 on its own
    uids = [line for line in unfold(data) if line.startswith("UID:")]
    assert len(uids) == len(set(uids)), "duplicate UIDs"
    text = data.decode("utf-8")
    strict = IcsCalendarStream.calendar_from_ics(text)
    assert len(strict.events) == len(uids)
    parsed = vobject.readOne(io.StringIO(text), validate=True)
    assert len(parsed.contents.get("vevent", [])) == len(uids)


def unfold(data: bytes) -> list[str]:
    """Logical content lines: byte-level unfolding, then UTF-8 decoding."""
    return data.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")[:-1]


def events(data: bytes) -> list[dict[str, str]]:
    """Each VEVENT's own properties (not its alarm's), unfolded, as a dict."""
    result: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    depth = 0
    for line in unfold(data):
        if line == "BEGIN:VEVENT":
            current, depth = {}, 0
        elif line == "END:VEVENT" and current is not None:
            result.append(current)
            current = None
        elif line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
        elif current is not None and depth == 0:
            name, _, value = line.partition(":")
            current[name] = value
    return result
