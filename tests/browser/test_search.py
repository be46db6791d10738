"""The archive's own search engine, end to end in Chromium: every query's result set must be
exactly the set of reports whose text contains every part of the query.

The ground truth is computed here, independently of the engine: the text of each report page
as the browser shows it, normalised with Unicode NFKC, lower case and OpenCC's own
traditional→simplified converter, searched with Python's `in`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import unquote, urlsplit

import pytest
from opencc import OpenCC
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

EXTRA_REPORTS = {
    "繁体报告.md": "---\ntitle: 一九五四年政府工作報告（節選）\nyear: 1954\n---\n\n"
                  "我們的農業生產合作社有了很大的發展。中華人民共和國第一屆全國人民代表大會。\n",
    "统计报告.md": "---\ntitle: 县域经济统计分析\nyear: 2012\nregion: 湖南省\n---\n\n"
                  "全县GDP增长7.5%，加入WTO以后外贸扩大。乡镇卫生院床位增加。\n",
    "税费报告.md": "---\ntitle: 关于农村税费改革的调查\nyear: 2003\nregion: 安徽省\n---\n\n"
                  "农村税费改革试点在全省推开，取消农业特产税。\n",
    # The same words, in a heading of the 2010 report and in the text of the 2000 one (which is
    # a little shorter and sorts first: without a heading boost it would rank first).
    "棉花报告甲.md": "---\ntitle: 县供销社工作总结\nyear: 2010\n---\n\n## 棉花收购\n\n今年全县组织工作顺利。\n",
    "棉花报告乙.md": "---\ntitle: 县供销社工作小结\nyear: 2000\n---\n\n今年全县棉花收购组织工作顺利。\n",
    # 税费 once in each, as a word of its own in the 2010 report (减轻/税费/负担) and glued into
    # 农村税费改革 (one word of the archive's dictionary) in the 2000 one, which is as long and
    # sorts first: without the whole-word boost it would rank first.
    "整词报告甲.md": "---\ntitle: 县供销社年度总结\nyear: 2010\n---\n\n今年减轻税费负担，群众满意。\n",
    "整词报告乙.md": "---\ntitle: 县供销社年度小结\nyear: 2000\n---\n\n今年农村税费改革，群众满意。\n",
}

QUERIES = [
    "石门县", "乡镇卫生院", "税费改革", "税费", "卫生 编制", '"乡镇机构改革"', "机构改革", "编制",
    "领导职数", "事业站所", "gdp", "WTO", "7.5%", "2006", "上海市", "湖南", "農業", "农业",
    "人民代表大会", "报告", "卫生", "县", "改革 2007", "乡镇 石门县 卫生院",
    "蓝鲸乡镇改革", "量子编制", "乡镇政府职能转变",
    "府工作报", "镇卫生",   # pieces of words, no words themselves: proved by positions
]


def _normalise(text: str, t2s=OpenCC("t2s")) -> str:
    return t2s.convert(unicodedata.normalize("NFKC", text).lower())


def _parts(query: str) -> list[str]:
    found = re.findall(r'"([^"]*)"|(\S+)', query)
    return [_normalise(a or b) for a, b in found if (a or b).strip()]


@pytest.fixture(scope="module")
def site(make_site):
    return make_site("search_project", EXTRA_REPORTS)


@pytest.fixture(scope="module")
def page_texts(site, browser) -> dict[str, str]:
    return _page_texts(site, browser)


def _page_texts(site, browser) -> dict[str, list[str]]:
    """Each shown report's URL path → its text as the reader sees it: the title, the values of
    its metadata block that are searched (地区, 主题, 关键词, 来源), the body; pieces that a
    match never spans."""

    records = json.loads((site.site / "data" / "reports.json").read_text(encoding="utf-8"))
    context = browser.new_context()
    page = context.new_page()
    texts = {}
    for record in records:
        if record["duplicate_of"]:
            continue
        page.goto(site.url(record["url"]))
        texts[unquote(record["url"])] = page.evaluate("""() => {
            const article = document.querySelector("article").cloneNode(true);
            const meta = [...article.querySelectorAll(".ra-report-meta dt")]
              .filter(dt => ["地区", "主题", "关键词", "来源"].includes(dt.textContent.trim()))
              .map(dt => dt.nextElementSibling.innerText);
            const title = article.querySelector("h1");
            const titleText = title.innerText;
            title.remove();
            article.querySelectorAll(".ra-report-meta, .ra-versions, .ra-related, .ra-cite, .headerlink").forEach(e => e.remove());
            return [titleText, ...meta, article.innerText];
        }""")
    context.close()
    return texts


# A break inside a sentence is no break (the rule): white space between two Chinese
# characters, or a Chinese character and a digit or Latin letter; a line break between a Latin
# letter and a digit.
_HAN = "[\u3001-\u303f\u3400-\u9fff\uf900-\ufaff]"
_BREAK = re.compile(rf"(?<={_HAN})\s+(?={_HAN}|[0-9a-z])|(?<=[0-9a-z])\s+(?={_HAN})|(?<=[a-z]) *\n\s*(?=[0-9])")


def _joined(text: str) -> str:
    return _BREAK.sub("", _normalise(text))


def _truth(texts: dict[str, list[str]], query: str) -> set[str]:
    parts = _parts(query)
    return {url for url, pieces in texts.items()
            if all(any(p in _joined(piece) for piece in pieces) for p in parts)}


def _header_results(page: Page, query: str) -> tuple[set[str], str]:
    field = page.locator(".md-search__input")
    field.click()
    field.fill("")
    page.keyboard.type(query)
    page.keyboard.press("End")
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_have_text(re.compile(r"\d+ 个|没有"), timeout=15_000)
    page.wait_for_timeout(300)  # the list renders right after the count
    for _ in range(20):  # Material renders 10 results, then more as the list is scrolled
        page.eval_on_selector(".md-search__scrollwrap", "el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_timeout(50)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    return {unquote(urlsplit(h).path) for h in hrefs}, meta.inner_text()


@pytest.fixture
def home(page: Page, site):
    page.goto(site.url())
    return page


@pytest.mark.parametrize("query", QUERIES)
def test_header_search_lists_exactly_the_reports_containing_the_query(home, page_texts, query):
    results, meta = _header_results(home, query)
    truth = _truth(page_texts, query)
    assert results == truth, f"{query!r}: missing {truth - results}, wrong {results - truth} ({meta})"
    if not truth:
        assert "没有" in meta


@pytest.fixture(scope="module")
def site_without_lines_table(make_site):
    """The same archive, built as a very large one is: no table of every result line."""
    return make_site("search_project_lines_apart", EXTRA_REPORTS, {"search_lines_table_kb": 0})


@pytest.mark.parametrize("query", ["乡镇", "石门县", "卫生 编制", "农业", "量子编制"])
def test_result_lines_fetched_per_report_give_the_same_results(page: Page, site_without_lines_table,
                                                               page_texts, query):
    assert not (site_without_lines_table.site / "search" / "lines.json.gz").exists()
    page.goto(site_without_lines_table.url())
    results, meta = _header_results(page, query)
    truth = _truth(page_texts, query)
    assert results == truth, f"{query!r}: missing {truth - results}, wrong {results - truth} ({meta})"
    first = page.locator(".md-search-result__item").first
    if truth:
        expect(first.locator("h1")).not_to_be_empty()


def test_glued_words_and_traditional_text_are_found(home, page_texts):
    """税费 inside 农村税费改革 (one jieba word), 农业 in the traditional 農業 of the 1954 text."""
    results, _ = _header_results(home, "税费")
    assert any("税费报告" in url for url in results)
    results, _ = _header_results(home, "农业")
    assert any("繁体报告" in url for url in results)


@pytest.mark.parametrize("query", ["棉花收购", "收购"])
def test_a_match_in_a_heading_ranks_above_the_same_match_in_the_text(home, query):
    _header_results(home, query)
    listed = [unquote(urlsplit(h).path) for h in
              home.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")]
    in_heading = next(i for i, url in enumerate(listed) if "棉花报告甲" in url)
    in_text = next(i for i, url in enumerate(listed) if "棉花报告乙" in url)
    assert in_heading < in_text, listed


def _listed(page: Page) -> list[str]:
    return [unquote(urlsplit(h).path) for h in
            page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")]


def test_a_whole_word_match_ranks_above_the_same_match_glued_into_a_longer_word(home):
    from reform_archive.language.segment import segmenter

    cut = lambda text: list(segmenter.tokenizer.cut(text, HMM=False))  # noqa: E731
    assert "税费" in cut(EXTRA_REPORTS["整词报告甲.md"]) and "税费" not in cut(EXTRA_REPORTS["整词报告乙.md"])
    _header_results(home, "税费")
    listed = _listed(home)
    whole = next(i for i, url in enumerate(listed) if "整词报告甲" in url)
    glued = next(i for i, url in enumerate(listed) if "整词报告乙" in url)
    assert whole < glued, listed


def test_absent_query_offers_words_that_exist(home, page_texts):
    _header_results(home, "乡镇政府职能转变")
    suggestion = home.locator(".ra-suggest button")
    expect(suggestion).to_be_visible()
    offered = suggestion.inner_text()
    assert " " in offered and offered.replace(" ", "") == "乡镇政府职能转变"
    # The pieces are jieba words of the archive (as jieba itself cuts the reports).
    from reform_archive.language.segment import segmenter
    words = {w for pieces in page_texts.values() for text in pieces
             for w in segmenter.tokenizer.cut(_normalise(text), HMM=False)}
    assert all(piece in words for piece in offered.split()), offered
    suggestion.click()
    expect(home.locator(".md-search-result__meta")).to_have_text(re.compile(r"\d+ 个"))


def test_result_shows_year_region_snippet_and_highlights_on_the_page(home, site):
    _header_results(home, "石门县")
    first = home.locator(".md-search-result__item").first
    expect(first.locator("h1 mark")).to_have_text("石门县")
    expect(first.locator(".ra-search-meta")).to_contain_text("湖南省常德市石门县")
    expect(first.locator("p mark").first).to_have_text("石门县")
    with home.expect_navigation():
        first.locator("a").first.click()
    expect(home.locator("article mark").first).to_have_text("石门县")


def test_the_list_comes_before_slow_snippets_and_the_snippets_follow(page: Page, site):
    """Snippets need the reports' text blocks, one more round of requests: when those are
    slow, the titles are listed first and the snippets fill in when their text arrives."""
    held, released = [], []

    def hold(route):  # text blocks wait until released below
        (route.continue_() if released else held.append(route))

    page.route("**/search/t/**", hold)
    page.goto(site.url())
    field = page.locator(".md-search__input")
    field.click()
    page.keyboard.type("石门县")
    page.keyboard.press("End")
    first = page.locator(".md-search-result__item").first
    expect(first.locator("h1 mark")).to_have_text("石门县", timeout=15_000)
    expect(page.locator(".md-search-result__meta")).to_contain_text("个")
    assert held and first.locator("p mark").count() == 0   # listed; its snippet is on its way
    released.append(True)
    for route in held:
        route.continue_()
    expect(first.locator("p mark").first).to_have_text("石门县", timeout=15_000)


def test_snippet_text_takes_at_most_two_connections(page: Page, site):
    """A browser opens six connections per server; snippets (one text block per result) may
    use two, so the next query's document lists never wait behind them."""
    held = []
    page.route("**/search/t/**", lambda route: held.append(route))
    page.goto(site.url())
    page.locator(".md-search__input").click()
    page.keyboard.type("乡镇")
    page.keyboard.press("End")
    expect(page.locator(".md-search-result__item").nth(3)).to_be_visible(timeout=15_000)
    page.wait_for_timeout(500)
    assert len(held) == 2
    for _ in range(20):  # released two by two, every snippet's text is fetched in the end
        batch, held[:] = list(held), []
        for route in batch:
            route.continue_()
        page.wait_for_timeout(200)
        assert len(held) <= 2
        if not held:
            break
    expect(page.locator(".md-search-result__item").nth(3).locator("p mark").first).to_be_visible()


def test_search_page_narrows_by_facets(page: Page, site, page_texts):
    page.goto(site.url("find/?query=乡镇"))
    count = page.locator(".ra-find-count")
    expect(count).to_contain_text("找到")
    truth = _truth(page_texts, "乡镇")
    assert f"找到 {len(truth)} 篇" in count.inner_text()
    year_boxes = page.locator('.ra-facet input[data-key="year"]')
    expect(year_boxes.first).to_be_visible()
    label = page.locator(".ra-facet").first.locator("li").first.inner_text()
    year, n = label.split()[0], int(label.split()[-1])
    year_boxes.first.check()
    expect(count).to_contain_text(f"找到 {n} 篇")
    listed = page.locator(".ra-find-list > li .ra-list-meta").all_inner_texts()
    assert len(listed) == n and all(t.startswith(year) or year == "未知" for t in listed)


def test_materials_unused_index_is_left_empty(site):
    """Material's page script fetches search_index.json on every page; our worker ignores it."""
    import json

    index = json.loads((site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == [] and index["config"]["lang"] == ["zh"]


def test_a_cold_query_fetches_only_part_of_the_index(page: Page, site):
    """The index is sharded: a query downloads the shards of its own grams, not the archive."""
    fetched = []
    page.on("response", lambda r: fetched.append(r.url) if "/search/g/" in r.url else None)
    page.goto(site.url())
    _header_results(page, "石门县")
    shards = len(list((site.site / "search" / "g").glob("*.bin")))
    assert 0 < len(set(fetched)) < shards


@pytest.mark.parametrize("query, word", [("乡镇卫生院", True), ("经济发展", True), ("府工作报", False)])
def test_a_word_of_the_archive_needs_no_positions(page: Page, site, page_texts, query, word):
    """A word of three or more characters, or a compound of two words found in several reports
    (经济 发展), has an exact entry beside the bigrams: its query fetches no positions (the
    positions of 卫生 or 发展 are the largest files of an archive); a string that is neither is
    still proved by positions, with the same exact results."""
    positions = []
    page.on("request", lambda r: positions.append(r.url) if "/search/p/" in r.url else None)
    page.goto(site.url())
    results, meta = _header_results(page, query)
    assert results == _truth(page_texts, query) and results, meta
    assert bool(positions) is not word, positions


# --- an index in two segments: a base, and a delta of the reports changed since --------------

DELTA_QUERIES = ["磐石镇", "乡镇卫生院", "税费", "石门县", "改革", "县", "乡镇 卫生院", "石门县 磐石镇",
                 "农业特产税", "量子编制"]


@pytest.fixture(scope="module")
def delta_site(tmp_path_factory, browser):
    """Built once (the base index), then one report edited, one added and one removed and
    built again in the same project: the second build's index is the base plus a delta."""
    from tests.browser.conftest import BuiltSite, build_site, copy_project, serve

    project = copy_project(tmp_path_factory.mktemp("delta") / "project")
    for name, text in EXTRA_REPORTS.items():
        (project / "reports" / name).write_text(text, encoding="utf-8")
    build_site(project)
    edited = next(p for p in sorted((project / "reports").glob("*.md")) if "石门县" in p.name)
    edited.write_text(edited.read_text(encoding="utf-8").replace("石门县", "磐石镇"), encoding="utf-8")
    (project / "reports" / "新增报告.md").write_text(
        "---\ntitle: 磐石镇乡镇卫生院调查\nyear: 2021\nregion: 吉林省\n---\n\n磐石镇的乡镇卫生院改革。\n",
        encoding="utf-8")
    (project / "reports" / "税费报告.md").unlink()
    # In the delta, 税费 as a whole word, against 整词报告乙 in the base (税费 glued), which is as
    # long and comes first.
    (project / "reports" / "整词报告丙.md").write_text(
        "---\ntitle: 县供销社年度简结\nyear: 2020\n---\n\n今年减轻税费负担，农民满意。\n", encoding="utf-8")
    site_dir = build_site(project)
    manifest = json.loads((site_dir / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["delta"]["docs"] == 3 and len(manifest["delta"]["removed"]) == 2
    server, thread, base_url = serve(site_dir)
    site = BuiltSite(project, site_dir, base_url)
    yield site, _page_texts(site, browser)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.mark.parametrize("query", DELTA_QUERIES)
def test_a_base_and_delta_index_finds_exactly_the_reports_of_now(page: Page, delta_site, query):
    site, texts = delta_site
    page.goto(site.url())
    found, meta = _header_results(page, query)
    truth = _truth(texts, query)
    assert found == truth, f"{query!r}: missing {truth - found}, extra {found - truth} ({meta})"


def test_the_whole_word_boost_covers_the_delta(page: Page, delta_site):
    site, _ = delta_site
    page.goto(site.url())
    _header_results(page, "税费")
    listed = _listed(page)
    in_delta = next(i for i, url in enumerate(listed) if "整词报告丙" in url)
    in_base = next(i for i, url in enumerate(listed) if "整词报告乙" in url)
    assert in_delta < in_base, listed


def test_the_search_page_facets_cover_the_delta(page: Page, delta_site):
    site, texts = delta_site
    page.goto(site.url("find/?query=磐石镇"))
    count = page.locator(".ra-find-count")
    expect(count).to_contain_text(f"找到 {len(_truth(texts, '磐石镇'))} 篇")
    expect(page.locator('.ra-facet input[data-value="2021"]')).to_have_count(1)
    expect(page.locator('.ra-facet input[data-value="吉林省"]')).to_have_count(1)
