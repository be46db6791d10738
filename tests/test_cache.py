"""The content cache: keys follow content and code, entries round-trip, damage is a miss; and
a real build reuses it and writes the same site."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reform_archive.cache import ContentCache
from reform_archive.code_graph import code_version

from .conftest import search_texts

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
    assert code_version("reform_archive.search.text") != code_version("reform_archive.site.sanitize")
    assert (code_version("reform_archive.search.text", extra=("nh3",))
            != code_version("reform_archive.search.text"))


def _build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reform_archive", "build"], cwd=project,
                          capture_output=True, text=True, env=ENV)


def _tree(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries the gzip time stamp; everything else must be identical.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.name != "sitemap.xml.gz"}


def _entries(project: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (project / ".cache" / "reform-archive" / "pages").rglob("*.marshal")}


def _rendered(project: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (project / ".cache" / "reform-archive" / "rendered").rglob("*.html")}


def test_a_rebuild_reuses_the_cache_and_writes_the_same_site(project_copy):
    first = _build(project_copy)
    assert first.returncode == 0, first.stderr
    entries, pages = _entries(project_copy), _rendered(project_copy)
    assert len(entries) == 7                      # one per shown report page
    assert len(pages) > 7                         # reports and index sub-pages
    before = _tree(project_copy / "site")
    second = _build(project_copy)
    assert second.returncode == 0, second.stderr
    assert f"{len(pages)} pages reused, 0 rendered" in second.stderr
    assert _entries(project_copy) == entries      # all read, none written again
    assert _rendered(project_copy) == pages
    assert _tree(project_copy / "site") == before
    # Editing a report: only that page is derived again, and the site shows the edit.
    report = next(p for p in sorted((project_copy / "reports").glob("*.md")) if "石门县" in p.name)
    report.write_text(report.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    third = _build(project_copy)
    assert third.returncode == 0, third.stderr
    after = _entries(project_copy)
    assert len(after) == 8 and {k: after[k] for k in entries} == entries
    # The edited page's old entry is pruned: one entry replaced, none piling up.
    now = _rendered(project_copy)
    assert len(now) == len(pages) and len(now.keys() - pages.keys()) == 1
    texts = search_texts(project_copy / "site")
    assert sum("新增一段" in t for t in texts) == 1
    # The edited report went to the index's delta; its old text is not published any more.
    manifest = json.loads((project_copy / "site" / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["delta"]["docs"] == 1 and len(manifest["delta"]["removed"]) == 1
    assert len(texts) == 7


def test_reused_pages_are_the_pages_a_build_without_cache_writes(project_copy, tmp_path):
    """The finished-page cache must be invisible: after an edit, a warm build writes the same
    pages as a cold one (only the search index may be laid out as base + delta)."""
    assert _build(project_copy).returncode == 0
    report = next(p for p in sorted((project_copy / "reports").glob("*.md")) if "石门县" in p.name)
    report.write_text(report.read_text(encoding="utf-8").replace("石门县", "石门县（改）", 1), encoding="utf-8")
    new = project_copy / "reports" / "zz-new.md"
    new.write_text("---\ntitle: 新加的报告\nyear: 2020\nregion: 湖南省\n---\n\n乡镇卫生院的新报告。\n",
                   encoding="utf-8")
    warm = _build(project_copy)
    assert warm.returncode == 0, warm.stderr
    assert "0 rendered" not in warm.stderr
    cold_project = tmp_path / "cold"
    shutil.copytree(project_copy, cold_project, ignore=shutil.ignore_patterns(".cache", "site"))
    assert _build(cold_project).returncode == 0
    pages = lambda site: {k: v for k, v in _tree(site).items() if not k.startswith("search/")}  # noqa: E731
    warm_pages, cold_pages = pages(project_copy / "site"), pages(cold_project / "site")
    assert warm_pages.keys() == cold_pages.keys()
    assert [k for k in warm_pages if warm_pages[k] != cold_pages[k]] == []


def test_build_and_serve_settings_share_the_search_base_and_keep_both_page_sets(project_copy):
    """`mkdocs serve` builds with another site_url than `mkdocs build`: pages differ (links,
    canonical URLs), the search entries do not. Alternating must not rebuild the search base,
    and going back must not render the pages again."""
    config = project_copy / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    assert _build(project_copy).returncode == 0
    config.write_text(original + "\nsite_url: http://127.0.0.1:8000/\n", encoding="utf-8")
    served = _build(project_copy)
    assert served.returncode == 0, served.stderr
    assert "(reused, with 0 new and 0 removed)" in served.stderr
    assert " 0 pages reused" in served.stderr
    config.write_text(original, encoding="utf-8")
    again = _build(project_copy)
    assert again.returncode == 0, again.stderr
    assert "(reused, with 0 new and 0 removed)" in again.stderr and ", 0 rendered" in again.stderr


def test_link_or_copy_replaces_a_file_without_writing_through_it(tmp_path):
    """A site file may be a hard link to a cache entry: putting another file there must leave
    the entry as it was."""
    from reform_archive.cache import link_or_copy

    entry_a, entry_b = tmp_path / "a.html", tmp_path / "b.html"
    entry_a.write_text("页面甲", encoding="utf-8")
    entry_b.write_text("页面乙", encoding="utf-8")
    made: set[Path] = set()
    dest = tmp_path / "site" / "reports" / "x" / "index.html"
    link_or_copy(entry_a, dest, made)
    assert dest.read_text(encoding="utf-8") == "页面甲" and dest.parent in made
    link_or_copy(entry_b, dest, made)
    assert dest.read_text(encoding="utf-8") == "页面乙"
    assert entry_a.read_text(encoding="utf-8") == "页面甲"


def test_a_sealed_file_reads_back_and_any_damage_is_named_once(tmp_path):
    from reform_archive.cache_file import read_sealed, write_sealed

    path = tmp_path / "x" / "entry"
    assert write_sealed(path, "石门县".encode())
    damaged: list[Path] = []
    assert read_sealed(path, damaged.append) == "石门县".encode() and damaged == []
    assert read_sealed(tmp_path / "missing", damaged.append) is None and damaged == []  # a miss, no damage
    whole = path.read_bytes()
    for bad in (whole[:-1], whole[: len(whole) // 2], bytes(len(whole)), whole[:-1] + b"X", b""):
        path.write_bytes(bad)
        assert read_sealed(path, damaged.append) is None
    assert damaged == [path] * 5
    assert [p.name for p in path.parent.iterdir()] == ["entry"]  # no temporary file left


@given(st.binary(max_size=200), st.binary(max_size=200), st.integers(min_value=0))
def test_unseal_takes_only_what_seal_made(payload, other, where):
    from reform_archive.cache_file import seal, unseal

    sealed = seal(payload)
    assert unseal(sealed) == payload
    assert unseal(other) is None
    at = where % len(sealed)
    changed = sealed[:at] + bytes([sealed[at] ^ 0x01]) + sealed[at + 1:]
    assert unseal(changed) is None
    assert unseal(sealed[:at]) is None


def test_a_page_entry_damaged_after_it_was_found_whole_stops_the_build_with_one_line(tmp_path):
    """The text of a reused page is read only when the search index needs it, at the end of
    the build: a file damaged in between (by another program) is named, never used."""
    from reform_archive.cache_file import CacheChanged
    from reform_archive.rendered import RenderedPages
    from reform_archive.site.generate import markdown_digest

    damaged: list[Path] = []
    pages = RenderedPages(tmp_path, "s" * 64, "c", on_damage=damaged.append)
    key = pages.key("reports/x.md", markdown_digest("# x"))
    pages.store(key, "<p>页面</p>", ("页面", [(0, 2)]), ["https://e.org/a.png"])
    assert pages.reusable(key) == ["https://e.org/a.png"]
    assert pages.search_entry(key) == ("页面", [(0, 2)])
    search = next(tmp_path.rglob("*.search"))
    search.write_bytes(bytes(search.stat().st_size))
    with pytest.raises(CacheChanged, match="cache file changed during the build"):
        pages.search_entry(key)
    assert pages.reusable(key) is None and damaged == [search]
    html = next(tmp_path.rglob("*.html"))
    pages.store(key, "<p>页面</p>", ("页面", [(0, 2)]))
    html.write_bytes(b"<p>\xe9\xa1")  # truncated: the site would serve half a page
    assert pages.reusable(key) is None and damaged == [search, html]


def test_search_entries_are_found_by_one_listing_as_they_were_by_a_stat_each(tmp_path):
    from reform_archive.rendered import RenderedPages
    from reform_archive.site.generate import markdown_digest

    pages = RenderedPages(tmp_path, "s" * 64, "c")
    keys = [pages.key(f"reports/{n}.md", markdown_digest(f"# {n}")) for n in range(40)]
    for key in keys[:30]:
        pages.store(key, "<p>页面</p>", ("页面", []))
    for key in keys[20:30]:   # a cache pruned or damaged by hand: the search file gone
        next(tmp_path.rglob(key[2:] + ".search")).unlink()
    (tmp_path / "rendered" / ("s" * 16) / "stray.search").write_text("", encoding="utf-8")   # not in a key folder
    fresh = RenderedPages(tmp_path, "s" * 64, "c")
    found = [fresh.has_search_entry(key) for key in keys]
    assert found == [(tmp_path / "rendered" / ("s" * 16) / k[:2] / (k[2:] + ".search")).is_file() for k in keys]
    assert found == [True] * 20 + [False] * 20
    fresh.store(keys[35], "<p>页面</p>", ("页面", []))   # stored after the listing
    assert fresh.has_search_entry(keys[35])
    assert not RenderedPages(None, "s" * 64).has_search_entry(keys[0])


def test_a_memo_file_keeps_what_a_build_used_and_names_damage(tmp_path):
    from reform_archive.cache import MemoFile

    path = tmp_path / "memo.sealed"
    first = MemoFile(path, "v1")
    assert first.get(b"a") is None
    first.put(b"a", 1)
    first.put(b"b", (2, "二"))
    first.save()
    second = MemoFile(path, "v1")
    assert second.get(b"a") == 1 and second.get(b"b") == (2, "二")
    written = path.stat().st_mtime_ns
    second.save()   # the same entries: not written again
    assert path.stat().st_mtime_ns == written
    third = MemoFile(path, "v1")
    assert third.get(b"b") == (2, "二")
    third.save()    # only what this build asked for is kept
    assert MemoFile(path, "v1").known == {b"b": (2, "二")}
    assert MemoFile(path, "v2").known == {}   # another code version: nothing
    damaged: list[Path] = []
    path.write_bytes(path.read_bytes()[:-3])
    assert MemoFile(path, "v1", on_damage=damaged.append).known == {} and damaged == [path]
