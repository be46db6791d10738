"""Finished pages from earlier builds, so that a page whose inputs did not change is not
rendered again (at 10,000 reports, Markdown and the theme's templates are most of a build).

A generated page outside the navigation (a report, an index sub-page) is a function of its
Markdown, its path, and the site around it: the MkDocs configuration, the theme and its
overrides, the navigation that every page shows, and the code of MkDocs, Material and ours. Its
cache key hashes all of these (`site_signature` + the page), so any change to them renders the
pages again; a hit means the page would come out the same, byte for byte (a test checks it).

Entries live in `.cache/reform-archive/rendered/<signature>/`: `<key>.html` (the finished page)
and `<key>.search`, a sealed file (`cache_file.py`) holding the page's SHA-256, its text and
heading ranges for the search index and its warnings, marshalled. They are written once,
atomically, and never changed in place, so the site may hard-link them instead of copying. An
entry is reused only when both files are whole (the page's hash matches): a damaged one is a
miss, rendered again and written over, with a warning. After a build, `prune`
drops the entries that build did not use (old versions of edited pages) and keeps one other
signature's folder besides the current one (`mkdocs serve` and `mkdocs build` differ in
`site_url`, and alternating between them must not render everything each time).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
from pathlib import Path

from .cache import link_or_copy
from .cache_file import CacheChanged, OnDamage, ignore_damage, matches, read_sealed, write_file, write_sealed
from .cache_file import digest as file_digest


class RenderedPages:
    """Finished pages by key; `folder` None switches the cache off (every lookup misses)."""

    def __init__(self, folder: Path | None, signature: str, content: str = "",
                 on_damage: OnDamage = ignore_damage) -> None:
        self.folder = folder / "rendered" / signature[:16] if folder is not None else None
        self.signature, self.content = signature, content
        self.on_damage = on_damage
        self._listed: set[str] | None = None   # the keys + ".search" of the entries there

    def key(self, src_uri: str, digest: bytes) -> str:
        """The finished page's cache key: the site's signature, the page's path and its
        Markdown's hash (`GeneratedFile.digest`, known without the Markdown when it is unchanged)."""
        return hashlib.sha256(f"{self.signature}\0{src_uri}\0".encode() + digest).hexdigest()

    def identity(self, src_uri: str, digest: bytes) -> str:
        """The report's search identity: `content_signature`, its path and Markdown."""
        return hashlib.sha256(f"{self.content}\0{src_uri}\0".encode() + digest).hexdigest()

    def _path(self, key: str, suffix: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key[2:]}{suffix}"

    def _entry(self, key: str, on_damage: OnDamage) -> tuple[str, str, list, list[str]] | None:
        """(page hash, text, headings, warnings) as stored, or None (missing, or damaged)."""
        path = self._path(key, ".search")
        payload = read_sealed(path, on_damage)
        if payload is None:
            return None
        try:
            page_hash, text, headings, warnings = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):  # an entry of an older layout
            return None
        return page_hash, text, headings, warnings

    def reusable(self, key: str) -> list[str] | None:
        """The warnings of a whole entry (the external images its report showed as links, see
        site/sanitize.py: a build reusing the page still warns of them); None when there is no
        whole entry. Reads and hashes the page: a damaged one is never put in a site."""
        if self.folder is None:
            return None
        entry = self._entry(key, self.on_damage)
        if entry is None:
            return None
        page = self._path(key, ".html")
        if not matches(page, entry[0]):
            if page.exists():
                self.on_damage(page)
            return None
        return list(entry[3])

    def has_search_entry(self, key: str) -> bool:
        """Whether the entry's search file is there (not whether it is whole: it is read only
        if the index needs it). A page kept in the site needs nothing else of the cache: the
        site's file is the page; a build into another folder checks the cached page itself
        (`reusable`). The folder is listed once, when first asked."""
        if self.folder is None:
            return False
        if self._listed is None:   # one listing of the folder, not a stat per page (10,000 a build)
            self._listed = set()
            try:
                subs = [sub for sub in os.scandir(self.folder) if sub.is_dir(follow_symlinks=False)]
            except OSError:
                subs = []
            for sub in subs:
                with os.scandir(sub.path) as entries:
                    self._listed.update(sub.name + entry.name for entry in entries if entry.name.endswith(".search"))
        return key + ".search" in self._listed

    def search_entry(self, key: str) -> tuple[str, list[tuple[int, int]]]:
        """(text, heading ranges) of a page found `reusable` earlier in this build."""
        path = self._path(key, ".search")

        def changed(path: Path) -> None:
            raise CacheChanged(path)

        entry = self._entry(key, changed)
        if entry is None:
            raise CacheChanged(path)
        return entry[1], [tuple(h) for h in entry[2]]

    def store(self, key: str, html: str, search: tuple[str, list[tuple[int, int]]],
              warnings: list[str] | None = None) -> None:
        if self.folder is None:
            return
        text, headings = search
        page = html.encode("utf-8", errors="xmlcharrefreplace")
        entry = (file_digest(page), text, [tuple(h) for h in headings], list(warnings or []))
        # The .html last: an entry without it is a miss, never a page without its text.
        if write_sealed(self._path(key, ".search"), marshal.dumps(entry)):
            write_file(self._path(key, ".html"), page)
            if self._listed is not None:
                self._listed.add(key + ".search")

    def prune(self, used: set[str]) -> int:
        """Remove the entries not in `used` and the folders of older signatures but the newest
        one; returns how many entries were removed."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        removed = 0
        for sub in os.scandir(self.folder):
            if not sub.is_dir():
                continue
            for entry in os.scandir(sub.path):
                stem = entry.name.rsplit(".", 1)[0]
                if not stem.startswith(".tmp-") and sub.name + stem not in used:
                    os.unlink(entry.path)
                    removed += entry.name.endswith(".html")
        os.utime(self.folder)  # the newest folder is the current signature's
        others = sorted((p for p in self.folder.parent.iterdir() if p.is_dir() and p != self.folder),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[1:]:
            shutil.rmtree(old, ignore_errors=True)
        return removed

    def place(self, key: str, dest: Path, made: set[Path] | None = None) -> None:
        """Put the finished page at `dest` (see `cache.link_or_copy`)."""
        link_or_copy(self._path(key, ".html"), dest, made)
