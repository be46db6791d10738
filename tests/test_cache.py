"""The content cache: keys follow content and code, entries round-trip, damage is a miss; and
a real build reuses it and writes the same site."""

import os
import subprocess
import sys
from pathlib import Path

from reform_archive.cache import ContentCache, code_version
from tests.conftest import search_text

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def test_entries_round_trip_and_keys_follow_content_and_code(tmp_path):
    cache = ContentCache(tmp_path, "pages", "v1")
    key = cache.key("<p>石门县</p>")
    assert cache.get(key) is None
    cache.put(key, ("<p>石门县</p>", "石门县"))
    assert cache.get(key) == ("<p>石门县</p>", "石门县")
    assert (cache.hits, cache.misses) == (1, 1)
    assert cache.key("<p>石门县。</p>") != key
    assert ContentCache(tmp_path, "pages", "v2").key("<p>石门县</p>") != key
    assert ContentCache(tmp_path, "pages", "v2").get(ContentCache(tmp_path, "pages", "v2").key("<p>石门县</p>")) is None


def test_a_damaged_entry_is_a_miss_and_no_folder_means_no_cache(tmp_path):
    cache = ContentCache(tmp_path, "pages", "v1")
    key = cache.key("x")
    cache.put(key, ("a", "b"))
    next(tmp_path.rglob("*.marshal")).write_bytes(b"\x00garbage")
    assert cache.get(key) is None
    off = ContentCache(None, "pages", "v1")
    off.put(key, ("a", "b"))
    assert off.get(key) is None


def test_code_version_changes_with_the_code():
    assert code_version(("search/text.py",)) != code_version(("site/sanitize.py",))
    assert code_version(("search/text.py",), ("nh3",)) != code_version(("search/text.py",))


def _build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reform_archive", "build"], cwd=project,
                          capture_output=True, text=True, env=ENV)


def _tree(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries the gzip time stamp; everything else must be identical.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.name != "sitemap.xml.gz"}


def _entries(project: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (project / ".cache" / "reform-archive").rglob("*.marshal")}


def test_a_rebuild_reuses_the_cache_and_writes_the_same_site(project_copy):
    first = _build(project_copy)
    assert first.returncode == 0, first.stderr
    entries = _entries(project_copy)
    assert len(entries) == 7                      # one per shown report page
    before = _tree(project_copy / "site")
    second = _build(project_copy)
    assert second.returncode == 0, second.stderr
    assert _entries(project_copy) == entries      # all read, none written again
    assert _tree(project_copy / "site") == before
    # Editing a report: only that page is derived again, and the site shows the edit.
    report = next(p for p in sorted((project_copy / "reports").glob("*.md")) if "石门县" in p.name)
    report.write_text(report.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    assert _build(project_copy).returncode == 0
    after = _entries(project_copy)
    assert len(after) == 8 and {k: after[k] for k in entries} == entries
    texts = [search_text(d) for d in (project_copy / "site" / "search" / "t").iterdir()]
    assert sum("新增一段" in t for t in texts) == 1
