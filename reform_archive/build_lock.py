"""One build of a project at a time.

Builds of one project share `.cache/reform-archive/` (finished pages, the search index base),
and a `serve` left running rebuilds on every change: two builds at once removed each other's
files there and left a site without part of its search index, for good. A build holds an
exclusive lock on a file in the cache folder (`fcntl.flock`) from before it touches the cache
or the site until it ends or fails; another build waits, saying so. The system drops the lock
when the process ends, however it ends (a killed build never leaves a stale lock).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, TextIO

try:
    import fcntl
except ImportError:  # not on Windows: builds there are not serialised
    fcntl = None

LOCK_NAME = "build.lock"


class BuildLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: TextIO | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self, on_wait: Callable[[Path], None] = lambda path: None) -> bool:
        """Take the lock, waiting for another build if one holds it (`on_wait(path)` is called
        once, before waiting). False when the lock file cannot be made (a read-only project:
        such a build writes nothing shared either) or locks are not supported."""
        if self._handle is not None or fcntl is None:
            return self._handle is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a", encoding="utf-8")
        except OSError:
            return False
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                on_wait(self.path)
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        except OSError:  # a file system without locks
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")  # for a person wondering who holds it
        handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            handle.close()  # closing the file drops the lock
