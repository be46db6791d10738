"""Files in `.cache/reform-archive/` that know when they are damaged.

A full disk, a crash during a copy or a sync tool can leave a cache file truncated, zeroed or
full of other bytes. Every store reads its files through here, so that such a file is never
used: it reads as missing (the store derives the artefact again from the reports and writes it
over the damaged one, atomically) and the build says so in one line.

Two ways of knowing, one per kind of file:
- a *sealed* file (`write_sealed`/`read_sealed`) carries the SHA-256 of its payload in a
  header: cache entries, signatures, pointers, listings;
- a file the site hard-links as it is (a finished page, a search index shard) cannot carry a
  header: its SHA-256 is kept in a sealed file beside it and checked (`matches`) before use.

Writes are atomic (a temporary file renamed into place): an interrupted build leaves no half
file, and a file being replaced is never seen half written.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import threading
from pathlib import Path
from typing import Callable

from .problems import Problem, warning

# A sealed file's first line, then its payload; a text line, so `head -1` shows what it is.
MAGIC = b"reform-archive sealed sha256:"
_HEADER = len(MAGIC) + 64 + 1

# What a store calls with the path of a damaged file (the build turns it into a warning).
OnDamage = Callable[[Path], None]


def ignore_damage(path: Path) -> None:
    """For a store used outside a build (a test, a script): damage is a silent miss."""


def write_file(path: Path, data: bytes) -> bool:
    """Write a cache file atomically. False when it could not be written: a read-only or full
    disk makes the next build slower, never wrong. The file gets the permissions of any file
    written (0666 less the umask), not mkstemp's 0600: a finished page or an index file is
    hard-linked into the site, which a web server running as another user must read."""
    folder = os.path.dirname(os.fspath(path))
    tmp = os.path.join(folder, f".tmp-{os.getpid()}-{threading.get_ident()}-{next(_TEMPORARY)}")
    try:
        try:
            fd = os.open(tmp, NEW_FILE, 0o666)
        except FileNotFoundError:   # the first file of its folder
            os.makedirs(folder, exist_ok=True)
            fd = os.open(tmp, NEW_FILE, 0o666)
        try:
            with open(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


_TEMPORARY = itertools.count()   # with the process and thread: a name no other writer uses
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)   # os.open: a file made now


def seal(payload: bytes) -> bytes:
    return MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of a sealed file's bytes; None when they are not one, whole."""
    if not data.startswith(MAGIC) or len(data) < _HEADER or data[_HEADER - 1:_HEADER] != b"\n":
        return None
    payload = data[_HEADER:]
    return payload if hashlib.sha256(payload).hexdigest().encode() == data[len(MAGIC):_HEADER - 1] else None


def write_sealed(path: Path, payload: bytes) -> bool:
    return write_file(path, seal(payload))


def read_sealed(path: Path, on_damage: OnDamage) -> bytes | None:
    """The payload of a sealed file; None when there is none (silently) or it is damaged
    (`on_damage(path)` is called: the caller rebuilds what it holds and writes it again)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:  # a folder in its place, unreadable: as damaged
        on_damage(path)
        return None
    payload = unseal(data)
    if payload is None:
        on_damage(path)
    return payload


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def matches(path: Path, expected: str) -> bool:
    """Whether the file at `path` has the SHA-256 `expected` (False: missing or damaged)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == expected
    except OSError:
        return False


def damage_problem(path: Path, root: Path) -> Problem:
    """The one line a build prints for a damaged cache file, naming it from `root`."""
    try:
        name = Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive (Windows)
        name = str(path)
    return warning(name, "damaged cache file, ignored: rebuilt from the reports and replaced "
                         "/ 缓存文件已损坏，已从报告重建")


class CacheChanged(Exception):
    """A cache file found whole earlier in this build is damaged when read again: something
    outside the build wrote it meanwhile. The build stops with this one line; the next one
    rebuilds what it held."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{os.path.relpath(path)}: cache file changed during the build; build again "
                         "/ 缓存文件在构建中被改动，请重新构建")
