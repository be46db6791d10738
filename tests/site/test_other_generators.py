"""The archive outlives MkDocs 1.6: it builds on ProperDocs (a MkDocs 1.x continuation), and
its search index can be made from any finished site folder (`reform-archive index`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
_GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def _run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=project, capture_output=True, text=True,
                          env=ENV, timeout=600)


def _tree(site: Path) -> dict[str, bytes]:
    """Every file of a site, the generator's name taken out of the pages (it says which tool
    built them) and the sitemap's gzip time stamp left out."""
    return {p.relative_to(site).as_posix(): _GENERATOR.sub(b"", p.read_bytes())
            for p in site.rglob("*") if p.is_file() and p.name != "sitemap.xml.gz"}


def test_properdocs_builds_the_same_site_as_mkdocs(project_copy, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(project_copy, other)
    built = _run(project_copy, "-m", "reform_archive", "build", "--out", str(project_copy / "site"))
    assert built.returncode == 0, built.stderr
    proper = _run(other, "-m", "properdocs", "build", "-f", "mkdocs.yml", "-d", str(other / "site"))
    assert proper.returncode == 0, proper.stderr
    assert "reform-archive: 7 reports shown" in proper.stderr
    mkdocs_site, proper_site = _tree(project_copy / "site"), _tree(other / "site")
    assert any(name.startswith("reports/") for name in proper_site)
    assert any(name.startswith("search/g/") for name in proper_site)
    assert proper_site.keys() == mkdocs_site.keys()
    assert [name for name in proper_site if proper_site[name] != mkdocs_site[name]] == []


INDEX_FILES = ("g", "p", "t", "r", "m", "delta", "manifest.json", "docinfo.bin", "facets.json",
               "lines.json.gz", "t2s.json.gz")


def test_the_index_of_a_finished_site_is_the_index_the_build_wrote(project_copy):
    site = project_copy / "site"
    built = _run(project_copy, "-m", "reform_archive", "build", "--out", str(site))
    assert built.returncode == 0, built.stderr
    written = {k: v for k, v in _tree(site).items() if k.startswith("search/")}
    for name in INDEX_FILES:
        path = site / "search" / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    assert not (site / "search" / "manifest.json").exists()
    made = _run(project_copy, "-m", "reform_archive", "index", str(site))
    assert made.returncode == 0, made.stderr
    assert "search index of 7 reports" in made.stdout
    assert {k: v for k, v in _tree(site).items() if k.startswith("search/")} == written
    # Over an index that is already there (and one file too many), the same again.
    (site / "search" / "t" / "999-0.txt.gz").write_bytes(b"stale")
    again = _run(project_copy, "-m", "reform_archive", "index", str(site))
    assert again.returncode == 0, again.stderr
    assert {k: v for k, v in _tree(site).items() if k.startswith("search/")} == written


def test_index_of_a_folder_that_is_no_site_says_so(tmp_path):
    result = _run(tmp_path, "-m", "reform_archive", "index", str(tmp_path))
    assert result.returncode == 1
    assert "no data/reports.json" in result.stderr and "Traceback" not in result.stderr
