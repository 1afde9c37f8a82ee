"""A dict of at most a given number of entries that forgets the oldest written first."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

__all__ = ["Bounded"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """What a process remembers on a hot path: reads take no lock (a dict read is
    atomic), writes take one so that the bound holds under threads.

    The bound is given with each write, so a setting or a test may change it.
    """

    __slots__ = ("_found", "_lock")

    def __init__(self) -> None:
        self._found: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        return self._found.get(key)

    def put(self, key: K, value: V, limit: int) -> None:
        """Keep ``value`` as the newest entry, forgetting the oldest beyond ``limit``."""
        with self._lock:
            found = self._found
            found.pop(key, None)
            found[key] = value
            while len(found) > limit:
                del found[next(iter(found))]

    def pop(self, key: K) -> None:
        with self._lock:
            self._found.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._found.clear()

    def __len__(self) -> int:
        return len(self._found)

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._found))
