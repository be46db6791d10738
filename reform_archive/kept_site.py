"""What an earlier build put in the site folder, kept there instead of deleted and put back.

MkDocs empties the site folder when a build starts (`clean_directory`). At 10,000 reports,
deleting it and putting back what did not change (~10,000 finished pages and ~80,000 search
index files, linked from the cache) was a third of a rebuild with nothing changed. So:

1. a build ends by recording what it placed (`save`): per file, what it holds (a finished
   page's cache key, the search base it came from), its size and modification time, and the
   warnings a page's report gives;
2. the next build, when it starts (`set_aside`), removes that record and moves the folder's
   entries into a hidden folder, which MkDocs' cleaning skips, as it skips every hidden entry;
3. once MkDocs has cleaned (`bring_back`) they come back, and every file is deleted
   (`clear_except`) but those the build wants as they are: same content wanted, same size and
   time on disk as recorded (a file written since, by anyone, is not kept).

What MkDocs writes itself is always written afresh, as after a clean. A build that fails leaves
no record (it was removed at the start): the next one puts everything back from the cache.
Records live in the cache (`sites/`, one per site folder), never in the site, which is deployed.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from .cache_file import OnDamage, ignore_damage, read_sealed, write_sealed

ASIDE = ".reform-archive-previous"   # hidden: MkDocs' cleaning leaves it alone
RECORDS = "sites"
KEEP_RECORDS = 3   # site folders whose record is kept: `site/`, a `serve` folder, one more
_FORMAT = 1


class KeptSite:
    """The site folder of one build; `cache_dir` None keeps nothing (a clean every build)."""

    def __init__(self, site_dir: Path, cache_dir: Path | None, on_damage: OnDamage = ignore_damage) -> None:
        self.site_dir = site_dir
        self.on_damage = on_damage
        self.record_path = None
        if cache_dir is not None:
            name = hashlib.sha256(str(site_dir.resolve()).encode("utf-8")).hexdigest()[:16]
            self.record_path = cache_dir / RECORDS / f"{name}.sealed"
        # site path → (what it holds, size, mtime_ns, warnings), as the last build left it
        self.record: dict[str, tuple[str, int, int, tuple[str, ...]]] = {}
        self.found: dict[str, tuple[int, int]] = {}   # site path → (size, mtime_ns) now

    def set_aside(self) -> None:
        """Before MkDocs cleans: the record taken out of the cache, the entries moved aside."""
        aside = self.site_dir / ASIDE
        if aside.exists():   # left by a build that failed before bringing it back
            shutil.rmtree(aside, ignore_errors=True)
        self.record = self._take_record()
        if not self.record or not self.site_dir.is_dir():
            return
        entries = [e for e in os.scandir(self.site_dir) if not e.name.startswith(".")]
        if not entries:
            return
        moved = []
        try:
            aside.mkdir()
            for entry in entries:
                os.rename(entry.path, aside / entry.name)
                moved.append(entry.name)
        except OSError:   # an entry on another file system, say: nothing kept, MkDocs cleans
            for name in moved:
                os.rename(aside / name, self.site_dir / name)
            shutil.rmtree(aside, ignore_errors=True)
            self.record = {}

    def bring_back(self) -> None:
        """After MkDocs cleaned: the entries back in place, and every file in them listed."""
        aside = self.site_dir / ASIDE
        if not aside.is_dir():
            return
        for entry in os.scandir(aside):
            if not os.path.lexists(self.site_dir / entry.name):   # written meanwhile: that one stays
                try:
                    os.rename(entry.path, self.site_dir / entry.name)
                except OSError:
                    continue   # deleted below, as MkDocs' cleaning would have
                self._list(self.site_dir / entry.name, entry.name)
        shutil.rmtree(aside, ignore_errors=True)

    def _list(self, path: Path, rel: str) -> None:
        if path.is_symlink() or not path.is_dir():
            st = path.lstat()
            self.found[rel] = (st.st_size, st.st_mtime_ns)
            return
        stack = [(str(path), rel)]
        while stack:
            folder, prefix = stack.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = f"{prefix}/{entry.name}"
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, name))
                    else:
                        st = entry.stat(follow_symlinks=False)
                        self.found[name] = (st.st_size, st.st_mtime_ns)

    def holds(self, path: str, what: str) -> bool:
        """Whether the file at site path `path` is as the last build placed it, holding `what`."""
        recorded = self.record.get(path)
        return recorded is not None and recorded[0] == what and self.found.get(path) == recorded[1:3]

    def unchanged(self, path: str) -> bool:
        """Whether the file at `path` is as the last build placed it, whatever it holds."""
        recorded = self.record.get(path)
        return recorded is not None and self.found.get(path) == recorded[1:3]

    def warnings(self, path: str) -> list[str]:
        recorded = self.record.get(path)
        return list(recorded[3]) if recorded is not None else []

    def size(self, path: str) -> int:
        return self.found[path][0]

    def clear_except(self, keep: Callable[[str], bool]) -> None:
        """Delete every file brought back that `keep` refuses, and the folders left empty, so
        that what MkDocs and the build write next is never written through an old file (which
        may be a link into the cache)."""
        emptied: set[str] = set()
        for path in [p for p in self.found if not keep(p)]:
            (self.site_dir / path).unlink(missing_ok=True)   # a page to render may be gone already
            del self.found[path]
            emptied.add(path.rpartition("/")[0])
        for folder in sorted(emptied, key=lambda f: f.count("/"), reverse=True):
            while folder:
                try:
                    os.rmdir(self.site_dir / folder)
                except OSError:   # not empty (or gone): the folders above are not empty either
                    break
                folder = folder.rpartition("/")[0]

    def save(self, placed: dict[str, tuple[str, list[str]]], untouched: set[str] = frozenset()) -> None:
        """At the end of a build: {site path: (what it holds, its warnings)} of the files the
        build placed that a later one may keep; `untouched`, those it kept as they were (their
        size and time are the ones `bring_back` listed)."""
        if self.record_path is None:
            return
        record = {}
        root = str(self.site_dir) + os.sep
        for path, (what, warnings) in placed.items():
            if path in untouched and path in self.found:
                size, mtime = self.found[path]
            else:
                try:
                    st = os.lstat(root + path)   # strings, not Path: ~100,000 files at 10,000 reports
                except OSError:
                    continue
                size, mtime = st.st_size, st.st_mtime_ns
            record[path] = (what, size, mtime, tuple(warnings))
        # Best effort: without a record the next build puts everything back, as after a clean.
        write_sealed(self.record_path, marshal.dumps((_FORMAT, record)))
        self._prune_records()

    def _prune_records(self) -> None:
        """Keep the records of the last few site folders only: every `mkdocs serve` builds into
        a new temporary folder, and a record is megabytes at 10,000 reports."""
        assert self.record_path is not None
        try:
            records = sorted(self.record_path.parent.glob("*.sealed"), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for old in records[KEEP_RECORDS:]:
            old.unlink(missing_ok=True)

    def _take_record(self) -> dict:
        if self.record_path is None:
            return {}
        payload = read_sealed(self.record_path, self.on_damage)
        try:
            self.record_path.unlink(missing_ok=True)
        except OSError:   # a read-only cache: the files are checked against the disk all the same
            pass
        if payload is None:
            return {}
        try:
            version, record = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            self.on_damage(self.record_path)
            return {}
        return record if version == _FORMAT and isinstance(record, dict) else {}
