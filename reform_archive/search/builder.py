"""Collects the pages to search during a build and writes the index and the worker.

Used by the MkDocs plugin, but knows nothing of MkDocs: pages come in as (identity, url, title,
text, metadata), files go out into a folder.

Rebuilding the index of a whole archive after adding one report would cost as much as the first
build (every shard holds postings of many reports). So, as Lucene does with segments, the index
is a *base* plus a small *delta*: the base is built once over all reports and kept in the cache;
a later build that adds, edits or removes a few reports links the base's files into the site
unchanged, writes an index of just the new or edited reports under `search/delta/`, and lists
the base's reports that are gone or edited (`removed`) in the manifest; the worker searches
both and skips those. When the delta would pass `delta_limit` reports, the base is built again.
A report's identity is a hash of everything its index entry is made from, so an edited report
is a removed one plus an added one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..cache import link_or_copy
from ..code_graph import code_version
from ..theme import empty_search_index, use_worker
from .format import FILES
from .index import LINES_TABLE_MAX_BYTES, SearchDocument, build_search_index, doc_file_prefixes
from .words import WholeWordCounter

ASSETS = "assets/reform-archive"
WORKER = f"{ASSETS}/search-worker.js"
UI_SCRIPT = f"{ASSETS}/search-ui.js"
INDEX_DIR = "search"
DELTA_DIR = "delta"
MANIFEST = "manifest.json"
# What the index is made by: this module and all it imports (the index writer, the whole-word
# counter, the segmenter and its dictionary: terms, gazetteer, jieba's).
INDEX_CODE = ("reform_archive.search.builder",)


def delta_limit(base_docs: int) -> int:
    """Most reports a delta may hold before the base is rebuilt: 5 %, at least 50. A delta
    costs the visitor a second set of (small) fetches and the builder a fraction of a second."""
    return max(50, base_docs // 20)


@dataclass
class _Entry:
    identity: str
    url: str
    title: str
    content: tuple | Callable[[], tuple]  # (text, headings); a function when read only if needed
    meta: dict = field(default_factory=dict)

    def document(self) -> SearchDocument:
        text, headings = self.content() if callable(self.content) else self.content
        return SearchDocument(url=self.url, title=self.title, body=text, headings=list(headings), **self.meta)


class SearchIndexBuilder:
    def __init__(self, lines_table_max: int = LINES_TABLE_MAX_BYTES) -> None:
        self.entries: list[_Entry] = []
        self.lines_table_max = lines_table_max
        self.words = WholeWordCounter()   # counts whole words in the background as pages come
        self.delta_docs = 0       # what the last write did, for the build log and tests
        self.removed_docs = 0
        self.rebuilt_base = False

    def add_text(self, url: str, title: str, text: str | tuple | Callable[[], tuple], *,
                 identity: str | None = None, year: int | None = None, region: str = "",
                 regions: list[str] | None = None, topics: list[str] | None = None,
                 keywords: list[str] | None = None, source: str = "",
                 headings: list[tuple[int, int]] | None = None) -> None:
        """A report page, by its text and heading ranges as `search.text.page_text_and_headings`
        gives them: `text` and `headings`, or `text` = (text, headings), or a function that
        returns them when the index needs them. `identity` names exactly what the entry is made
        of (the plugin hashes the page's Markdown); without one it is hashed from the entry.
        `region` is the whole path, `regions` its levels' paths (province first), `source` as
        the page's metadata block shows it: title, region, topics, keywords and source are
        searched as fields of their own."""
        meta = {"year": year, "region": region, "regions": list(regions or []), "topics": list(topics or []),
                "keywords": list(keywords or []), "source": source}
        content = (text, list(headings or [])) if isinstance(text, str) else text
        if identity is None:
            content = content() if callable(content) else content
            identity = hashlib.sha256(json.dumps([url, title, content, meta], ensure_ascii=False)
                                      .encode("utf-8")).hexdigest()
        entry = _Entry(identity, url, title, content, meta)
        self.entries.append(entry)
        if not callable(content):
            self.words.add(identity, entry.document().text)

    def write(self, site_dir: Path, cache_dir: Path | None = None) -> int:
        """Write the index under site_dir/search/; returns its size in bytes. With a cache
        folder, reuse the base index kept there when only a few reports changed."""
        entries = sorted(self.entries, key=lambda e: e.url)
        out = site_dir / INDEX_DIR
        self.delta_docs = self.removed_docs = 0
        self.rebuilt_base = True
        empty_search_index(site_dir)
        if cache_dir is None:
            return _write_files(out, self._index(entries))
        store = _BaseStore(cache_dir / "search-base", f"{code_version(*INDEX_CODE)}-{self.lines_table_max}")
        base = store.current()
        if base is not None:
            folder, identities = base
            known = {ident: i for i, ident in enumerate(identities)}
            wanted = {e.identity for e in entries}
            removed = [i for i, ident in enumerate(identities) if ident not in wanted]
            added = [e for e in entries if e.identity not in known]
            if len(added) + len(removed) <= delta_limit(len(identities)):
                delta = self._index(added) if added else {}
                try:
                    size = _write_with_delta(out, folder, removed, delta)
                except _IncompleteBase:
                    pass  # then built afresh, below
                else:
                    self.rebuilt_base = False
                    self.delta_docs, self.removed_docs = len(added), len(removed)
                    return size
        index_files = self._index(entries)
        try:
            folder = store.save([e.identity for e in entries], index_files)
        except OSError:  # a read-only or full cache: the site gets its index all the same
            return _write_files(out, index_files)
        return _write_with_delta(out, folder, [], {})

    def _index(self, entries: list[_Entry]) -> dict[str, bytes]:
        docs = [e.document() for e in entries]
        words = self.words.counting([e.identity for e in entries], (d.text for d in docs))
        return build_search_index(docs, lines_table_max=self.lines_table_max, words=words)


def _write_files(out: Path, index_files: dict[str, bytes]) -> int:
    total = 0
    for name, content in index_files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # never write through: an old file there may be a link into the cache
        path.write_bytes(content)
        total += len(content)
    return total


class _IncompleteBase(Exception):
    """A base index in the cache lacks some of its files (removed by hand, or by another
    program): it is not used, and a new one is built."""


def _write_with_delta(out: Path, base: Path, removed: list[int], added: dict[str, bytes]) -> int:
    """The base's files, linked (less the text and result line of removed reports), the files
    of a delta index (`added`) under delta/, and a manifest that names both."""
    hidden = tuple(prefix for i in removed for prefix in doc_file_prefixes(i))
    total = 0
    made: set[Path] = set()
    try:
        expected = int((base / _BaseStore.COMPLETE).read_text(encoding="utf-8"))
        found = 0
        for path in base.rglob("*"):
            name = path.relative_to(base).as_posix()
            if not path.is_file() or name in _BaseStore.OWN_FILES:
                continue
            found += 1
            if name.startswith(hidden or "\0"):
                continue
            link_or_copy(path, out / name, made)
            total += path.stat().st_size
        manifest = json.loads((base / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError) as exc:
        raise _IncompleteBase(base) from exc
    if found != expected:
        raise _IncompleteBase(base)
    if added or removed:
        total += _write_files(out / DELTA_DIR, added)
        delta = json.loads(added[MANIFEST]) if added else {"docs": 0}
        manifest["delta"] = {"dir": DELTA_DIR, "docs": delta["docs"], "removed": removed}
    # As the index writes it: a base linked as it is reads the same as one written in full.
    total += _write_files(out, {MANIFEST: json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")})
    return total


class _BaseStore:
    """Base indexes in the cache: one folder per base, named by what it holds; `CURRENT` names
    the latest. Folders are complete before `CURRENT` points at them, and say how many index
    files they hold (`COMPLETE`), so a base that lost some is never linked into a site.

    Builds of a project run one at a time (build_lock.py); even so, a base being written (in a
    `.tmp-` folder) is never removed by another, unless it is a day old (left by a killed one)."""

    IDENTITIES = "identities.json"
    COMPLETE = "COMPLETE"
    OWN_FILES = (MANIFEST, IDENTITIES, COMPLETE)
    STALE_SECONDS = 24 * 3600

    def __init__(self, folder: Path, version: str) -> None:
        self.folder, self.version = folder, version

    def current(self) -> tuple[Path, list[str]] | None:
        try:
            version, name = (self.folder / "CURRENT").read_text(encoding="utf-8").split()
            if version != self.version:
                return None
            folder = self.folder / name
            identities = json.loads((folder / self.IDENTITIES).read_text(encoding="utf-8"))
            if not (folder / self.COMPLETE).is_file():
                return None
            return folder, identities
        except (OSError, ValueError):
            return None

    def save(self, identities: list[str], index_files: dict[str, bytes]) -> Path:
        name = hashlib.sha256("\n".join([self.version, *identities]).encode()).hexdigest()[:16]
        self.folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=self.folder, prefix=".tmp-"))
        try:
            _write_files(work, index_files)
            (work / self.IDENTITIES).write_text(json.dumps(identities), encoding="utf-8")
            count = sum(1 for file_name in index_files if file_name not in self.OWN_FILES)
            (work / self.COMPLETE).write_text(str(count), encoding="utf-8")
            final = self.folder / name
            shutil.rmtree(final, ignore_errors=True)
            os.replace(work, final)
        finally:
            shutil.rmtree(work, ignore_errors=True)  # gone already unless something failed
        pointer = Path(tempfile.mkstemp(dir=self.folder, prefix=".tmp-CURRENT-")[1])
        pointer.write_text(f"{self.version} {name}\n", encoding="utf-8")
        os.replace(pointer, self.folder / "CURRENT")
        # Older bases are not needed any more (the site's links keep their files alive); the
        # temporary folder of a base being written is not ours to remove.
        now = time.time()
        for other in self.folder.iterdir():
            if other.name == name or not other.is_dir():
                continue
            if other.name.startswith(".tmp-") and now - other.stat().st_mtime < self.STALE_SECONDS:
                continue
            shutil.rmtree(other, ignore_errors=True)
        return final


def remove_search_index(site_dir: Path) -> None:
    """Take an index written earlier out of a site folder (the folder's pages stay)."""
    # Each kind of file the format declares: the top folder of its path, or the file itself.
    names = {f.template.split("/")[0] for f in FILES} | {DELTA_DIR}
    for name in sorted(names):
        path = site_dir / INDEX_DIR / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def use_our_worker(html: str) -> str:
    return use_worker(html, WORKER)
