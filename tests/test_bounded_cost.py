"""Hostile input costs what its size says: `check`, `build` and `import` answer with a message,
never a segfault, a MemoryError after a minute, or a hang.

Each runs as a real command in a child process with a time limit and a memory cap, so a
regression shows as a failed test, not as a stuck or killed test run. The limits are far above
what the commands take (well under a second of work each): they catch hangs and blow-ups, they
do not measure speed (benchmarks do that).
"""

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
LIMIT_SECONDS = 120
MEMORY_CAP = 3 * 1024 ** 3  # the alias bomb once took 3 GB before failing


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reform_archive", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=LIMIT_SECONDS, preexec_fn=_capped)


def _project(tmp_path: Path, name: str, text: str | None = None) -> Path:
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    shutil.copytree(REPO / "reports", tmp_path / "reports")
    if text is not None:
        (tmp_path / "reports" / name).write_text(text, encoding="utf-8")
    return tmp_path


def _assert_message(run: subprocess.CompletedProcess, expected: str) -> None:
    assert run.returncode == 1, (run.returncode, run.stderr[-2000:])  # not -11 (SIGSEGV)
    assert expected in run.stderr, run.stderr[-2000:]
    assert "Traceback" not in run.stderr, run.stderr[-2000:]


NESTED = "---\ntitle: 嵌套\nkeywords: " + "[" * 40_000 + "\n---\n\n正文。\n"
BOMB = ("---\ntitle: 炸弹\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
        + "summary: *a8\nsource: *a8\n---\n\n正文。\n")


@pytest.mark.parametrize("command", ["check", "build"])
def test_40000_nested_brackets_in_front_matter_give_a_message(tmp_path, command):
    project = _project(tmp_path, "nested.md", NESTED)
    run = _run(project, command, *(["reports"] if command == "check" else []))
    _assert_message(run, "reports/nested.md:3: error: front matter too complex: lists or mappings "
                         "nested more than 20 levels deep")


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_alias_bomb_in_front_matter_gives_a_message(tmp_path, command):
    project = _project(tmp_path, "bomb.md", BOMB)
    run = _run(project, command, *(["reports"] if command == "check" else []))
    _assert_message(run, "reports/bomb.md:6: error: front matter too complex: more than 10,000 values")


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_fifo_named_like_a_report_is_refused_not_waited_for(tmp_path, command):
    project = _project(tmp_path, "x.md")
    os.mkfifo(project / "reports" / "x.md")
    run = _run(project, command, *(["reports"] if command == "check" else []))
    _assert_message(run, "reports/x.md: error: not a regular file but a FIFO (named pipe)")


def test_a_fifo_given_to_import_is_refused_not_waited_for(tmp_path):
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)
    run = _run(tmp_path, "import", str(fifo), "--out", str(tmp_path / "reports"))
    _assert_message(run, f"{fifo}: not a regular file but a FIFO (named pipe)")


def test_bracket_conversion_takes_linear_time():
    """128 KB of nested Latin brackets: the conversion was quadratic (32 KB took 12 s, so this
    took minutes); the text comes out as it went in (no Chinese inside or beside them)."""
    code = ("from reform_archive.ingest.clean import normalize_punctuation\n"
            "text = '(' * 65536 + ')' * 65536\n"
            "assert normalize_punctuation(text) == text\n"
            "text = '中' + '(' * 65536 + ')' * 65536\n"
            "assert normalize_punctuation(text) == '中（' + '(' * 65535 + ')' * 65535 + '）'\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
