"""Builds of one project at the same time (a `serve` left running and a `build`, two builds):
they share `.cache/reform-archive/`, and must not damage each other's sites or the cache."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from reform_archive.cache_file import unseal
from reform_archive.search.builder import _BaseStore

from ..conftest import REPO

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
WAITING = "waiting for another build of this project to finish (.cache/reform-archive/build.lock)"


def _tree(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries the gzip time stamp; everything else must be identical.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"}


def _start(project: Path, out: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reform_archive", "build", "--out", out], cwd=project,
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _project(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    for name in ("docs", "reports"):
        shutil.copytree(REPO / name, folder / name)
    return folder


def test_two_builds_at_once_make_complete_sites_identical_to_a_clean_build(tmp_path):
    project = _project(tmp_path / "project")
    builds = [_start(project, "site-a"), _start(project, "site-b")]
    outputs = [build.communicate(timeout=600) for build in builds]
    for build, (_, stderr) in zip(builds, outputs):
        assert build.returncode == 0, stderr
        assert "Traceback" not in stderr, stderr
    # They did not run at once: one waited for the other, and said so.
    assert sum(WAITING in stderr for _, stderr in outputs) == 1, [e for _, e in outputs]

    clean = _project(tmp_path / "clean")
    run = subprocess.run([sys.executable, "-m", "reform_archive", "build", "--out", "site"], cwd=clean,
                         env=ENV, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    expected = _tree(clean / "site")
    assert any(name.startswith("search/") for name in expected)
    for name in ("site-a", "site-b"):
        got = _tree(project / name)
        assert sorted(set(expected) ^ set(got)) == [], name
        assert [k for k in expected if expected[k] != got[k]] == [], name


def test_a_build_waits_while_another_holds_the_lock_and_goes_on_when_it_ends(tmp_path):
    """A `serve` between two rebuilds holds no lock; one in the middle of a rebuild does: a
    process holding the lock stands for it here."""
    project = _project(tmp_path / "project")
    lock = project / ".cache" / "reform-archive" / "build.lock"
    lock.parent.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time\n"
        f"f = open({str(lock)!r}, 'a'); fcntl.flock(f, fcntl.LOCK_EX)\n"
        "print('locked', flush=True); time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        log = tmp_path / "build.log"
        with open(log, "w", encoding="utf-8") as handle:
            build = subprocess.Popen([sys.executable, "-m", "reform_archive", "build"], cwd=project,
                                     env=ENV, stdout=handle, stderr=handle, text=True)
        deadline = time.time() + 120
        while time.time() < deadline and WAITING not in log.read_text(encoding="utf-8"):
            assert build.poll() is None, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        time.sleep(2)
        assert build.poll() is None, log.read_text(encoding="utf-8")
        assert not (project / "site").exists()  # nothing touched while it waits
    finally:
        holder.kill()
        holder.wait()
    assert build.wait(timeout=600) == 0, log.read_text(encoding="utf-8")
    assert (project / "site" / "index.html").is_file()


def test_saving_a_base_leaves_another_builds_temporary_folder_alone(tmp_path):
    """`_BaseStore.save` once removed every other folder of the cache's search-base/, the one
    another build was writing its base into included: that build then renamed an incomplete
    base into place, and every later build linked its missing files into no site."""
    store = _BaseStore(tmp_path / "search-base", "v1")
    (tmp_path / "search-base").mkdir()
    writing = tmp_path / "search-base" / ".tmp-another-build"
    writing.mkdir()
    (writing / "g").mkdir()
    (writing / "g" / "00.bin").write_bytes(b"half an index")
    old, _ = store.save(["a"], {"manifest.json": b"{}", "g/01.bin": b"x"})
    store.save(["a", "b"], {"manifest.json": b"{}", "g/01.bin": b"y"})
    assert (writing / "g" / "00.bin").read_bytes() == b"half an index"
    assert not old.exists()  # an older base is removed


def test_a_base_missing_files_is_not_linked_into_a_site(tmp_path):
    """A base in the cache that lost index files is built again, whole, not linked half."""
    project = _project(tmp_path / "project")
    run = subprocess.run([sys.executable, "-m", "reform_archive", "build"], cwd=project, env=ENV,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    expected = _tree(project / "site")
    base_root = project / ".cache" / "reform-archive" / "search-base"
    name = unseal((base_root / _BaseStore.POINTER).read_bytes()).decode("utf-8").split()[1]
    grams = sorted((base_root / name / "g").glob("*"))
    assert len(grams) > 2
    for gram in grams[::2]:
        gram.unlink()
    shutil.rmtree(project / "site")
    again = subprocess.run([sys.executable, "-m", "reform_archive", "build"], cwd=project, env=ENV,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "built in full" in again.stderr
    assert _tree(project / "site") == expected
    assert json.loads((project / "site" / "search" / "manifest.json").read_text(encoding="utf-8"))
