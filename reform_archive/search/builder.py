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
import marshal
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..cache import link_or_copy
from ..cache_file import NEW_FILE, OnDamage, digest, ignore_damage, matches, read_sealed, write_sealed
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
    laid_out: SearchDocument | None = None  # kept when made early: its layout is half the index's work

    def document(self) -> SearchDocument:
        if self.laid_out is not None:
            return self.laid_out
        text, headings = self.content() if callable(self.content) else self.content
        return SearchDocument(url=self.url, title=self.title, body=text, headings=list(headings), **self.meta)


class SearchIndexBuilder:
    def __init__(self, lines_table_max: int = LINES_TABLE_MAX_BYTES, on_damage: OnDamage = ignore_damage) -> None:
        self.entries: list[_Entry] = []
        self.on_damage = on_damage  # told of a damaged file of the base in the cache
        self.lines_table_max = lines_table_max
        self.words = WholeWordCounter()   # counts whole words in the background as pages come
        self.delta_docs = 0       # what the last write did, for the build log and tests
        self.removed_docs = 0
        self.rebuilt_base = False
        self.placed: dict[str, str] = {}   # index file linked from a base → the base's name
        self.untouched: set[str] = set()   # of those, the ones already in place

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
            entry.laid_out = entry.document()
            self.words.add(identity, entry.laid_out.text)

    def write(self, site_dir: Path, cache_dir: Path | None = None,
              in_place: dict[str, tuple[str, int]] | None = None) -> int:
        """Write the index under site_dir/search/; returns its size in bytes. With a cache
        folder, reuse the base index kept there when only a few reports changed. `in_place`:
        the base's files an earlier build linked into the folder, unchanged since ({name: (the
        base's name, size)}): those of the base used now stay, the others are deleted."""
        entries = sorted(self.entries, key=lambda e: e.url)
        out = site_dir / INDEX_DIR
        in_place = in_place or {}
        self.placed, self.untouched = {}, set()
        self.delta_docs = self.removed_docs = 0
        self.rebuilt_base = True
        empty_search_index(site_dir)
        if cache_dir is None:
            _unlink(out, in_place)
            return _write_files(out, self._index(entries))
        store = _BaseStore(cache_dir / "search-base", f"{code_version(*INDEX_CODE)}-{self.lines_table_max}",
                           self.on_damage)
        base = store.current()
        if base is not None:
            folder, identities, contents = base
            known = {ident: i for i, ident in enumerate(identities)}
            wanted = {e.identity for e in entries}
            removed = [i for i, ident in enumerate(identities) if ident not in wanted]
            added = [e for e in entries if e.identity not in known]
            if len(added) + len(removed) <= delta_limit(len(identities)):
                delta = self._delta(store, folder.name, added) if added else {}
                try:
                    size = _write_with_delta(out, folder, contents, removed, delta, self.on_damage,
                                             in_place, self.placed, self.untouched)
                except _IncompleteBase:
                    pass  # then built afresh, below
                else:
                    self.rebuilt_base = False
                    self.delta_docs, self.removed_docs = len(added), len(removed)
                    return size
        index_files = self._index(entries)
        try:
            folder, contents = store.save([e.identity for e in entries], index_files)
        except OSError:  # a read-only or full cache: the site gets its index all the same
            _unlink(out, in_place)
            return _write_files(out, index_files)
        self.placed, self.untouched = {}, set()
        sizes = {name: len(data) for name, data in index_files.items()}
        del index_files
        return _write_with_delta(out, folder, contents, [], {}, in_place=in_place, placed=self.placed,
                                 untouched=self.untouched, sizes=sizes)

    def _delta(self, store: _BaseStore, base_name: str, added: list[_Entry]) -> dict[str, bytes]:
        """The delta index of `added` over the base: the last build's, kept in the cache, when
        it was of the same reports (a rebuild with nothing changed does not index them again,
        nor load a word cutter to count their words)."""
        key = hashlib.sha256("\0".join([base_name, *(e.identity for e in added)]).encode("utf-8")).hexdigest()
        kept = store.delta(key)
        if kept is not None:
            return kept
        delta = self._index(added)
        store.save_delta(key, delta)
        return delta

    def _index(self, entries: list[_Entry]) -> dict[str, bytes]:
        docs = [e.document() for e in entries]
        # The whole archive's index is the build's last: no later one asks for word counts.
        words = self.words.counting([e.identity for e in entries], (d.text for d in docs),
                                    last=len(entries) == len(self.entries))
        return build_search_index(docs, lines_table_max=self.lines_table_max, words=words)


def _write_files(out: Path, index_files: dict[str, bytes]) -> int:
    """Each file written as a new file (an old one there is unlinked first, never written
    through: it may be a link into the cache). Plain `os` calls, each folder made once: a full
    index is ~80,000 files in a few thousand folders."""
    total, made, root = 0, set(), os.fspath(out)
    for name, content in index_files.items():
        path = os.path.join(root, name)
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        try:
            fd = os.open(path, NEW_FILE, 0o666)
        except FileExistsError:   # also a symbolic link there, which is replaced, not followed
            os.unlink(path)
            fd = os.open(path, NEW_FILE, 0o666)
        with open(fd, "wb") as handle:
            handle.write(content)
        total += len(content)
    return total



class _IncompleteBase(Exception):
    """A base index in the cache lacks some of its files (removed by hand, or by another
    program) or has a damaged one: it is not used, and a new one is built."""


def _unlink(out: Path, names) -> None:
    for name in names:
        (out / name).unlink(missing_ok=True)


def _write_with_delta(out: Path, base: Path, contents: dict[str, str], removed: list[int],
                      added: dict[str, bytes], on_damage: OnDamage = ignore_damage,
                      in_place: dict[str, tuple[str, int]] | None = None,
                      placed: dict[str, str] | None = None, untouched: set[str] | None = None,
                      sizes: dict[str, int] | None = None) -> int:
    """The base's files, linked (less the text and result line of removed reports), the files
    of a delta index (`added`) under delta/, and a manifest that names both. `contents`: the
    SHA-256 of each of the base's index files; one that does not match is never linked. A file
    of this base `in_place` already stays as it is (it was checked when it was linked); the
    other files `in_place` are deleted. `placed` gets every base file now in the folder.
    `sizes`: given for a base this build has just written (from bytes it hashed itself), whose
    files are linked without being read back."""
    hidden = tuple(prefix for i in removed for prefix in doc_file_prefixes(i))
    in_place = in_place or {}
    placed = {} if placed is None else placed
    untouched = set() if untouched is None else untouched   # files of `in_place` left as they were
    total = 0
    made: set[Path] = set()
    base_name = base.name
    for name, expected in contents.items():
        if name == MANIFEST or name.startswith(hidden or "\0"):
            continue
        here = in_place.get(name)
        if here is not None and here[0] == base_name:
            placed[name] = base_name
            untouched.add(name)
            total += here[1]
            continue
        path = base / name
        if sizes is None and not matches(path, expected):
            if path.exists():
                on_damage(path)
            raise _IncompleteBase(base)
        link_or_copy(path, out / name, made)
        placed[name] = base.name
        total += sizes[name] if sizes is not None else path.stat().st_size
    _unlink(out, (name for name in in_place if name not in placed))
    try:
        manifest_bytes = (base / MANIFEST).read_bytes()
        if digest(manifest_bytes) != contents.get(MANIFEST):
            on_damage(base / MANIFEST)
            raise _IncompleteBase(base)
        manifest = json.loads(manifest_bytes)
    except (FileNotFoundError, ValueError) as exc:
        raise _IncompleteBase(base) from exc
    if added or removed:
        total += _write_files(out / DELTA_DIR, added)
        delta = json.loads(added[MANIFEST]) if added else {"docs": 0}
        manifest["delta"] = {"dir": DELTA_DIR, "docs": delta["docs"], "removed": removed}
    # As the index writes it: a base linked as it is reads the same as one written in full.
    total += _write_files(out, {MANIFEST: json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")})
    return total


class _BaseStore:
    """Base indexes in the cache: one folder per base, named by what it holds; the sealed
    pointer `POINTER` (cache_file.py) names the latest. Folders are complete before the pointer
    names them, and list the SHA-256 of every file they hold in a sealed `CONTENTS`, so that a
    base that lost a file, or has a damaged one, is never linked into a site.

    Builds of a project run one at a time (build_lock.py); even so, a base being written (in a
    `.tmp-` folder) is never removed by another, unless it is a day old (left by a killed one)."""

    IDENTITIES = "identities.json"
    CONTENTS = "CONTENTS"
    DELTA = "delta.marshal"
    POINTER = "current"
    OWN_FILES = (IDENTITIES, CONTENTS)
    STALE_SECONDS = 24 * 3600

    def __init__(self, folder: Path, version: str, on_damage: OnDamage = ignore_damage) -> None:
        self.folder, self.version, self.on_damage = folder, version, on_damage

    def current(self) -> tuple[Path, list[str], dict[str, str]] | None:
        """(folder, identities, SHA-256 of each index file) of the latest base, or None when
        there is none of this version or it is damaged (`on_damage` is told which file)."""
        pointer = read_sealed(self.folder / self.POINTER, self.on_damage)
        if pointer is None:
            return None
        try:
            version, name = pointer.decode("utf-8").split()
        except ValueError:
            return None
        if version != self.version:
            return None
        folder = self.folder / name
        listing = read_sealed(folder / self.CONTENTS, self.on_damage)
        if listing is None:
            return None
        try:
            contents = json.loads(listing)
            identities_bytes = (folder / self.IDENTITIES).read_bytes()
        except (OSError, ValueError):
            return None
        if digest(identities_bytes) != contents.pop(self.IDENTITIES, None):
            self.on_damage(folder / self.IDENTITIES)
            return None
        return folder, json.loads(identities_bytes), contents

    def delta(self, key: str) -> dict[str, bytes] | None:
        """The files of the delta index the last build made, if it was the one named `key`."""
        payload = read_sealed(self.folder / self.DELTA, self.on_damage)
        if payload is None:
            return None
        try:
            kept, files = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):   # whole, but not ours
            self.on_damage(self.folder / self.DELTA)
            return None
        return files if kept == f"{self.version} {key}" else None

    def save_delta(self, key: str, files: dict[str, bytes]) -> None:
        """Kept for the next build (one delta: a build that changes it replaces it)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_sealed(self.folder / self.DELTA, marshal.dumps((f"{self.version} {key}", files)))

    @classmethod
    def contents(cls, index_files: dict[str, bytes]) -> dict[str, str]:
        return {name: digest(data) for name, data in sorted(index_files.items())}

    def save(self, identities: list[str], index_files: dict[str, bytes]) -> tuple[Path, dict[str, str]]:
        """The base written, and the SHA-256 of each of its index files."""
        name = hashlib.sha256("\n".join([self.version, *identities]).encode()).hexdigest()[:16]
        self.folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=self.folder, prefix=".tmp-"))
        try:
            _write_files(work, index_files)
            identities_bytes = json.dumps(identities).encode("utf-8")
            (work / self.IDENTITIES).write_bytes(identities_bytes)
            contents = self.contents(index_files)
            listing = {**contents, self.IDENTITIES: digest(identities_bytes)}
            if not write_sealed(work / self.CONTENTS, json.dumps(listing).encode("utf-8")):
                raise OSError(f"cannot write {work / self.CONTENTS}")
            final = self.folder / name
            shutil.rmtree(final, ignore_errors=True)
            os.replace(work, final)
        finally:
            shutil.rmtree(work, ignore_errors=True)  # gone already unless something failed
        if not write_sealed(self.folder / self.POINTER, f"{self.version} {name}\n".encode("utf-8")):
            raise OSError(f"cannot write {self.folder / self.POINTER}")
        (self.folder / "CURRENT").unlink(missing_ok=True)  # the unsealed pointer of older versions
        # Older bases are not needed any more (the site's links keep their files alive); the
        # temporary folder of a base being written is not ours to remove.
        now = time.time()
        for other in self.folder.iterdir():
            if other.name == name or not other.is_dir():
                continue
            if other.name.startswith(".tmp-") and now - other.stat().st_mtime < self.STALE_SECONDS:
                continue
            shutil.rmtree(other, ignore_errors=True)
        return final, contents


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
