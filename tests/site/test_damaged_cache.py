"""A damaged cache never makes the site wrong, the build fail, or the build print a traceback.

What a full disk, a crash during a copy or a sync tool leaves in `.cache/reform-archive/`: a
file truncated, overwritten with random bytes, or zeroed. For each kind of cached file, each
of the three, the next build says so in one warning line naming the file and writes the site
of a clean build, byte for byte; the build after it (the cache healed) the same, with no
warning. One small project is built clean once; each case damages a copy of its cache.

The builds run in this process (real MkDocs builds, as `reform-archive build` runs them), so
that jieba's dictionary and the rest are loaded once for the 30-odd builds. They all build
one project folder (a page's cache key has the project's path in it), its cache put back as
the clean build left it before each case.
"""

from __future__ import annotations

import logging
import random
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from reform_archive.build import CACHE_DIR

from ..conftest import REPO

DAMAGED = "damaged cache file"


def _tree(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries the gzip time stamp; everything else must be identical.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"}


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _build(project: Path) -> list[str]:
    """Build the project's site; the warnings it logged."""
    handler = _Lines()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        build(load_config(str(project / "mkdocs.yml")))
    finally:
        logger.removeHandler(handler)
    return handler.lines


@pytest.fixture(scope="session")
def clean_build(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes]]:
    """A project built once from nothing: the project, a copy of the cache that build left,
    and its site's files."""
    root = tmp_path_factory.mktemp("damage")
    project = root / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("docs", "reports"):
        shutil.copytree(REPO / name, project / name)
    assert [line for line in _build(project) if DAMAGED in line] == []
    shutil.copytree(project / CACHE_DIR, root / "cache")  # copies: the site's links are not shared
    return project, root / "cache", _tree(project / "site")


def _first(root: Path, pattern: str) -> Path:
    found = sorted(p for p in root.glob(pattern) if p.is_file() and not p.name.startswith(".tmp-"))
    assert found, pattern
    return found[0]


def _base(cache: Path) -> Path:
    return next(p for p in (cache / "search-base").iterdir() if p.is_dir() and not p.name.startswith(".tmp-"))


# Each kind of file the cache holds: where one is found, and what must go besides it for the
# build to read it (a sanitised page is read only when its page is rendered again).
PAGE_KINDS = {
    "finished page": (lambda cache: _first(cache, "rendered/*/*/*.html"), None),
    "rendered-search entry": (lambda cache: _first(cache, "rendered/*/*/*.search"), None),
    "dedup signatures": (lambda cache: cache / "dedup-signatures.sealed", None),
    "sanitised page": (lambda cache: _first(cache, "pages/*/*.marshal"), "rendered"),
    "related reports": (lambda cache: cache / "related.sealed", None),
    # Each text's words are read only when the related lists are made again.
    "related words": (lambda cache: cache / "related-words.sealed", "related.sealed"),
    "compiled template": (lambda cache: _first(cache, "templates/*.sealed"), None),
    "parsed reports": (lambda cache: cache / "parsed-reports.sealed", None),
    "site folder record": (lambda cache: _first(cache, "sites/*.sealed"), None),
    "page digests": (lambda cache: cache / "page-digests.sealed", None),
    "chrome lines": (lambda cache: cache / "chrome-lines.sealed", None),
}
# The search base is checked file by file until one fails (then built again whole): one of
# its files is damaged a case.
BASE_KINDS = {
    "search base docinfo": lambda cache: _base(cache) / "docinfo.bin",
    "search base shard": lambda cache: _first(_base(cache), "g/*.bin"),
    "search base text": lambda cache: _first(_base(cache), "t/*.txt.gz"),
    "search base manifest": lambda cache: _base(cache) / "manifest.json",
    "search base identities": lambda cache: _base(cache) / "identities.json",
    "search base contents": lambda cache: _base(cache) / "CONTENTS",
    "search base pointer": lambda cache: cache / "search-base" / "current",
}


def _truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _randomise(data: bytes) -> bytes:
    return random.Random(len(data)).randbytes(len(data))


def _zero(data: bytes) -> bytes:
    return bytes(len(data))


DAMAGES = {"truncated": _truncate, "random bytes": _randomise, "zeroed": _zero}
# Every kind meets every damage: each case damages one file of the search base and one other
# file (the builds are what takes time; two independent files a build halve them).
CASES = [(damage, list(BASE_KINDS)[i % len(BASE_KINDS)], list(PAGE_KINDS)[i % len(PAGE_KINDS)])
         for damage in DAMAGES for i in range(max(len(BASE_KINDS), len(PAGE_KINDS)))]


@pytest.mark.parametrize(("damage", "base_kind", "other_kind"), CASES)
def test_a_damaged_cache_file_heals_with_one_warning_and_the_site_of_a_clean_build(
        clean_build, damage, base_kind, other_kind):
    project, clean_cache, expected = clean_build
    cache = project / CACHE_DIR
    shutil.rmtree(project / "site")
    shutil.rmtree(cache)
    shutil.copytree(clean_cache, cache)
    find_other, also_remove = PAGE_KINDS[other_kind]
    targets = [BASE_KINDS[base_kind](cache), find_other(cache)]
    for target in targets:
        target.write_bytes(DAMAGES[damage](target.read_bytes()))
    if also_remove:
        gone = cache / also_remove
        shutil.rmtree(gone) if gone.is_dir() else gone.unlink()

    first = sorted(line for line in _build(project) if DAMAGED in line)
    names = sorted(target.relative_to(project).as_posix() for target in targets)
    assert [line.split(": warning: ")[0] for line in first] == names, first
    assert all(line.split(": warning: ")[1].startswith(DAMAGED) for line in first), first
    got = _tree(project / "site")
    assert sorted(set(expected) ^ set(got)) == []
    assert [k for k in expected if expected[k] != got[k]] == []

    assert [line for line in _build(project) if DAMAGED in line] == []
    assert _tree(project / "site") == expected
