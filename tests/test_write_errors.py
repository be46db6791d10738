"""A disk that refuses to be written (read-only, full) and a source a parser chokes on: one
line naming the path, exit 1, never a traceback.

A read-only folder and a full disk are real: a tmpfs mounted read-only or a few KB large (the
tests run as root on the development machine and in CI); where mounting is not allowed they
use a folder without write permission instead, or are skipped (a full disk cannot be made
without a mount), saying why.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO, SEED

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def _mount(folder: Path, options: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    return run.returncode == 0


@pytest.fixture
def read_only_folder(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    if _mount(folder, "ro,size=64k"):
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
    elif os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
    else:
        pytest.skip("running as root without permission to mount a read-only tmpfs")


@pytest.fixture
def full_disk(tmp_path):
    folder = tmp_path / "full"
    folder.mkdir()
    if not _mount(folder, "size=12k"):
        pytest.skip("a full disk needs a small tmpfs, and mounting one is not allowed here")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def _project(folder: Path) -> Path:
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    for name in ("docs", "reports"):
        shutil.copytree(REPO / name, folder / name)
    return folder


def _run(cwd: Path, *args: str, module: str = "reform_archive") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=600)


def _one_error_line(run: subprocess.CompletedProcess, *fragments: str) -> None:
    assert run.returncode == 1, (run.returncode, run.stderr[-3000:])
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    errors = [line for line in run.stderr.splitlines() if line.lower().startswith("error")]
    assert errors and all(f in errors[0] for f in fragments), run.stderr[-3000:]


def test_build_into_a_read_only_folder(tmp_path, read_only_folder):
    (tmp_path / "p").mkdir()
    project = _project(tmp_path / "p")
    out = read_only_folder / "site"
    _one_error_line(_run(project, "build", "--out", str(out)), str(out), "cannot write")
    _one_error_line(_run(project, "build", "--site-dir", str(out), module="mkdocs"), str(out), "cannot write")


def test_build_onto_a_full_disk(tmp_path, full_disk):
    (tmp_path / "p").mkdir()
    project = _project(tmp_path / "p")
    run = _run(project, "build", "--out", str(full_disk / "site"))
    _one_error_line(run, str(full_disk), "No space left on device")


def test_import_into_a_read_only_folder(read_only_folder):
    run = _run(read_only_folder.parent, "import", str(SEED), "--out", str(read_only_folder / "reports"))
    _one_error_line(run, str(read_only_folder / "reports"), "cannot write")


def test_import_onto_a_full_disk(full_disk):
    run = _run(full_disk.parent, "import", str(SEED), "--out", str(full_disk / "reports"))
    _one_error_line(run, str(full_disk / "reports"), "No space left on device")
    for report in (full_disk / "reports").glob("*.md"):  # what was written is whole
        assert report.read_text(encoding="utf-8").rstrip().endswith(("。", "）", "”")), report


def test_a_broken_docx_is_a_failure_naming_it_and_the_rest_is_imported(tmp_path):
    broken = tmp_path / "坏文件.docx"
    with zipfile.ZipFile(FIXTURES / "hunan_2026_report.docx") as good, zipfile.ZipFile(broken, "w") as bad:
        for item in good.infolist():
            data = good.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut off mid-element: lxml's XMLSyntaxError
            bad.writestr(item, data)
    run = _run(tmp_path, "import", str(broken), str(SEED), "--out", str(tmp_path / "reports"))
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    failed = [line for line in run.stderr.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and str(broken) in failed[0], run.stderr
    assert "not a readable .docx file (XMLSyntaxError" in failed[0], failed
    assert "8 imported" in run.stdout
