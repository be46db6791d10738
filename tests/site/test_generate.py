"""Golden files for the generated index pages, built from the seed imported afresh."""

import re

import pytest

from reform_archive.archive import load_archive
from reform_archive.site.generate import generate_site
from reform_archive.site.html import href
from reform_archive.site.indexes import keyword_groups
from reform_archive.site.pages import report_header, report_tail
from reform_archive.site.sanitize import block_mark
from reform_archive.site.related import related_reports
from reform_archive.language.gazetteer import region_levels
from reform_archive.topics import VOCABULARY

from ..conftest import REPO, assert_golden

GOLDEN_PAGES = ("index.md", "topics/index.md", "topics/医疗卫生.md", "years/index.md",
                "years/2006.md", "regions/index.md", "regions/湖南省.md", "keywords/index.md",
                "keywords/乡镇.md")


@pytest.fixture(scope="module")
def generated(seed_reports_dir):
    archive = load_archive(seed_reports_dir)
    return {f.src_uri: f for f in generate_site(archive, related=related_reports(archive))}


@pytest.mark.parametrize("src_uri", GOLDEN_PAGES)
def test_index_pages_match_golden_files(generated, src_uri):
    assert_golden(f"pages/{src_uri}", generated[src_uri].content)


def test_report_page_matches_golden_file(generated, seed_reports_dir):
    page = generated["reports/未知/石门县乡镇医院基本情况.md"]
    assert_golden("pages/reports/石门县乡镇医院基本情况.md", page.content)
    # Our blocks above and below the text stand in the Markdown as marks (site/sanitize.py).
    archive = load_archive(seed_reports_dir)
    r = next(r for r in archive.shown if r.src_uri == "reports/未知/石门县乡镇医院基本情况.md")
    related = related_reports(archive).of(r, {x.key: x for x in archive.shown})
    head, tail = report_header(r, frozenset(keyword_groups(archive))), report_tail(r, related)
    assert page.content.count(block_mark(head)) == 1 and page.content.count(block_mark(tail)) == 1
    assert_golden("pages/reports/石门县乡镇医院基本情况.blocks.html", head + "<!-- the report's text -->" + tail)


def test_one_page_per_shown_report_under_reports(generated):
    reports = [uri for uri, f in generated.items() if f.is_report]
    assert len(reports) == 7
    assert all(re.fullmatch(r"reports/(\d{4}|未知)/[^/]+\.md", uri) for uri in reports)
    # Besides them, only the hidden version's page at its own URL, leading to the one shown.
    others = [uri for uri, f in generated.items() if uri.startswith("reports/") and not f.is_report]
    assert others == ["reports/2006/编办的改革试点工作总结-2/index.html"], others


def test_kept_report_lists_its_other_version(generated, seed_reports_dir):
    archive = load_archive(seed_reports_dir)
    r = next(r for r in archive.shown if r.src_uri == "reports/2006/编办的改革试点工作总结.md")
    related = related_reports(archive).of(r, {x.key: x for x in archive.shown})
    tail = report_tail(r, related)
    assert "其他版本" in tail and "乡镇办公室科员工作篇2" in tail
    assert block_mark(tail) in generated[r.src_uri].content
    assert "reports/2006/编办的改革试点工作总结-2.md" not in generated


@pytest.mark.parametrize("region, levels", [
    ("湖南省常德市石门县", ["湖南省", "湖南省常德市", "湖南省常德市石门县"]),
    ("上海市", ["上海市"]),
    ("内蒙古自治区呼和浩特市", ["内蒙古自治区", "内蒙古自治区呼和浩特市"]),
    ("上海市浦东新区", ["上海市", "上海市浦东新区"]),
    # A county of one character and 县: a gazetteer path is cut where its places are.
    ("安徽省马鞍山市和县", ["安徽省", "安徽省马鞍山市", "安徽省马鞍山市和县"]),
    ("广东省广州市天河区", ["广东省", "广东省广州市", "广东省广州市天河区"]),
    ("", []),
])
def test_region_levels(region, levels):
    assert region_levels(region) == levels


@pytest.mark.parametrize("start, target, expected", [
    ("", "topics/", "topics/"),
    ("topics/医疗卫生/", "reports/2006/x/", "../../reports/2006/x/"),
    ("reports/2006/x/", "years/2006/", "../../../years/2006/"),
])
def test_relative_links(start, target, expected):
    from urllib.parse import unquote

    assert unquote(href(start, target)) == expected


def test_topic_vocabulary_is_documented():
    doc = (REPO / "docs" / "topics-vocabulary.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S+) \| (.+?) \|$", doc, re.M)
    documented = {name: text for name, text in rows if name not in ("主题", "---")}
    assert documented == {t.name: t.description for t in VOCABULARY}


def test_markdown_in_front_matter_values_stays_text(tmp_path):
    """A topic or region named `[点我](javascript:…)` must not become a link on its index page."""
    import markdown

    (tmp_path / "x.md").write_text(
        '---\ntitle: "[标题](javascript:alert(1))"\nregion: "[地区](javascript:alert(2))"\n'
        'topic: ["[点我](javascript:alert(3))"]\n---\n\n正文。\n', encoding="utf-8")
    for f in generate_site(load_archive(tmp_path)):
        if f.src_uri.endswith(".md") and not f.is_report:
            html = markdown.markdown(f.content.split("---\n", 2)[-1], extensions=["tables", "md_in_html"])
            assert "javascript:" not in re.sub(r">[^<]*<", "><", html), f.src_uri


@pytest.mark.parametrize("title", ["响铃\a标题", "换\u2028行\x85与\ufeff零宽", '引号"与\\反斜杠', "\x1b[31m红字", "表情😀"])
def test_a_generated_pages_front_matter_reads_back_whatever_the_title_holds(title):
    import yaml

    from reform_archive.site.html import esc, front_matter

    meta = yaml.safe_load(front_matter(title).split("---")[1])
    expected = esc("".join(c for c in title if not (ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f)))
    assert meta["title"] == expected


def test_national_documents_are_an_entry_of_their_own_on_the_region_index(tmp_path):
    """Issue 12: national documents get region 全国; it is accepted by check, listed first on the
    region index with what it means, and not counted as a province on the home page."""
    for name, region in (("a.md", "全国"), ("b.md", "湖南省常德市石门县"), ("c.md", "")):
        (tmp_path / name).write_text(f"---\ntitle: 报告{name[0]}\nregion: '{region}'\n---\n\n正文{name}。\n",
                                     encoding="utf-8")
    archive = load_archive(tmp_path)
    assert not archive.problems
    pages = {f.src_uri: f.content for f in generate_site(archive)}
    index = pages["regions/index.md"]
    assert index.index("全国") < index.index("湖南省") < index.index("未标注地区")
    assert "全国性文件" in index
    assert "报告a" in pages["regions/全国.md"]
    assert '<span class="ra-stat-value">1</span><span class="ra-stat-label">省级地区</span>' in pages["index.md"]
