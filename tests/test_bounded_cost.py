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


def _report(title: str, body: str) -> str:
    return f"---\ntitle: {title}\nyear: 2006\nregion: 湖南省\n---\n\n开头一段。\n\n{body}\n"


# Python-Markdown's link and image parsing is quadratic on these: 36 s and 47 s to render.
LINKS = _report("链接", "[a](" * 40_000)
IMAGES = _report("图片", "![" * 20_000)
COSTLY = "error: too costly to render: the brackets left open in the paragraph from line 9"


def test_bodies_that_make_link_parsing_quadratic_are_refused_before_rendering(tmp_path):
    project = _project(tmp_path, "links.md", LINKS)
    (project / "reports" / "images.md").write_text(IMAGES, encoding="utf-8")
    run = _run(project, "build")
    _assert_message(run, f"reports/links.md:9: {COSTLY}")
    assert f"reports/images.md:9: {COSTLY}" in run.stderr
    checked = _run(project, "check", "reports")
    _assert_message(checked, f"reports/links.md:9: {COSTLY}")


def test_with_keep_going_a_costly_report_is_left_out_and_the_rest_builds(tmp_path):
    project = _project(tmp_path, "links.md", LINKS)
    (project / "reports" / "images.md").write_text(IMAGES, encoding="utf-8")
    run = _run(project, "build", "--keep-going")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    assert "left out of the site because of errors / 以下报告因错误未收录: reports/images.md, reports/links.md" in run.stderr
    pages = {p.parent.name for p in (project / "site" / "reports").rglob("index.html")}
    assert "links" not in pages and "images" not in pages
    assert len(pages) >= 7, pages  # the repository's reports (less a merged duplicate)


def test_the_cost_check_takes_linear_time_and_passes_ordinary_markdown():
    """10 MB of `[` is counted as fast as it is read; many closed links, escaped brackets and
    the repository's reports cost nothing to speak of."""
    code = ("from pathlib import Path\n"
            "from reform_archive.render_cost import MAX_SCAN_STEPS, markdown_cost\n"
            "assert markdown_cost('[' * 10_000_000)[0] > MAX_SCAN_STEPS\n"
            "assert markdown_cost('(' * 5_000_000 + ')' * 5_000_000)[0] == 0\n"
            "assert markdown_cost('[a](b) ' * 40_000)[0] < MAX_SCAN_STEPS / 10\n"
            "assert markdown_cost(''.join(f'- [第{i}条](https://e.org/{i})\\n' for i in range(5000)))[0] < MAX_SCAN_STEPS / 10\n"
            "assert markdown_cost('\\\\[a\\\\](' * 40_000)[0] == 0\n"
            "for p in Path('reports').glob('*.md'):\n"
            "    assert markdown_cost(p.read_text(encoding='utf-8'))[0] == 0, p\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
