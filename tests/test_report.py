"""Front-matter validation: every bad input names the file and the line."""

import os

import pytest

from reform_archive.report import Report, coerce_year, parse_report, read_report

GOOD = "---\ntitle: 标题\nyear: 2006\nregion: 湖南省\ntopic: [机构编制]\n---\n\n正文。\n"


def _problems(text: str) -> list[str]:
    return [str(p) for p in parse_report(text, "reports/x.md").problems]


def test_a_good_report_has_no_problems():
    parsed = parse_report(GOOD, "reports/x.md")
    assert parsed.problems == []
    assert parsed.report.year == 2006 and parsed.report.topics == ["机构编制"]


@pytest.mark.parametrize("text, expected", [
    ("", "reports/x.md: error: empty file"),
    ("正文，没有头信息。\n", "reports/x.md:1: error: no front matter"),
    ("---\ntitle: 标题\n正文\n", "reports/x.md:1: error: front matter is not closed"),
    ("---\ntitle: [未闭合\nyear: 2006\n---\n正文\n", "reports/x.md:3: error: malformed YAML"),
    ("---\nyear: 2006\n---\n正文\n", "reports/x.md:1: error: missing or empty `title`"),
    ("---\ntitle: ''\n---\n正文\n", "reports/x.md:2: error: missing or empty `title`"),
    ("---\ntitle: 标题\nyear: 06\n---\n正文\n", "reports/x.md:3: error: `year` 6 is not a year"),
    ("---\ntitle: 标题\nyear: [2005, 2006]\n---\n正文\n", "reports/x.md:3: error: `year`"),
    ("---\ntitle: 标题\ntopic: {a: 1}\n---\n正文\n", "reports/x.md:3: error: `topic` must be a list"),
    ("---\ntitle: 标题\nauthor: 某人\n---\n正文\n", "reports/x.md:3: warning: unknown field `author`"),
    ("---\ntitle: 标题\ntopic: [不存在的主题]\n---\n正文\n", "reports/x.md:3: warning: topic '不存在的主题'"),
    ("---\ntitle: 标题\n---\n", "reports/x.md: warning: the report has no text"),
    ("---\n- a\n- b\n---\n正文\n", "reports/x.md:2: error: front matter must be a mapping"),
])
def test_bad_front_matter_is_reported_with_file_and_line(text, expected):
    problems = _problems(text)
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize("value, year", [
    (2006, 2006), ("2006", 2006), ("2006年", 2006), ("二〇〇六年", 2006), ("二〇〇六", 2006),
    (None, None), ("", None), (__import__("datetime").date(2006, 5, 1), 2006),
])
def test_clear_year_spellings_are_normalised(value, year):
    assert coerce_year(value) == (year, "")


@pytest.mark.parametrize("value", ["06", 6, 3000, "2006-2007", [2006], True, "去年"])
def test_unclear_years_are_errors(value):
    year, message = coerce_year(value)
    assert year is None and message


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "r.md"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    parsed = read_report(path)
    assert parsed.problems == [] and parsed.report.title == "标题"


def test_non_utf8_and_binary_files_are_errors_naming_the_file(tmp_path):
    gbk = tmp_path / "gbk.md"
    gbk.write_bytes(GOOD.encode("gbk"))
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    assert "not UTF-8" in str(read_report(gbk).problems[0])
    assert str(read_report(binary).problems[0]).startswith(f"{binary}: error: binary file")


def test_writing_then_reading_gives_back_the_same_report():
    report = Report(title="标题: 带冒号 & <符号>", body="## 一、情况\n\n正文。\n", year=2006,
                    region="湖南省常德市石门县", topics=["机构编制"], keywords=["编制"],
                    source={"file": "a.txt", "section": "篇1"})
    back = parse_report(report.to_markdown(), "x.md").report
    assert (back.title, back.year, back.region, back.topics, back.keywords, back.source, back.body) == (
        report.title, report.year, report.region, report.topics, report.keywords, report.source,
        report.body)


def test_check_lists_every_problem_and_exits_1(tmp_path):
    import subprocess
    import sys

    (tmp_path / "a.md").write_text("---\ntitle: 甲\nyear: 06\n---\n\n正文。\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: [乙\n---\n\n正文。\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("---\ntitle: 丙\nauthor: 某\n---\n\n正文。\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "reform_archive", "check", str(tmp_path)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "a.md:3: error: `year`" in run.stderr
    assert "b.md:2: error: malformed YAML" in run.stderr or "b.md:3: error: malformed YAML" in run.stderr
    assert "c.md:3: warning: unknown field `author`" in run.stdout
    assert "2 error(s), 1 warning(s)" in run.stdout


@pytest.mark.parametrize("text, expected", [
    ("---\ntitle: 标题\nregion: 火星省\n---\n\n正文。\n", "reports/x.md:3: warning: region '火星省'"),
    ("---\ntitle: 标题\nregion: 石门县\n---\n\n正文。\n", "reports/x.md:3: warning: region '石门县'"),
    ("---\ntitle: " + "长" * 300 + "\n---\n\n正文。\n", "reports/x.md:2: warning: title is 300 characters"),
])
def test_questionable_values_are_warnings(text, expected):
    problems = _problems(text)
    assert any(p.startswith(expected) for p in problems), problems
    assert parse_report(text, "reports/x.md").report is not None  # still built


def test_known_region_paths_are_accepted():
    for region in ("湖南省常德市石门县", "湖南省常德市", "上海市", "江西省上饶市广丰区"):
        assert _problems(f"---\ntitle: 标题\nregion: {region}\n---\n\n正文。\n") == []


def test_a_huge_file_is_refused_with_its_size(tmp_path):
    path = tmp_path / "huge.md"
    path.write_bytes(b"---\ntitle: big\n---\n\n" + "字".encode("utf-8") * (50 * 1024 * 1024 // 3))
    problems = read_report(path).problems
    assert len(problems) == 1 and "file is 50 MB" in str(problems[0]) and str(problems[0]).startswith(str(path))


@pytest.mark.parametrize("title", ["../../etc/passwd", "a/b\\c", "😀😀", "..", "标题" * 150, "CON", "\x00\x1f"])
def test_slugs_never_leave_their_folder(title):
    from reform_archive.slug import slugify

    slug = slugify(title)
    assert slug and "/" not in slug and "\\" not in slug and ".." not in slug
    assert not slug.startswith(".") and len(slug) <= 60
    assert all(c.isprintable() for c in slug)


# --- bounded cost: every front matter is read in time and memory its size says -----------------

def _alias_bomb(key: str, levels: int = 9) -> str:
    """A "billion laughs": nine lines of ten aliases each stand for 10^9 values."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "---\ntitle: 报告\n" + "\n".join(lines) + f"\n{key}: *a{levels - 1}\n---\n\n正文。\n"


@pytest.mark.parametrize("key", ["source", "date", "summary", "keywords", "title"])
def test_an_alias_bomb_is_refused_with_a_message(key):
    problems = _problems(_alias_bomb(key))
    assert any("error: front matter too complex: more than 10,000 values (aliases expanded)" in p
               for p in problems), problems


def test_an_alias_of_a_value_that_holds_it_is_refused():
    problems = _problems("---\ntitle: 报告\nsource: &s {note: *s}\n---\n\n正文。\n")
    assert problems == ["reports/x.md:3: error: front matter too complex: the alias *s refers to a "
                        "value that contains it (or to no value) / YAML 过于复杂"]


def test_aliases_that_expand_to_little_are_fine():
    parsed = parse_report("---\ntitle: &t 标题\nsummary: *t\nkeywords: &k [编制]\n---\n\n正文。\n", "x.md")
    assert parsed.problems == [] and parsed.report.summary == "标题"


@pytest.mark.parametrize("value", ["[" * 40_000, "[" * 40_000 + "]" * 40_000, "{a: " * 30 + "1" + "}" * 30])
def test_deep_nesting_is_refused_with_a_message(value):
    assert _problems(f"---\ntitle: 报告\nkeywords: {value}\n---\n\n正文。\n") == [
        "reports/x.md:3: error: front matter too complex: lists or mappings nested more than 20 "
        "levels deep / YAML 过于复杂"]


def test_a_key_given_twice_is_a_warning_naming_both_lines_and_the_last_is_used():
    parsed = parse_report("---\ntitle: 第一个\nyear: 2006\ntitle: 第二个\nsource:\n  note: a\n  note: b\n---\n\n正文。\n",
                          "reports/x.md")
    assert [str(p) for p in parsed.problems] == [
        "reports/x.md:4: warning: duplicate key `title` (first on line 2); the last one is used "
        "/ 字段重复，以最后一个为准",
        "reports/x.md:7: warning: duplicate key `note` (first on line 6); the last one is used "
        "/ 字段重复，以最后一个为准"]
    assert parsed.report.title == "第二个" and parsed.report.source == {"note": "b"}


def test_only_regular_files_are_read(tmp_path):
    import os

    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)
    parsed = read_report(fifo, label="reports/x.md")  # returns at once: it never opens the FIFO to read
    assert [str(p) for p in parsed.problems] == [
        "reports/x.md: error: not a regular file but a FIFO (named pipe); a report is a text file. "
        "Remove it / 不是普通文件，无法作为报告读取"]
    folder = tmp_path / "y.md"
    folder.mkdir()
    assert "not a regular file but a folder" in str(read_report(folder).problems[0])


def test_a_report_parsed_before_comes_back_as_parsed_and_only_changed_bytes_are_parsed_again(tmp_path):
    from reform_archive.parsed_reports import ParsedReports
    from reform_archive.report import parse_report_bytes, text_digest

    files = {
        "a.md": "---\ntitle: 甲\nyear: 2006\nregion: 湖南省\ntopic: [机构编制]\nsource: {site: 某网}\n---\n\n正文甲。\r\n第二段。\n",
        "b.md": "\ufeff---\ntitle: 乙\nyear: 2030\ntitle: 乙二\n---\n正文乙。\n",   # warnings and an error
        "c.md": "---\ntitle: [未闭合\n---\n\n正文。\n",                                # malformed YAML
    }
    raws = {name: text.encode("utf-8") for name, text in files.items()}
    first = ParsedReports(tmp_path)
    fresh = {name: parse_report_bytes(raw, name, tmp_path / name) for name, raw in raws.items()}
    results = {name: first.parse(raw, name, tmp_path / name) for name, raw in raws.items()}
    assert {name: parsed for name, (parsed, _) in results.items()} == fresh
    # The body's digest comes with it: the text's, for a report; none without one.
    assert results["a.md"][1] == text_digest(fresh["a.md"].report.body) and results["c.md"][1] == b""
    first.save()
    second = ParsedReports(tmp_path)
    again_results = {name: second.parse(raw, name, tmp_path / name) for name, raw in raws.items()}
    again = {name: parsed for name, (parsed, _) in again_results.items()}
    assert again == fresh and second.parsed == 0
    assert again_results == results
    assert again["a.md"].report.body == "正文甲。\n第二段。\n" and again["a.md"].report.path == tmp_path / "a.md"
    assert fresh["b.md"].problems and fresh["c.md"].report is None   # the cases above are what they claim
    # Other bytes, or the same bytes under another name (problems carry it): parsed again.
    edited = raws["a.md"].replace("正文甲".encode(), "正文丙".encode())
    assert second.parse(edited, "a.md", None)[0].report.body.startswith("正文丙")
    assert second.parse(raws["b.md"], "other/b.md", None)[0].problems[0].file == "other/b.md"
    assert second.parsed == 2


def _write_reports(folder, files):
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_a_file_whose_stat_is_recorded_is_not_read_and_its_body_is_checked_when_read(tmp_path):
    from reform_archive.parsed_reports import ParsedReports, ReportChanged
    from reform_archive.report import read_report, text_digest

    reports = tmp_path / "reports"
    reports.mkdir()
    _write_reports(reports, {
        "a.md": "---\ntitle: 甲\nyear: 2006\nregion: 湖南省\n---\n\n正文甲。\n",
        "b.md": "---\ntitle: 乙\nyear: 2007\n---\n\n正文乙。\r\n第二段。\n",
    })
    cache = tmp_path / "cache"
    first = ParsedReports(cache, recent_ns=0)
    results = {name: first.read(reports / name, name) for name in ("a.md", "b.md")}
    first.save()
    second = ParsedReports(cache, recent_ns=0)
    again = {name: second.read(reports / name, name) for name in ("a.md", "b.md")}
    for name, (parsed, digest) in again.items():
        fresh = read_report(reports / name, label=name)
        assert parsed == fresh and parsed.report.body == fresh.report.body and parsed.report.path == reports / name
        assert digest == results[name][1] == text_digest(fresh.report.body)
    assert second.parsed == 0
    # Not read at `read`: a file edited (same size) after it is read the body of that build
    # fails, naming it, instead of a body that is not the file's.
    lazy = second.read(reports / "a.md", "a.md")[0].report
    (reports / "a.md").write_text("---\ntitle: 甲\nyear: 2006\nregion: 湖南省\n---\n\n正文丙。\n", encoding="utf-8")
    with pytest.raises(ReportChanged, match="a.md"):
        lazy.body
    # Edited with its modification time set back (as `touch -d`, rsync -t): its change time
    # differs, so it is read, and its new text is what the next build has.
    second.save()
    old = (reports / "b.md").stat()
    (reports / "b.md").write_text("---\ntitle: 乙\nyear: 2007\n---\n\n正文丁。\r\n第二段。\n", encoding="utf-8")
    os.utime(reports / "b.md", ns=(old.st_atime_ns, old.st_mtime_ns))
    assert (reports / "b.md").stat().st_size == old.st_size
    third = ParsedReports(cache, recent_ns=0)
    assert third.read(reports / "b.md", "b.md")[0].report.body.startswith("正文丁")
    # A file changed just before it is read is read again the next time (no stat recorded).
    fourth = ParsedReports(cache)
    fourth.read(reports / "a.md", "a.md")
    fourth.save()
    fifth = ParsedReports(cache)
    assert "_source" not in fifth.read(reports / "a.md", "a.md")[0].report.__dict__


def test_an_archive_read_from_recorded_stats_is_the_archive_read_afresh(seed_reports_dir, tmp_path):
    import shutil
    import time

    from reform_archive.archive import load_archive

    reports = tmp_path / "reports"
    shutil.copytree(seed_reports_dir, reports)
    past = time.time() - 3600   # changed long before: stats are recorded
    for path in reports.rglob("*"):
        os.utime(path, (past, past))
    time.sleep(3.1)   # their change time (now) older than RECENT_NS too
    fresh = load_archive(reports, label_root=tmp_path)
    load_archive(reports, label_root=tmp_path, cache_dir=tmp_path / "cache")
    again = load_archive(reports, label_root=tmp_path, cache_dir=tmp_path / "cache")
    assert [(r.key, r.report, r.digest, r.duplicate_of and r.duplicate_of.key) for r in again.reports] == \
        [(r.key, r.report, r.digest, r.duplicate_of and r.duplicate_of.key) for r in fresh.reports]
    assert [str(p) for p in again.problems] == [str(p) for p in fresh.problems]


def test_report_files_are_the_md_files_outside_left_out_folders_as_rglob_finds_them(tmp_path):
    root = tmp_path / "reports"
    for rel in ("a.md", "a-b.md", "a/b.md", "a/c/d.md", "b.txt", "_sources/x.md", "_sources/y/z.md",
                ".hidden.md", "x/.git/e.md", "x/_drafts/f.md", "x/g.md", "Z.md", "中文/报告.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (root / "folder.md").mkdir()                         # a folder named like a report: listed
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.md").write_text("x", encoding="utf-8")
    (root / "linked").symlink_to(tmp_path / "outside")   # not entered, as rglob does not
    (root / "link.md").symlink_to(root / "a.md")
    # rglob's answer, filtered by the rule (the way the archive listed its files before).
    expected = [p for p in sorted(root.rglob("*.md"))
                if not any(part.startswith(("_", ".")) for part in p.relative_to(root).parts)]
    from reform_archive.report import report_files

    assert report_files(root) == expected
    assert root / "a" / "b.md" in expected and root / "folder.md" in expected
    assert not any("_sources" in str(p) or "outside" in str(p) or "linked" in str(p) for p in expected)
