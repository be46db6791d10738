"""Reading an input file only when it is a regular file, and only up to a size.

Reports and raw pages are whatever a user (or a script) put in a folder: a FIFO named `x.md`
would block a reader forever, `/dev/zero` linked as a report would fill the memory, a 5 GB file
would be read whole before its size is checked. Every input of the archive is read here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class NotRegularFile(OSError):
    """The path is a folder, FIFO, socket or device; `kind` says which."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"not a regular file but {kind}")
        self.filename, self.kind = str(path), kind
        self.strerror = f"not a regular file but {kind} / 不是普通文件"


class FileTooLarge(OSError):
    """The file holds more than the reader accepts; `size` is its size in bytes."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(f"file is {size} bytes, more than {limit}")
        self.filename, self.size, self.limit = str(path), size, limit
        self.strerror = f"file is {size // (1024 * 1024)} MB, more than {limit // (1024 * 1024)} MB / 文件过大"


def _kind(mode: int) -> str:
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of `path`, which must be a regular file (a symbolic link to one is fine) of at
    most `limit` bytes. Raises NotRegularFile, FileTooLarge or the OSError of the system."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, _kind(mode))
    # Opened without blocking, and checked again on the open file: it may have been swapped for
    # a FIFO since the stat above.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path, _kind(info.st_mode))
        if info.st_size > limit:
            raise FileTooLarge(path, info.st_size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while we read
        raise FileTooLarge(path, len(data), limit)
    return data
