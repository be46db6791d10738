import subprocess
import sys
from pathlib import Path

import pytest

from reform_archive.ingest.formats import SourceError, read_source_text
from reform_archive.ingest.importer import ImportConflict, import_sources, write_atomically
from reform_archive.report import read_report

from ..conftest import SEED, assert_golden


def _reports(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md"))


def test_seed_imports_as_eight_reports_matching_the_golden_files(seed_reports_dir):
    files = _reports(seed_reports_dir)
    assert len(files) == 8
    by_section = {}
    for path in files:
        report = read_report(path).report
        by_section[report.source["section"]] = (path.name, path.read_text(encoding="utf-8"))
    for n in range(1, 9):
        name, text = by_section[f"乡镇办公室科员工作篇{n}"]
        assert_golden(f"import/{n}.md", f"<!-- file: {name} -->\n{text}")


def test_imported_reports_validate_cleanly(seed_reports_dir):
    for path in _reports(seed_reports_dir):
        parsed = read_report(path)
        assert parsed.report is not None and not parsed.problems, (path, parsed.problems)


def test_raw_page_is_kept_for_provenance(seed_reports_dir):
    assert (seed_reports_dir / "_sources" / SEED.name).read_bytes() == SEED.read_bytes()


def test_reimporting_the_same_page_changes_nothing(tmp_path):
    first = import_sources([SEED], tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    second = import_sources([SEED], tmp_path)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert len(first.written) == 8
    assert second.written == [] and len(second.skipped) == 8
    assert before == after


def test_hand_edited_reports_survive_a_reimport(tmp_path):
    import_sources([SEED], tmp_path)
    edited = _reports(tmp_path)[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: 改过的"), encoding="utf-8")
    content = edited.read_bytes()
    import_sources([SEED], tmp_path)
    assert edited.read_bytes() == content


def test_never_overwrites_another_report_and_names_the_file(tmp_path):
    import_sources([SEED], tmp_path)
    victim = tmp_path / "石门县乡镇医院基本情况.md"
    assert victim.exists()
    victim.write_text("---\ntitle: 别的报告\n---\n\n别的内容。\n", encoding="utf-8")
    for path in _reports(tmp_path):
        if path != victim:
            path.unlink()
    with pytest.raises(ImportConflict, match="石门县乡镇医院基本情况.md"):
        import_sources([SEED], tmp_path)
    assert victim.read_text(encoding="utf-8") == "---\ntitle: 别的报告\n---\n\n别的内容。\n"
    # Nothing was half imported: the conflict is found before any file is written.
    assert _reports(tmp_path) == [victim]


def test_force_overwrites(tmp_path):
    import_sources([SEED], tmp_path)
    target = tmp_path / "石门县乡镇医院基本情况.md"
    original = target.read_bytes()
    target.write_text(target.read_text(encoding="utf-8").replace("石门县辖19个", "石门县辖X个"), encoding="utf-8")
    result = import_sources([SEED], tmp_path, force=True)
    assert len(result.written) == 8
    assert target.read_bytes() == original


def test_gbk_and_utf16_pages_are_detected(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("\u2003", " ")  # an em space GBK lacks
    for encoding in ("gbk", "gb18030", "utf-16"):
        source = tmp_path / f"page-{encoding}.txt"
        source.write_bytes(text.encode(encoding))
        decoded = read_source_text(source)
        assert decoded.text == text, encoding
    short = tmp_path / "short.txt"
    short.write_bytes("石门县乡镇卫生院编制调研报告".encode("gbk"))
    assert read_source_text(short).text == "石门县乡镇卫生院编制调研报告"


def test_unreadable_sources_fail_with_the_file_name(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01\xff\xfe" * 100)
    for path in (empty, binary):
        with pytest.raises(SourceError, match=path.name):
            read_source_text(path)
    result = import_sources([empty, SEED], tmp_path / "out")
    assert [p for p, _ in result.failed] == [empty]
    assert len(result.written) == 8


def test_atomic_write_never_replaces_without_overwrite(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_atomically(target, "new", overwrite=False)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]  # no temporary file left behind


def test_cli_import_then_check(tmp_path):
    out = tmp_path / "reports"
    run = subprocess.run([sys.executable, "-m", "reform_archive", "import", str(SEED), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "8 imported" in run.stdout
    again = subprocess.run([sys.executable, "-m", "reform_archive", "import", str(SEED), "--out", str(out)],
                           capture_output=True, text=True)
    assert "0 imported, 8 already present" in again.stdout
    check = subprocess.run([sys.executable, "-m", "reform_archive", "check", str(out)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "7 shown" in check.stdout


def test_an_import_killed_midway_leaves_no_report_behind(tmp_path):
    """Kill a real import process while it writes; what it leaves is only ever whole reports
    (plus hidden temporaries, which the next import clears and the build ignores)."""
    import signal
    import time

    out = tmp_path / "reports"
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "import reform_archive.ingest.importer as imp\n"
            "real = imp.os.link\n"
            "def slow_link(a, b):\n"
            "    Path(sys.argv[2]).write_text('ready')\n"
            "    time.sleep(30)\n"
            "imp.os.link = slow_link\n"
            "imp.import_sources([Path(sys.argv[1])], Path(sys.argv[3]))\n")
    marker = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", code, str(SEED), str(marker), str(out)])
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert marker.exists()
    assert list(out.glob("*.md")) == []            # no partial report
    # The temporary it was writing: the raw page's copy, which comes before the reports.
    assert list(out.rglob(".import-*.tmp"))
    result = import_sources([SEED], out)            # the next import completes and cleans up
    assert len(result.written) == 8 and not list(out.rglob(".import-*.tmp"))
    assert (out / "_sources" / SEED.name).read_bytes() == SEED.read_bytes()


FIXTURE_PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "hunan_2026_page.txt"


def _import(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reform_archive", "import", *args],
                          capture_output=True, text=True)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_two_pages_of_one_name_holding_different_articles_are_both_imported(tmp_path):
    """`import a b` with a/page.txt and b/page.txt: an article is known by its text, not by the
    name of its page, and the two raw pages are both kept."""
    for folder, page in (("a", SEED), ("b", FIXTURE_PAGE)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_bytes(page.read_bytes())
    out = tmp_path / "reports"
    run = _import(str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert "9 imported, 0 already present" in run.stdout, run.stdout
    copies = {p.name: p.read_bytes() for p in (out / "_sources").iterdir()}
    assert sorted(copies.values()) == sorted([SEED.read_bytes(), FIXTURE_PAGE.read_bytes()])
    assert "page.txt" in copies
    for path in _reports(out):
        source = read_report(path).report.source
        page = SEED if source.get("section") else FIXTURE_PAGE
        assert copies[source["file"]] == page.read_bytes(), (path, source)
    before = _files(out)
    again = _import(str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out))
    assert "0 imported, 9 already present" in again.stdout, again.stdout
    assert _files(out) == before


def test_a_page_saved_again_under_another_name_is_already_imported(tmp_path):
    out = tmp_path / "reports"
    import_sources([SEED], out)
    renamed = tmp_path / "另存为.txt"
    renamed.write_bytes(SEED.read_bytes())
    before = _files(out)
    result = import_sources([renamed], out)
    assert result.written == [] and len(result.skipped) == 8
    assert _files(out) == before


def test_an_import_killed_after_the_raw_page_and_before_the_reports_is_completed(tmp_path):
    """SIGKILL between the copy of the raw page and the first report: the copy is whole, no
    report cites a missing page, and the next import writes the reports."""
    import signal
    import time

    out = tmp_path / "reports"
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "import reform_archive.ingest.importer as imp\n"
            "real = imp.os.link\n"
            "def link(a, b):\n"
            "    if Path(b).parent.name != '_sources':\n"
            "        Path(sys.argv[2]).write_text('ready')\n"
            "        time.sleep(30)\n"
            "    real(a, b)\n"
            "imp.os.link = link\n"
            "imp.import_sources([Path(sys.argv[1])], Path(sys.argv[3]))\n")
    marker = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", code, str(SEED), str(marker), str(out)])
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert marker.exists()
    assert list(out.glob("*.md")) == []
    assert (out / "_sources" / SEED.name).read_bytes() == SEED.read_bytes()
    result = import_sources([SEED], out)
    assert len(result.written) == 8
    assert [p.name for p in (out / "_sources").iterdir()] == [SEED.name]


def test_reports_left_without_their_raw_page_get_it_back_on_the_next_import(tmp_path):
    """The state an import killed between its reports and the raw page's copy left (the order
    before issue 17): the reports are there, `_sources/` is not. Re-importing restores it."""
    out = tmp_path / "reports"
    import_sources([SEED], out)
    reports = {p: p.read_bytes() for p in _reports(out)}
    (out / "_sources" / SEED.name).unlink()
    result = import_sources([SEED], out)
    assert result.written == [] and len(result.skipped) == 8
    assert (out / "_sources" / SEED.name).read_bytes() == SEED.read_bytes()
    assert {p: p.read_bytes() for p in _reports(out)} == reports


def test_a_hidden_file_is_no_report_for_the_importer_either(tmp_path):
    """The build skips hidden files; the importer must not take one for the report of an
    article (it once said "already imported" and wrote nothing the site would show)."""
    first = tmp_path / "first"
    import_sources([FIXTURE_PAGE], first)
    written = sorted(p for p in first.glob("*.md"))
    assert len(written) == 1
    out = tmp_path / "reports"
    out.mkdir()
    (out / ".draft.md").write_bytes(written[0].read_bytes())
    result = import_sources([FIXTURE_PAGE], out)
    assert len(result.written) == 1 and not result.skipped
    assert sorted(p.name for p in out.glob("*.md")) == sorted([".draft.md", written[0].name])




WILD = Path(__file__).resolve().parents[1] / "fixtures" / "wild"
CONSTRUCTED = Path(__file__).resolve().parents[1] / "fixtures" / "constructed"


def test_cli_import_refuses_what_is_not_an_article_and_imports_the_rest(tmp_path):
    """A link list and a Japanese page among real pages: each refused with a message naming
    it, the others imported, and the command exits 1 (before: a report titled 热门文章)."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for source in (CONSTRUCTED / "c21_refuse_link_list.txt", CONSTRUCTED / "c22_refuse_japanese.txt",
                   WILD / "03_prov_dept_deqing_investment.txt", CONSTRUCTED / "c03_fanwen_intro.txt"):
        (pages / source.name).write_bytes(source.read_bytes())
    out = tmp_path / "reports"
    run = subprocess.run([sys.executable, "-m", "reform_archive", "import", str(pages), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert "c21_refuse_link_list.txt: no article text" in run.stderr
    assert "c22_refuse_japanese.txt: not a Chinese text" in run.stderr
    assert "4 imported" in run.stdout and "2 failed" in run.stdout
    titles = sorted(read_report(p).report.title for p in out.glob("*.md"))
    assert titles == sorted(["1-10月德清县固定资产投资结构趋稳趋优", "清河镇2021年政府工作报告",
                             "关于乡镇财政管理体制改革的报告", "镇人民代表大会工作总结"])
    check = subprocess.run([sys.executable, "-m", "reform_archive", "check", str(out)],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "title '" not in check.stdout  # no title looks like chrome


def test_check_warns_about_titles_that_look_like_chrome_or_a_sentence(tmp_path):
    """What the importer used to write (`登录`, a breadcrumb, a first sentence) is flagged with
    the file and the line of its title; a good title is not."""
    cases = {
        "a.md": "现在位置： 首页 >> 东区新闻 >> 正文",
        "b.md": "登录",
        "c.md": "上海市N区在2007年下半年开展了乡镇机构改革，取得了很大的成效，政府职能得到了调整，机构设置得到了规范。",
        "d.md": "| 2023年10月11日 星期三",
        "e.md": "close",
        "ok.md": "农机专家李金泽：为农机行业搭建现代化信息平台",
    }
    for name, title in cases.items():
        (tmp_path / name).write_text(f"---\ntitle: '{title}'\n---\n\n正文。\n", encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "reform_archive", "check", str(tmp_path)],
                           capture_output=True, text=True)
    warned = {line.split(":")[0].rsplit("/", 1)[-1] for line in check.stdout.splitlines() if ": warning: title '" in line}
    assert warned == {"a.md", "b.md", "c.md", "d.md", "e.md"}, check.stdout
    assert f"{tmp_path / 'b.md'}:2: warning:" in check.stdout


def test_written_files_follow_the_umask(tmp_path):
    """Before: every report and raw page was 0600, whatever the umask (mkstemp's mode)."""
    code = ("import os, sys\nfrom pathlib import Path\nos.umask(0o027)\n"
            "from reform_archive.ingest.importer import import_sources\n"
            "import_sources([Path(sys.argv[1])], Path(sys.argv[2]))\n")
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-c", code, str(SEED), str(out)], check=True, capture_output=True)
    modes = {oct(p.stat().st_mode & 0o777) for p in out.rglob("*") if p.is_file()}
    assert modes == {"0o640"}
