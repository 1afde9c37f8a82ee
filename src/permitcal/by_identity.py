"""A bounded memo of values built once per object, found by the object's identity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["ByIdentity"]

K = TypeVar("K")
V = TypeVar("V")


class ByIdentity(Generic[K, V]):
    """``build(obj)`` once per object, for objects whose hash is dear (a Policy's walks
    all its rules) or that have none worth using (a WorkCalendar).

    An entry keeps its object alive, so an id is never reused while its entry
    exists. Past ``limit`` objects (test-made variants, a calendar per feed in
    a benchmark) the memo starts again.
    """

    __slots__ = ("_build", "_found", "_limit")

    def __init__(self, build: Callable[[K], V], limit: int = 64) -> None:
        self._build = build
        self._limit = limit
        self._found: dict[int, tuple[K, V]] = {}

    def __call__(self, obj: K) -> V:
        found = self._found.get(id(obj))
        if found is None or found[0] is not obj:
            if len(self._found) >= self._limit:
                self._found.clear()
            found = self._found[id(obj)] = (obj, self._build(obj))
        return found[1]

    def clear(self) -> None:
        self._found.clear()
