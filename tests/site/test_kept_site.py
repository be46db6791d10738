"""What a build placed in the site folder stays there for the next one (reform_archive/kept_site.py),
and the folder still ends as a clean build leaves it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from reform_archive.build import CACHE_DIR
from reform_archive.kept_site import ASIDE, KeptSite

from ..conftest import REPO

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_file_is_kept_only_as_it_was_recorded_and_the_rest_is_cleared(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    for name in ("a/page.html", "a/b/other.html", "search/g/1.bin", "stray.txt", ".git/HEAD"):
        _write(site / name, name)
    first = KeptSite(site, cache)
    first.save({"a/page.html": ("key-a", ["w"]), "a/b/other.html": ("key-b", []),
                "search/g/1.bin": ("base-1", [])})

    second = KeptSite(site, cache)
    second.set_aside()
    # What MkDocs' cleaning would delete is out of its way; the hidden entry is as it was.
    assert sorted(p.name for p in site.iterdir()) == [".git", ASIDE]
    (site / "a" / "b").mkdir(parents=True)   # another plugin wrote here meanwhile: that one wins
    second.bring_back()
    assert not (site / ASIDE).exists() and not (site / "a" / "page.html").exists()
    shutil.rmtree(site / "a")

    again = KeptSite(site, cache)
    again.set_aside()
    assert again.record == {} and not (site / ASIDE).exists()   # the record went with the build that took it
    first.save({"search/g/1.bin": ("base-1", []), "stray.txt": ("key-s", [])})
    _write(site / "stray.txt", "written by hand since")   # same path, other bytes and time
    kept = KeptSite(site, cache)
    kept.set_aside()
    kept.bring_back()
    assert kept.holds("search/g/1.bin", "base-1") and not kept.holds("search/g/1.bin", "base-2")
    assert not kept.holds("stray.txt", "key-s") and not kept.unchanged("stray.txt")
    assert kept.holds("search/g/1.bin", "base-1") and kept.warnings("search/g/1.bin") == []
    kept.clear_except(lambda path: path == "search/g/1.bin")
    assert _files(site) == {".git/HEAD": b".git/HEAD", "search/g/1.bin": b"search/g/1.bin"}


def test_a_build_that_failed_leaves_nothing_kept(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    _write(site / "r/index.html", "page")
    KeptSite(site, cache).save({"r/index.html": ("key", [])})
    failed = KeptSite(site, cache)
    failed.set_aside()   # ... and the build stopped before bringing it back
    assert (site / ASIDE / "r" / "index.html").is_file()
    after = KeptSite(site, cache)
    after.set_aside()
    after.bring_back()
    assert not (site / ASIDE).exists() and after.record == {} and after.found == {}


def _project(tmp_path: Path) -> Path:
    tmp_path.mkdir()
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    shutil.copytree(REPO / "reports", tmp_path / "reports")
    return tmp_path


def _build(project: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "reform_archive", "build"], cwd=project,
                         capture_output=True, text=True, env=ENV)
    assert run.returncode == 0, run.stderr


def test_a_rebuild_leaves_unchanged_pages_and_index_files_in_place_and_clears_the_rest(tmp_path):
    project = _project(tmp_path / "warm")
    _build(project)
    site = project / "site"
    before = _files(site)
    # Report pages from the cache (a merged version's redirect page is written by MkDocs each time).
    pages = [p for p in site.glob("reports/*/*/index.html") if b'http-equiv="refresh"' not in p.read_bytes()]
    shards = sorted((site / "search").rglob("*.bin"))
    assert pages and shards
    # Linking a file again changes its inode's ctime; a file left in place keeps it.
    ctimes = {p: p.stat().st_ctime_ns for p in pages + shards}
    _write(site / "stray.html", "not made by the build")
    _write(site / "reports" / "1999" / "gone" / "index.html", "a page of a report that is gone")
    _write(site / ".nojekyll", "")
    edited = pages[0]
    edited.unlink()   # replaced by hand (a new file, as an editor saves it)
    edited.write_text("changed by hand", encoding="utf-8")
    _build(project)
    assert _files(site) == {**before, ".nojekyll": b""} | {k: v for k, v in _files(site).items()
                                                            if k == "sitemap.xml.gz"}
    assert not (site / "reports" / "1999").exists()
    assert [p for p, ctime in ctimes.items() if p != edited and p.stat().st_ctime_ns != ctime] == []
    assert not (site / ASIDE).exists() and (site / ".nojekyll").exists()

    # Removing a report: its page and folder go, and the site is the one a cold build makes.
    removed = next(p for p in sorted((project / "reports").glob("*.md")) if "石门县" in p.name)
    removed.unlink()
    _build(project)
    cold = tmp_path / "cold"
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns(".cache", "site"))
    _build(cold)
    warm_files, cold_files = _files(site), _files(cold / "site")
    pages_of = lambda files: {k: v for k, v in files.items()  # noqa: E731
                              if not k.startswith("search/") and k not in ("sitemap.xml.gz", ".nojekyll")}
    assert pages_of(warm_files).keys() == pages_of(cold_files).keys()
    assert [k for k in pages_of(warm_files) if warm_files[k] != cold_files[k]] == []
    assert (project / CACHE_DIR / "sites").is_dir()


def test_only_the_last_few_site_folders_keep_a_record(tmp_path):
    from reform_archive.kept_site import KEEP_RECORDS, RECORDS

    cache = tmp_path / "cache"
    for n in range(KEEP_RECORDS + 2):
        site = tmp_path / f"site{n}"
        _write(site / "page.html", "page")
        KeptSite(site, cache).save({"page.html": ("key", [])})
        record = KeptSite(site, cache).record_path
        os.utime(record, (1_000_000 + n, 1_000_000 + n))   # in the order they were written
    kept = sorted(p.name for p in (cache / RECORDS).iterdir())
    newest = [KeptSite(tmp_path / f"site{n}", cache).record_path.name for n in range(2, KEEP_RECORDS + 2)]
    assert kept == sorted(newest)


def test_a_site_placed_from_the_cache_is_readable_as_a_written_one(tmp_path):
    """Finished pages came from the cache as hard links to files mkstemp had made 0600: in a
    site built into a new folder (a deploy folder, `serve`'s), every reused page was readable by
    its owner alone, and a web server running as another user answered 403. Every file of that
    site has the permissions of a file the build wrote itself."""
    project = _project(tmp_path / "project")
    _build(project)
    other = subprocess.run([sys.executable, "-m", "reform_archive", "build", "--out", "deploy"], cwd=project,
                           capture_output=True, text=True, env=ENV)
    assert other.returncode == 0, other.stderr
    umask = os.umask(0o022)
    os.umask(umask)
    written = 0o666 & ~umask
    modes = {p.relative_to(project).as_posix(): p.stat().st_mode & 0o777
             for folder in ("site", "deploy") for p in (project / folder).rglob("*") if p.is_file()}
    reused = [p for p in (project / "deploy").rglob("index.html") if p.stat().st_nlink > 1]
    assert reused, "no page of the second site came from the cache"
    assert {name: mode for name, mode in modes.items() if mode != written} == {}
