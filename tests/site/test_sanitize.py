"""The sanitiser's narrowing of a report's markup (site/sanitize.py): ids prefixed, no classes
of the theme's or ours, no image from outside the site. The browser tests (tests/browser/
test_xss.py) check the same on built pages, in Chromium."""

import re

import pytest

from reform_archive.site.sanitize import (
    block_mark, is_external, sanitize_html, sanitize_report_html, sanitize_report_page,
)

# The payload (issue 17): a report's own `#__config` came before Material's.
CONFIG_PAYLOAD = (
    '<div id="__config">{"base":"../../..","features":[],"translations":{},"search":"data:text/'
    "javascript,postMessage({type:3,data:{items:[[{location:'x/',title:'\\u003cimg src=x "
    "onerror=console.log(/PWNED/)\\u003e',text:'',score:1,terms:{}}]]}})\"}</div>")


def _ids(html: str) -> list[str]:
    return re.findall(r'\bid="([^"]*)"', html)


def test_every_id_of_a_report_is_prefixed():
    html, _ = sanitize_report_html(
        CONFIG_PAYLOAD + '<h2 id="__search">x</h2><p id="ra-find">y</p><span id="r-x">z</span>')
    assert _ids(html) == ["r-__config", "r-__search", "r-ra-find", "r-r-x"]


def test_in_page_links_follow_the_prefixed_ids():
    html, _ = sanitize_report_html('<h2 id="_1">标题<a class="headerlink" href="#_1">¶</a></h2>'
                                   '<a href="#_1">上文</a><a href="../x/#a">别处</a><a href="#">顶部</a>')
    assert re.findall(r'href="([^"]*)"', html) == ["#r-_1", "#r-_1", "../x/#a", "#"]
    assert 'class="headerlink"' in html


@pytest.mark.parametrize("markup", [
    '<p class="md-search__input">x</p>', '<div class="md-typeset md-content">x</div>',
    '<p class="ra-report-meta">x</p>', '<span class="ra-list-meta">x</span>',
    '<pre class="mermaid">graph TD; A-->B</pre>', '<p class="headerlink">x</p>',
    '<p data-md-component="search">x</p>', '<p style="position:fixed">x</p>',
    '<img name="__config" src="a.png">', '<a name="__search" href="x/">x</a>',
])
def test_a_report_cannot_give_classes_or_attributes_the_scripts_select_on(markup):
    html, _ = sanitize_report_html(markup)
    assert not re.search(r'\b(class|data-md-component|style|name)=', html), html


def test_our_own_blocks_keep_their_classes_and_the_text_between_does_not():
    head = '<dl class="ra-report-meta">\n<dt>年份</dt><dd>2006</dd>\n</dl>\n\n'
    tail = '\n\n<div class="ra-versions" markdown="0">\n<h2 id="other-versions">其他版本</h2>\n</div>\n'
    body = '<p class="ra-versions md-typeset" id="x">正文</p>'
    rendered = f"<p>{block_mark(head)}</p>\n{body}\n<p>{block_mark(tail)}</p>"
    html, _ = sanitize_report_page(rendered, head, tail)
    assert html.startswith('<dl class="ra-report-meta">') and html.endswith("</div>")
    assert '<div class="ra-versions">' in html and 'id="other-versions"' in html
    assert '<p id="r-x">正文</p>' in html and "ra-block-" not in html
    # A report cannot pass for our blocks: its own copy of them is cleaned as its text.
    html, _ = sanitize_report_page(head + body + tail, head, tail)
    assert html.count('class="ra-report-meta"') == 1 and html.count('class="ra-versions"') == 1


def _rendered(markdown_text: str) -> str:
    """A page's Markdown as MkDocs renders it with the project's extensions."""
    import markdown

    md = markdown.Markdown(extensions=["toc", "tables", "attr_list", "md_in_html"],
                           extension_configs={"toc": {"permalink": True}})
    return md.convert(markdown_text.split("\n---\n", 1)[-1])


@pytest.mark.parametrize("body, words", [
    ("正文第一段。\n\n<div>\n未闭合的块", ["正文第一段", "未闭合的块"]),   # the tail's mark is taken into the <div>
    ("<div markdown=\"1\">\n正文\n", ["正文"]),   # (the page once lost our classes and its citation)
    ("正文\n\n<table><tr><td>表格", ["正文", "表格"]),
    ("<script>\nalert(1)", []),
])
def test_our_blocks_stay_whole_and_styled_whatever_html_the_report_leaves_open(body, words):
    from dataclasses import replace

    from reform_archive.archive import load_archive
    from reform_archive.site.pages import report_header, report_page, report_tail
    from tests.conftest import REPO

    r = load_archive(REPO / "reports").shown[0]
    r = replace(r, report=replace(r.report, body=body))
    head, tail = report_header(r), report_tail(r, [])
    html, _ = sanitize_report_page(_rendered(report_page(r)), head, tail)
    assert html.startswith(sanitize_html(head.strip())) and html.endswith(sanitize_html(tail.strip()))
    assert "ra-block-" not in html and "<script" not in html
    inner = html[len(sanitize_html(head.strip())):-len(sanitize_html(tail.strip()))]
    assert "ra-report-meta" not in inner and "ra-cite" not in inner
    assert all(word in inner for word in words)


@pytest.mark.parametrize("src", [
    "https://evil.example/x.png", "http://evil.example/x.png", "//evil.example/x.png",
    "HTTPS://evil.example/x.png", " \t//evil.example/x.png", "\\\\evil.example\\x.png",
    "/\\evil.example/x.png", "https:evil.example/x.png",
])
def test_an_image_from_outside_the_site_becomes_a_link(src):
    html, external = sanitize_report_html(f'<p>图：<img src="{src}" alt="示意图"></p>')
    assert "<img" not in html, html
    assert external == [src]
    assert re.search(r'<a href="[^"]*evil\.example[^"]*" rel="noopener noreferrer">示意图</a>', html), html


@pytest.mark.parametrize("src", ["x.png", "../../img/x.png", "/assets/x.png", "img/a:b.png"])
def test_an_image_of_the_site_is_kept(src):
    html, external = sanitize_report_html(f'<img src="{src}" alt="图">')
    assert external == [] and f'src="{src}"' in html
    assert not is_external(src)


def test_generated_html_keeps_our_classes_only():
    html = sanitize_html('<p class="ra-diff-none md-x">x</p><span class="ra-list-meta">y</span>')
    assert html == '<p class="ra-diff-none">x</p><span class="ra-list-meta">y</span>'
