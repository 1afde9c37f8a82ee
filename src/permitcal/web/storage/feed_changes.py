"""Change counters that every process on this machine shares, so that a feed fetch can tell
whether a remembered stamp is still current without asking the database.

A feed fetch reads three columns by the token's hash (``Store.feed_stamp``);
that read is most of what an unchanged feed costs over HTTP. Each process
remembers the stamps it read, and each write that changes what a feed URL
answers (an edit, a rotated address, a delete) counts up the counter of
that feed's slot, in a small file mapped into every process (next to the
SQLite database: the processes that share a SQLite file share its folder).
A remembered stamp is used while its slot's counter has not moved.

Why this is exact for the service's own writes: a writer counts up once
inside its transaction and once after it ends (commit or not). A reader
reads the counter *before* its query and remembers the stamp only if the
counter was even (no write of that slot in progress). Any write that
commits after the reader's query counts up after its commit, so from then
on the remembered counter no longer matches; between its commit and that
count the writer has not answered anyone yet. A writer killed between the
two counts leaves its slot odd, which only stops that slot being remembered.
What the counters cannot see (a change made by hand in the database, or a
writer killed while another wrote the same slot) is bounded by the
remembered stamps' age limit (``Store.STAMP_MAX_AGE``).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import mmap
import os
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["SLOTS", "FeedChanges", "changes_beside"]

log = logging.getLogger(__name__)

SLOTS = 1 << 16
"""Counters in all: 512 KiB. Feeds share a slot by their hash; a shared slot only
makes a neighbour's write cost a read."""

_SIZE = SLOTS * 8


class FeedChanges:
    """The slot counters: in a shared file, or in this process's memory (``path=None``)."""

    def __init__(self, path: Path | None = None, like: Path | None = None) -> None:
        self.path = path
        self._mode = 0o600
        if path is not None and like is not None and like.exists():
            # As SQLite makes its -wal and -shm files: the database's permissions and
            # owner, so that a process started as root leaves a file the service can use.
            found = like.stat()
            self._mode = found.st_mode & 0o666
            if os.geteuid() == 0 and not path.exists():
                os.close(os.open(path, os.O_RDWR | os.O_CREAT, self._mode))
                os.chown(path, found.st_uid, found.st_gid)
        self._lock = threading.Lock()  # fcntl locks are per process, not per thread
        if path is None:
            self._memory: mmap.mmap | bytearray = bytearray(_SIZE)
        else:
            # No descriptor is kept: the mapping holds its own, and a write opens the file.
            with self._file_locked() as fd:
                if os.fstat(fd).st_size < _SIZE:
                    os.ftruncate(fd, _SIZE)  # new bytes read as zero
                self._memory = mmap.mmap(fd, _SIZE)
        self._counts = memoryview(self._memory).cast("Q")

    @staticmethod
    def slot(feed_hash: str) -> int:
        """The slot of a feed, from its token's hash (hex SHA-256, as stored)."""
        return int(feed_hash[:8], 16) % SLOTS

    def count(self, slot: int) -> int:
        """The slot's counter; even when no write of it is in progress."""
        return int(self._counts[slot])

    def count_up(self, slot: int) -> None:
        """One step of a write of ``slot``: before it commits, and again after."""
        with self._lock, self._file_locked():
            self._counts[slot] += 1

    @contextlib.contextmanager
    def _file_locked(self) -> Iterator[int]:
        # Two processes counting up the same slot at once must not lose a step.
        if self.path is None:
            yield -1
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, self._mode)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX)  # released when the descriptor closes
            yield fd
        finally:
            os.close(fd)


def changes_beside(database: str | None) -> FeedChanges | None:
    """The counters of a SQLite database (a file beside it, ``<file>-feeds``; in memory
    for an in-memory database), or None when the file cannot be made."""
    if database in (None, "", ":memory:"):
        return FeedChanges()
    path = Path(f"{database}-feeds")
    try:
        return FeedChanges(path, like=Path(database))
    except OSError as error:  # a read-only folder: every fetch reads its stamp
        log.warning("feed change counters unavailable at %s (%s); reading every stamp", path, error)
        return None
