"""Search as a researcher meets it (issue 13) and the search page as a reader browses it (issue
18, items 3 and 4), in Chromium, on desktop and on a 390 px phone where the layout is the point.

The site is the repository's reports plus a few made for these cases: a sentence and a
subscript cut over two paragraphs, Chinese quotation marks, two reports that score alike in
different years.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

EXTRA_REPORTS = {
    "断行报告.md": "---\ntitle: 县人大会议决议\nyear: 2014\nregion: 湖南省\n---\n\n"
                 "会议听取和审议了县长所作的\n\n政府工作报告。\n\n全县细颗粒物（PM\n\n2.5\n\n）浓度下降。\n",
    "引号报告.md": "---\ntitle: 县发展规划纲要\nyear: 2021\n---\n\n“十四五”时期是关键五年。\n",
    "分开报告.md": "---\ntitle: 县发展回顾\nyear: 2020\n---\n\n十四五规划已经编制，这个时期很重要。\n",
    # Texts of one length with the query once, in 2001 and 2011 (not near-duplicates): equal
    # scores, the newer first.
    "同分旧.md": "---\ntitle: 甲县棉纺厂情况\nyear: 2001\n---\n\n棉纺厂改制稳妥推进。\n",
    "同分新.md": "---\ntitle: 乙县棉纺厂情况\nyear: 2011\n---\n\n棉纺厂改制顺利完成。\n",
}

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(make_site):
    return make_site("find_project", EXTRA_REPORTS)


def _header_search(page: Page, site, query: str) -> list[str]:
    page.goto(site.url())
    field = page.locator(".md-search__input")
    field.click()
    page.keyboard.type(query)
    page.keyboard.press("End")   # a key Material hears (characters off the keyboard come as input only)
    expect(page.locator(".md-search-result__meta")).to_have_text(re.compile(r"\d+ 个|没有"))
    page.wait_for_timeout(300)
    return [unquote(urlsplit(h).path) for h in
            page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")]


def _find(page: Page, site, query: str = "", **params) -> None:
    extra = "".join(f"&{k}={v}" for k, vs in params.items() for v in ([vs] if isinstance(vs, str) else vs))
    page.goto(site.url(f"find/?query={query}{extra}"))
    expect(page.locator(".ra-find-count")).to_be_visible()


def _listed_on_find(page: Page) -> list[str]:
    return [unquote(urlsplit(h).path) for h in
            page.eval_on_selector_all(".ra-find-list > li > a", "els => els.map(e => e.href)")]


def _years(page: Page) -> list[int | None]:
    """Each listed result's year (its line says `2009 · region`, or the region alone)."""
    metas = page.locator(".ra-find-list .ra-list-meta").all_inner_texts()
    return [int(m.group(0)) if (m := re.match(r"\d{4}\b", t)) else None for t in metas]


# --- issue 13: query syntax, breaks, fields, ties ------------------------------------------------

def test_chinese_quotation_marks_are_characters_not_a_phrase(page: Page, site):
    for query in ("“十四五”时期", '"十四五"时期', "「十四五」时期"):
        listed = _header_search(page, site, query)
        assert listed == ["/reports/2021/引号报告/"], (query, listed)
    both = _header_search(page, site, "十四五 时期")
    assert {"/reports/2021/引号报告/", "/reports/2020/分开报告/"} <= set(both)


def test_a_sentence_and_a_subscript_cut_over_two_paragraphs_are_found(page: Page, site):
    for query in ("所作的政府工作报告", "PM2.5", "ＰＭ２．５", '"所作的 政府工作报告"'):
        assert _header_search(page, site, query) == ["/reports/2014/断行报告/"], query
    # The snippet shows the break as written (a space), the match marked across it.
    _header_search(page, site, "所作的政府工作报告")
    snippet = page.locator(".md-search-result__item").first.locator("p", has=page.locator("mark")).first
    expect(snippet).to_contain_text("所作的 政府工作报告")
    assert snippet.locator("mark").first.inner_text() == "所作的 政府工作报告"


def test_the_metadata_block_is_searched_and_shown_as_a_field(page: Page, site):
    listed = _header_search(page, site, "常德市")
    assert "/reports/未知/石门县乡镇医院基本情况/" in listed and "/reports/未知/在县乡党委系统文件管理工作座谈会上的讲话/" in listed
    field = page.locator(".md-search-result__item .ra-field").first
    expect(field).to_contain_text("地区：")
    expect(field.locator("mark")).to_have_text("常德市")
    # The collection the seed's reports come from: its source line.
    assert len(_header_search(page, site, "乡镇办公室科员")) >= 7
    expect(page.locator(".ra-field").first).to_contain_text("来源：")
    # The whole region path finds the county's reports from its province.
    assert "/reports/未知/石门县乡镇医院基本情况/" in _header_search(page, site, "湖南省")


def test_results_that_score_alike_list_the_newer_report_first(page: Page, site):
    listed = _header_search(page, site, "棉纺厂改制")
    assert listed[:2] == ["/reports/2011/同分新/", "/reports/2001/同分旧/"]


# --- issue 18 item 4: snippets, highlight, suggestions -----------------------------------------

def test_snippets_show_every_part_and_never_repeat_the_title(page: Page, site):
    _header_search(page, site, "编制 乡镇")
    items = page.locator(".md-search-result__item")
    expect(items.nth(3).locator("p mark").first).to_be_visible()
    for i in range(4):
        item = items.nth(i)
        title = item.locator("h1").inner_text()
        snippet = " ".join(item.locator("p:not(.ra-search-meta)").all_inner_texts())
        marks = set(item.locator("p mark").all_inner_texts())
        assert {"编制", "乡镇"} <= {m for mark in marks for m in ("编制", "乡镇") if m in mark}, (title, snippet)
        assert not snippet.lstrip("…").startswith(title), (title, snippet)


def test_one_highlight_style_in_the_header_the_search_page_and_the_report_page(page: Page, site):
    style = "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.textDecorationLine]; }"
    _header_search(page, site, "石门县")
    header = page.locator(".md-search-result__item h1 mark").first.evaluate(style)
    _find(page, site, "石门县")
    found = page.locator(".ra-find-list mark").first.evaluate(style)
    page.goto(page.locator(".ra-find-list > li > a").first.get_attribute("href"))
    on_page = page.locator("article mark").first.evaluate(style)
    assert header == found == on_page, (header, found, on_page)
    assert header[1] == "none"


def test_the_suggestion_offers_words_with_hits_and_keeps_the_panel_open(page: Page, site):
    _header_search(page, site, "乡镇政府职能转变")
    offer = page.locator(".ra-suggest button")
    expect(offer).to_be_visible()
    words = offer.inner_text().split()
    assert words and all(len(w) >= 2 for w in words), words
    offer.click()
    expect(page.locator(".md-search__input")).to_have_value(" ".join(words))
    expect(page.locator(".md-search-result__meta")).to_have_text(re.compile(r"\d+ 个"))
    expect(page.locator(".md-search-result__item").first).to_be_visible()


def test_no_suggestion_of_single_characters(page: Page, site):
    _header_search(page, site, "量子计算机")
    page.wait_for_timeout(500)
    for offer in page.locator(".ra-suggest button").all_inner_texts():
        assert all(len(w) >= 2 for w in offer.split()), offer


# --- issue 18 item 3: the search page browses ---------------------------------------------------

def test_the_search_page_with_no_query_lists_the_whole_archive(page: Page, site):
    _find(page, site)
    count = page.locator(".ra-find-count")
    expect(count).to_contain_text("档案共")
    total = int(re.search(r"共 (\d+) 篇", count.inner_text()).group(1))
    assert total == page.locator(".ra-find-list > li").count() >= 10
    years = _years(page)
    known = [y for y in years if y]
    assert known == sorted(known, reverse=True) and years[-1] is None   # newest first, unknown last
    page.select_option(".ra-find-sort select", "title")
    titles = page.locator(".ra-find-list > li > a").all_inner_texts()
    in_order = page.evaluate("titles => [...titles].sort((a, b) => a.localeCompare(b, 'zh'))", titles)
    assert titles == in_order and len(titles) == total
    assert "sort=title" in page.url


def test_facets_take_several_values_keep_the_others_and_live_in_the_url(page: Page, site):
    _find(page, site, "乡镇")
    count = page.locator(".ra-find-count")
    expect(page.locator('.ra-facet input[data-key="year"]').first).to_be_visible()
    labels = page.locator('.ra-facet').first.locator("li").all_inner_texts()
    years = [label.split()[0] for label in labels]
    assert years[-1] == "未知" and [int(y) for y in years[:-1]] == sorted(map(int, years[:-1]), reverse=True)
    first, second = years[0], years[1]
    n = {label.split()[0]: int(label.split()[-1]) for label in labels}
    page.check(f'.ra-facet input[data-key="year"][data-value="{first}"]')
    page.check(f'.ra-facet input[data-key="year"][data-value="{second}"]')
    expect(count).to_contain_text(f"找到 {n[first] + n[second]} 篇")
    # The other years stay listed, with what they would add.
    expect(page.locator('.ra-facet input[data-key="year"]')).to_have_count(len(years))
    assert parse_qs(urlsplit(page.url).query)["year"] == [first, second]
    page.reload()
    expect(count).to_contain_text(f"找到 {n[first] + n[second]} 篇")
    expect(page.locator(f'.ra-facet input[data-value="{second}"]')).to_be_checked()


def test_regions_go_down_to_the_county(page: Page, site):
    _find(page, site)
    page.check('.ra-facet input[data-key="region"][data-value="湖南省"]')
    city = page.locator('.ra-facet input[data-key="region"][data-value="湖南省常德市"]')
    expect(city).to_be_visible()
    city.check()
    county = page.locator('.ra-facet input[data-key="region"][data-value="湖南省常德市石门县"]')
    expect(county).to_be_visible()
    county.check()
    assert "/reports/未知/石门县乡镇医院基本情况/" in _listed_on_find(page)
    assert parse_qs(urlsplit(page.url).query)["region"] == ["湖南省", "湖南省常德市", "湖南省常德市石门县"]


def test_the_sort_switch_orders_by_year_and_stays_on_reload(page: Page, site):
    _find(page, site, "乡镇")
    page.select_option(".ra-find-sort select", "year-asc")
    known = [y for y in _years(page) if y]
    assert known == sorted(known) and len(known) >= 2
    assert "sort=year-asc" in page.url
    page.reload()
    expect(page.locator(".ra-find-sort select")).to_have_value("year-asc")


def test_on_a_phone_the_facets_are_folded_and_the_button_stays_on_one_line(browser, site):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    try:
        _find(page, site, "乡镇")
        expect(page.locator(".ra-find-list > li").first).to_be_visible()
        assert not page.locator(".ra-find-filters").evaluate("el => el.open")
        expect(page.locator(".ra-find-facets")).not_to_be_visible()
        button = page.locator(".ra-find-form button").bounding_box()
        field = page.locator(".ra-find-form input").bounding_box()
        assert button["height"] <= field["height"] + 4 and abs(button["y"] - field["y"]) < 8, (button, field)
        first = page.locator(".ra-find-list > li").first.bounding_box()
        assert first["y"] < PHONE["height"], first   # results on the first screen
        page.locator(".ra-find-filters > summary").click()
        expect(page.locator('.ra-facet input[data-key="year"]').first).to_be_visible()
    finally:
        context.close()


def test_on_a_desktop_the_facets_are_open(page: Page, site):
    _find(page, site, "乡镇")
    expect(page.locator('.ra-facet input[data-key="year"]').first).to_be_visible()
    expect(page.locator(".ra-find-filters > summary")).not_to_be_visible()
