"""Shared test helpers: where things are, and golden-file comparison.

The seed page is read from the repository's own copy (reports/_sources/), never from
../shared, so the suite passes from a fresh clone anywhere.
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest

# The importer writes the day a report enters the archive (`added:`, reform_archive/added.py):
# one fixed day for the whole suite, so imported files and golden pages do not change daily.
os.environ["SOURCE_DATE_EPOCH"] = "1767225600"   # 2026-01-01

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "reports" / "_sources" / "000_9839ded52f617271.txt"
GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>; UPDATE_GOLDEN=1 rewrites it for a person to review
    with `git diff` before committing."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"golden file {path} is missing; run with UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file (UPDATE_GOLDEN=1 to review a change)"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_reports_dir(tmp_path_factory) -> Path:
    """The seed imported afresh into a temporary reports folder (independent of reports/)."""
    from reform_archive.ingest.importer import import_sources

    out = tmp_path_factory.mktemp("seed_reports")
    import_sources([SEED], out)
    return out


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the project's site sources (mkdocs.yml, docs/, reports/) to build in."""
    for name in ("mkdocs.yml",):
        shutil.copy(REPO / name, tmp_path / name)
    for name in ("docs", "reports"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def search_texts(site: Path) -> list[str]:
    """The text of every report in a built site's search index (`search/t/<id>-<block>.txt.gz`,
    and the same under `search/delta/`), one string per report."""
    blocks: dict[tuple[Path, str], list[Path]] = {}
    for block in sorted((site / "search").rglob("t/*.txt.gz")):
        blocks.setdefault((block.parent, block.name.split("-")[0]), []).append(block)
    return ["".join(gzip.decompress(b.read_bytes()).decode("utf-8")
                    for b in sorted(found, key=lambda b: int(b.name.split("-")[1].split(".")[0])))
            for found in blocks.values()]
