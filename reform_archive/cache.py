"""A content-addressed cache for what is derived from one report and costly to derive again.

An entry's key is a SHA-256 of what it is derived from (the rendered page's HTML, say) plus
the *code version* (`code_graph.code_version`): a hash of the source of the modules that derive
it, found from their imports, and of the versions of the packages they use. Editing a report
changes its key; editing the code changes every key; either way a stale entry is never read, only left behind (delete `.cache/` at any time).

Entries are `marshal`-ed (strings, tuples: fast to read) in one sealed file each
(`cache_file.py`: a damaged one reads as a miss, and is written again), under two levels of the
key's hex digits, written atomically so that an interrupted build leaves no half file.
The folder is `.cache/reform-archive/` beside mkdocs.yml (ignored by git).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
from pathlib import Path

from .cache_file import MAGIC, OnDamage, ignore_damage, read_sealed, write_sealed


class ContentCache:
    """Entries of one kind (`namespace`) derived by code of one version."""

    def __init__(self, folder: Path | None, namespace: str, version: str,
                 on_damage: OnDamage = ignore_damage) -> None:
        self.folder = folder / namespace if folder is not None else None
        self.version = version
        self.on_damage = on_damage
        # Entries of another file format are other keys, not damaged files.
        self._salt = MAGIC + version.encode() + b"\0"
        self.hits = self.misses = 0

    def key(self, content: str | bytes) -> str:
        data = content.encode("utf-8") if isinstance(content, str) else content
        return hashlib.sha256(self._salt + data).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key[2:]}.marshal"

    def get(self, key: str):
        """The entry, or None when there is none (or it is damaged: then it is rebuilt)."""
        if self.folder is None:
            return None
        path = self._path(key)
        payload = read_sealed(path, self.on_damage)
        try:
            value = marshal.loads(payload) if payload is not None else None
        except (EOFError, ValueError, TypeError):  # whole, but not marshal: not ours
            self.on_damage(path)
            value = None
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value) -> None:
        if self.folder is not None:
            write_sealed(self._path(key), marshal.dumps(value))


def link_or_copy(source: Path, dest: Path, made: set[Path] | None = None) -> None:
    """Put `source` at `dest`: a hard link (no bytes copied) where the file system allows it,
    else a copy. Whatever was at `dest` is unlinked first, never written through: it may itself
    be a link to a cache entry. `made` remembers the folders already created (a build places
    tens of thousands of files in a few thousand folders)."""
    folder = dest.parent
    if made is None or folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(folder)
    try:
        os.link(source, dest)
    except FileExistsError:
        dest.unlink()
        link_or_copy(source, dest, made)
    except OSError:  # another file system, or no hard links there: a copy, into a new file
        dest.unlink(missing_ok=True)
        shutil.copyfile(source, dest)


class MemoFile:
    """A small table of values derived from content ({hash: value}), kept between builds in one
    sealed file under a code version: for values read for every report of a build, where one
    file per entry would cost more than the value. `save` keeps the entries this build asked
    for (`get`) or added (`put`), and writes only if they changed. Values are marshalled, or
    pickled with `codec=pickle` (objects other than strings, numbers and containers)."""

    def __init__(self, path: Path | None, version: str, on_damage: OnDamage = ignore_damage,
                 codec=marshal) -> None:
        self.path, self.version, self.on_damage, self.codec = path, version, on_damage, codec
        self.known: dict = self._load()
        self.used: dict = {}

    def get(self, key):
        value = self.known.get(key)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key, value) -> None:
        self.used[key] = value

    def save(self) -> None:
        if self.path is not None and self.used != self.known:
            write_sealed(self.path, self.codec.dumps((self.version, self.used)))

    def _load(self) -> dict:
        payload = read_sealed(self.path, self.on_damage) if self.path is not None else None
        if payload is None:
            return {}
        try:
            version, known = self.codec.loads(payload)
        except Exception:  # whole, but not what this codec wrote: not ours
            self.on_damage(self.path)
            return {}
        return known if version == self.version and isinstance(known, dict) else {}
