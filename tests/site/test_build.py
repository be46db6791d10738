"""A real `mkdocs build` of a copy of the project, through the CLI and through mkdocs itself."""

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import search_texts

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _build(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reform_archive", "build", *args], cwd=project,
                          capture_output=True, text=True, env=ENV)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from ..conftest import REPO
    import shutil

    project = tmp_path_factory.mktemp("project")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "docs", project / "docs")
    shutil.copytree(REPO / "reports", project / "reports")
    run = _build(project)
    assert run.returncode == 0, run.stderr
    return project / "site"


def test_every_shown_report_has_its_page(built):
    pages = sorted(p.parent.relative_to(built).as_posix() for p in (built / "reports").rglob("index.html"))
    # 7 reports shown, and the hidden copy's own URL, a page that leads to the one shown
    assert len(pages) == 8
    assert all(re.fullmatch(r"reports/(\d{4}|未知)/[^/]+", p) for p in pages)
    redirect = (built / "reports/2006/编办的改革试点工作总结-2/index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=../编办的改革试点工作总结/"' in redirect


def test_index_pages_exist(built):
    for page in ("index.html", "topics/index.html", "years/index.html", "regions/index.html",
                 "topics/医疗卫生/index.html", "years/2006/index.html", "regions/湖南省/index.html"):
        assert (built / page).is_file(), page


def test_catalogue_export(built):
    records = json.loads((built / "data" / "reports.json").read_text(encoding="utf-8"))
    assert len(records) == 8
    assert set(records[0]) >= {"title", "year", "region", "topic", "keywords", "url", "source",
                               "source_url", "duplicate_of"}
    duplicates = [r for r in records if r["duplicate_of"]]
    assert len(duplicates) == 1
    kept_urls = {r["url"] for r in records if not r["duplicate_of"]}
    assert duplicates[0]["duplicate_of"] in kept_urls
    for record in records:
        page = built / record["url"].strip("/") / "index.html"
        assert page.is_file(), record["url"]
    with open(built / "data" / "reports.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8 and rows[0]["title"]


def test_no_request_leaves_the_site(built):
    """No web fonts, CDN scripts or stylesheets: the site works on an intranet."""
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        external = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(https?:)?//[^"]+"', html)
        assert not external, (page, external)
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_reports_are_not_in_the_sidebar(built):
    report_page = next((built / "reports").rglob("index.html"))
    for page in (built / "topics" / "index.html", report_page):
        html = page.read_text(encoding="utf-8")
        sidebar = html[html.index("md-sidebar--primary"):html.index("md-sidebar--secondary")]
        links = re.findall(r'href="([^"]*)"', sidebar)
        assert not [h for h in links if re.match(r"(\.\./)*reports/", h)], page
        assert any(h.endswith("years/") for h in links) and any(h.endswith("regions/") for h in links)


def test_a_new_report_appears_after_a_rebuild(tmp_path):
    from ..conftest import REPO
    import shutil

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    shutil.copytree(REPO / "reports", tmp_path / "reports")
    (tmp_path / "reports" / "新报告.md").write_text(
        "---\ntitle: 某县编制调研\nyear: 2011\nregion: 湖南省常德市石门县\ntopic: [机构编制]\n---\n\n"
        "蓝鲸乡机构编制调研。\n", encoding="utf-8")
    run = _build(tmp_path)
    assert run.returncode == 0, run.stderr
    site = tmp_path / "site"
    assert (site / "reports" / "2011" / "新报告" / "index.html").is_file()
    for index in ("years/2011", "topics/机构编制", "regions/湖南省"):
        assert "某县编制调研" in (site / index / "index.html").read_text(encoding="utf-8"), index
    texts = search_texts(site)
    assert sum("蓝鲸乡机构编制调研" in t for t in texts) == 1


def test_a_broken_report_stops_the_build_naming_file_and_line(tmp_path):
    from ..conftest import REPO
    import shutil

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "坏.md").write_text("---\ntitle: 坏\nyear: 二〇〇X\n---\n\n正文。\n", encoding="utf-8")
    run = _build(tmp_path)
    assert run.returncode != 0
    assert "reports/坏.md:3: error: `year`" in run.stderr


def test_script_in_a_report_is_not_rendered(tmp_path):
    from ..conftest import REPO
    import shutil

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "xss.md").write_text(
        '---\ntitle: "<script>alert(1)</script>标题"\n---\n\n正文<script>alert(2)</script>'
        '<img src=x onerror="alert(3)"><a href="javascript:alert(4)">链接</a>\n', encoding="utf-8")
    run = _build(tmp_path)
    assert run.returncode == 0, run.stderr
    page = next((tmp_path / "site" / "reports").rglob("index.html")).read_text(encoding="utf-8")
    assert "alert(1)" not in re.sub(r"&lt;script&gt;alert\(1\)&lt;/script&gt;", "", page)
    assert "<script>alert" not in page and "onerror" not in page and "javascript:" not in page


def test_keep_going_builds_the_rest_and_names_what_was_left_out(tmp_path):
    from ..conftest import REPO
    import shutil

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "好.md").write_text("---\ntitle: 好报告\nyear: 2010\n---\n\n正文。\n", encoding="utf-8")
    (reports / "坏.md").write_text("---\ntitle: 坏报告\nyear: 06\n---\n\n正文。\n", encoding="utf-8")
    (reports / "sub").mkdir()
    (reports / "sub" / "好.md").write_text("---\ntitle: 同名\nyear: 2010\n---\n\n另一篇。\n", encoding="utf-8")
    stopped = _build(tmp_path)
    assert stopped.returncode != 0 and "reports/坏.md:3: error" in stopped.stderr
    assert "same page URL /reports/2010/好/" in stopped.stderr
    run = _build(tmp_path, "--keep-going")
    assert run.returncode == 0, run.stderr
    left_out = run.stderr.split("未收录: ")[1].splitlines()[0].split(", ")
    assert sorted(left_out) == sorted(["reports/坏.md", "reports/好.md", "reports/sub/好.md"])
    assert not (tmp_path / "site" / "reports" / "2010" / "好").exists()


def test_the_hand_written_docs_have_no_broken_links_or_anchors(project_copy):
    """MkDocs reports a link to a missing page or anchor at INFO level only; our docs must
    have none (a link to `metadata.md#主题-topics` once pointed at nothing)."""
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project_copy,
                         capture_output=True, text=True, env=ENV)
    assert run.returncode == 0, run.stderr
    log = run.stdout + run.stderr
    problems = [line for line in log.splitlines()
                if "does not contain an anchor" in line or "not found among documentation files" in line
                or "unrecognized relative link" in line]
    assert problems == []


def _project(tmp_path: Path, reports: dict[str, str] | None = None) -> Path:
    """mkdocs.yml and docs/ of the repository, and a reports/ of the given files (the
    repository's own when None)."""
    from ..conftest import REPO
    import shutil

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    if reports is None:
        shutil.copytree(REPO / "reports", tmp_path / "reports")
    else:
        (tmp_path / "reports").mkdir()
        for name, text in reports.items():
            (tmp_path / "reports" / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "reports" / name).write_text(text, encoding="utf-8")
    return tmp_path


EXTERNAL_IMAGE_REPORT = (
    "---\ntitle: 外部图片\nyear: 2010\n---\n\n## 一、概况\n\n正文。![示意图](https://evil.example/x.png)\n\n"
    "## 二、问题\n\n<img src=//evil.example/y.png> 与本站图片 ![本站](x.png)，见[上文](#_1)。\n")


def test_an_external_image_is_a_link_and_a_warning_on_every_build(tmp_path):
    project = _project(tmp_path, {"外图.md": EXTERNAL_IMAGE_REPORT})
    for attempt in ("first build", "rebuild, the page reused from the cache"):
        run = _build(project)
        assert run.returncode == 0, run.stderr
        for url in ("https://evil.example/x.png", "//evil.example/y.png"):
            assert (f"reports/外图.md: image from outside the site not loaded, shown as a link: {url}"
                    in run.stderr), (attempt, run.stderr)
    assert "1 rendered" not in run.stderr and "pages unchanged since the last build" in run.stderr
    page = (project / "site" / "reports" / "2010" / "外图" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://evil.example/x.png" rel="noopener noreferrer">示意图</a>' in page
    assert not re.search(r'<img[^>]+src="(https?:)?//', page)
    assert '<img alt="本站" src="x.png">' in page or '<img src="x.png" alt="本站">' in page


def test_a_reports_anchors_are_prefixed_and_its_table_of_contents_follows(tmp_path):
    project = _project(tmp_path, {"外图.md": EXTERNAL_IMAGE_REPORT.replace("## 二、问题", "## 二、问题 {: #__config }")})
    run = _build(project)
    assert run.returncode == 0, run.stderr
    page = (project / "site" / "reports" / "2010" / "外图" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article"):page.index("</article>")]
    ids = re.findall(r'\bid="([^"]*)"', article)
    ours = {"other-versions", "related", "cite"}   # the headings of our blocks below the text
    assert ids and all(i.startswith("r-") or i in ours for i in ids), ids
    assert page.count('id="__config"') == 1 and '<script id="__config"' in page
    toc = re.findall(r'<a href="#([^"]*)" class="md-nav__link">', page)
    assert toc and set(toc) <= set(ids), (toc, ids)
    links = re.findall(r'<a href="#([^"]*)"', article)   # permalinks and the report's own link
    assert links and set(links) <= set(ids), (links, ids)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("out", ["reports", "reports/_sources", "reports/2006", "docs", "docs/x",
                                 ".", "..", ".cache", ".cache/reform-archive/x"])
def test_a_site_folder_over_the_projects_files_is_refused_and_nothing_is_deleted(tmp_path, out):
    (tmp_path / "p").mkdir()
    project = _project(tmp_path / "p")
    (project / ".cache" / "reform-archive").mkdir(parents=True)
    (project / ".cache" / "reform-archive" / "keep").write_text("x", encoding="utf-8")
    before = _snapshot(project)
    assert any(name.startswith("reports/_sources/") for name in before)
    run = _build(project, "--out", out)
    assert run.returncode != 0, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in run.stderr, run.stderr
    assert _snapshot(project) == before
    assert not (project / "site").exists()


def test_a_site_dir_over_the_reports_is_refused_by_mkdocs_build_too(tmp_path):
    project = _project(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_dir: site", "site_dir: reports"),
                      encoding="utf-8")
    before = _snapshot(project / "reports")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project, capture_output=True,
                         text=True, env=ENV)
    assert run.returncode != 0
    assert "the site folder reports is the reports folder reports" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert _snapshot(project / "reports") == before


def _report_text(title: str, year: int, topics: str = "[]", region: str = "") -> str:
    import random

    rng = random.Random(title)  # a text of its own, so that no two are merged as duplicates
    text = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(200))
    return (f"---\ntitle: {title}\nyear: {year}\nregion: '{region}'\ntopic: {topics}\n---\n\n"
            f"{title}的正文：{text}。\n")


def test_a_report_file_named_index_has_a_page_where_its_links_point(tmp_path):
    project = _project(tmp_path, {"2006/index.md": _report_text("甲县报告", 2006),
                                  "index.md": _report_text("乙县报告", 2007),
                                  "README.md": _report_text("丙县报告", 2008)})
    run = _build(project)
    assert run.returncode == 0, run.stderr
    site = project / "site"
    records = json.loads((site / "data" / "reports.json").read_text(encoding="utf-8"))
    assert len(records) == 3
    for record in records:
        assert (site / record["url"].strip("/") / "index.html").is_file(), record["url"]
        year_page = site / "years" / str(record["year"]) / "index.html"
        for link in re.findall(r'<a href="([^"]*reports/[^"]*)"', year_page.read_text(encoding="utf-8")):
            target = (year_page.parent / link).resolve() / "index.html"
            assert target.is_file(), (year_page, link)


def test_topic_and_region_names_that_would_share_a_page_are_errors_naming_both(tmp_path):
    project = _project(tmp_path, {
        "真.md": _report_text("真的机构编制报告", 2006, "[机构编制]"),
        "假.md": _report_text("叹号机构编制报告", 2006, "[机构编制！]"),
        "索引.md": _report_text("索引主题报告", 2006, "[index]"),
        "地区.md": _report_text("索引地区报告", 2006, region="Index"),
        "湖南.md": _report_text("湖南报告", 2006, region="湖南省"),
        "湖南二.md": _report_text("湖南二报告", 2006, region="湖南省！"),
    })
    check = subprocess.run([sys.executable, "-m", "reform_archive", "check", "reports"], cwd=project,
                           capture_output=True, text=True, env=ENV)
    assert check.returncode == 1
    expected = [
        "reports/假.md: error: topic '机构编制！' would have the same page topics/机构编制/ as topic '机构编制'",
        "reports/索引.md: error: topic 'index' would be published at topics/index/, the page that lists every topic",
        "reports/地区.md: error: region 'Index' would be published at regions/index/, the page that lists every region",
        "reports/湖南二.md: error: region '湖南省！' would have the same page regions/湖南省/ as region '湖南省'",
    ]
    for line in expected:
        assert line in check.stderr, check.stderr
    assert check.stderr.count("error:") == len(expected), check.stderr
    run = _build(project, "--keep-going")
    assert run.returncode == 0, run.stderr
    site = project / "site"
    topic = (site / "topics" / "机构编制" / "index.html").read_text(encoding="utf-8")
    assert "真的机构编制报告" in topic and "叹号机构编制报告" not in topic
    assert "按主题浏览" in (site / "topics" / "index.html").read_text(encoding="utf-8")
    assert "按地区浏览" in (site / "regions" / "index.html").read_text(encoding="utf-8")
    assert "湖南报告" in (site / "regions" / "湖南省" / "index.html").read_text(encoding="utf-8")


def test_a_title_with_a_control_character_keeps_its_page_title(tmp_path):
    """YAML spells a control character `"\\a"`; the page's own front matter once carried it raw,
    where YAML refuses it, and the page lost its title."""
    text = _report_text("X", 2010, '["机构\\x1b编制"]').replace("title: X", 'title: "响铃\\a标题"')
    project = _project(tmp_path, {"控制.md": text})
    run = _build(project)
    assert run.returncode == 0, run.stderr
    page = (project / "site" / "reports" / "2010" / "控制" / "index.html").read_text(encoding="utf-8")
    assert "<title>响铃标题 - 中国改革报告档案</title>" in page, page[:2000]
    assert "<h1>响铃标题</h1>" in page
    topic = next((project / "site" / "topics").glob("机构*编制/index.html")).read_text(encoding="utf-8")
    assert "<title>主题：机构编制 - 中国改革报告档案</title>" in topic
    assert "YAML" not in run.stderr, run.stderr


def test_reports_elsewhere_reach_the_plugin_as_its_option_and_nothing_leaks_to_the_environment(tmp_path):
    """`--reports DIR` is the plugin's `reports_dir`, validated by MkDocs like mkdocs.yml's own;
    the environment of the build (and of what it starts) is left as it was."""
    from ..conftest import REPO
    import shutil

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    shutil.copytree(REPO / "reports", tmp_path / "reports")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "别处.md").write_text("---\ntitle: 别处的报告\nyear: 2011\n---\n\n正文。\n", encoding="utf-8")
    script = ("import os, sys\nfrom reform_archive.cli import main\n"
              "code = main(['build', '--reports', sys.argv[1]])\n"
              "print('ENV', sorted(k for k in os.environ if k.startswith('REFORM_ARCHIVE')))\n"
              "sys.exit(code)\n")
    run = subprocess.run([sys.executable, "-c", script, str(other)], cwd=tmp_path,
                         capture_output=True, text=True, env=ENV)
    assert run.returncode == 0, run.stderr
    assert "ENV []" in run.stdout
    assert "1 reports shown" in run.stderr
    pages = [p.parent.name for p in (tmp_path / "site" / "reports").rglob("index.html")]
    assert pages == ["别处"]
