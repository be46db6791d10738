"""What a researcher does with a report, in Chromium on the seed site (issue 15): the timeline
and the map on the home page lead to the year and region pages, a report lists related
reports and says how to cite it (copied with one click, today as the access date), the topic
pages show their years, and a printed report is the text and its citation, without the site's
chrome. One shared build (conftest's `built_site`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

REPORT = "reports/未知/石门县乡镇医院基本情况/"


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


@pytest.fixture(scope="module")
def catalogue(built_site) -> list[dict]:
    return json.loads((built_site.site / "data" / "reports.json").read_text(encoding="utf-8"))


def test_timeline_is_a_time_axis_with_gaps_and_links(page: Page, built_site, catalogue):
    page.goto(built_site.url())
    chart = page.locator("svg.ra-timeline")
    expect(chart).to_be_visible()
    years = sorted({r["year"] for r in catalogue if r["year"] and r["duplicate_of"] is None})
    bars = chart.locator("rect.ra-bar")
    expect(bars).to_have_count(len(years))
    # One slot per calendar year: the bars' positions follow the years, gaps included.
    xs = [float(x) for x in bars.evaluate_all("rs => rs.map(r => r.getAttribute('x'))")]
    slot = (xs[1] - xs[0]) / (years[1] - years[0])
    assert [round((x - xs[0]) / slot) for x in xs] == [y - years[0] for y in years]
    labels = chart.locator("text").evaluate_all("ts => ts.map(t => t.textContent)")
    assert [y for y in labels if int(y) % 10 == 0] == [str(d) for d in range(years[0] // 10 * 10 + 10, years[-1] + 1, 10)]
    # Reports without a year are counted beside the axis, with a link to their page.
    unknown = sum(1 for r in catalogue if not r["year"] and r["duplicate_of"] is None)
    apart = page.locator(".ra-chart-apart a")
    expect(apart).to_have_text(f"{unknown} 篇年份未知")
    # A bar is a link to its year's page.
    page.locator("svg.ra-timeline a").last.click()
    page.wait_for_url(re.compile(f"/years/{years[-1]}/$"))
    expect(page.locator("article h1")).to_have_text(re.compile(f"{years[-1]}年"))


def test_map_shades_provinces_and_leads_to_region_pages(page: Page, built_site, catalogue):
    page.goto(built_site.url())
    svg = page.locator(".ra-map svg")
    expect(svg).to_be_visible()
    expect(svg.locator("path[class^='ra-map-']:not(.ra-map-line)")).to_have_count(34 + 1)  # + the inset's islands
    shown = [r for r in catalogue if r["duplicate_of"] is None]
    hunan = sum(1 for r in shown if r["region"].startswith("湖南省"))
    link = svg.locator("a[aria-label^='湖南省：']")
    expect(link).to_have_attribute("aria-label", f"湖南省：{hunan} 篇")
    # Shaded: a province with reports is darker than one with none.
    assert link.locator("path").get_attribute("class") != "ra-map-0"
    assert svg.locator("path:has(title:text-is('青海省：0 篇'))").get_attribute("class") == "ra-map-0"
    link.click()
    page.wait_for_url(re.compile("/regions/湖南省/$|/regions/%E6%B9%96%E5%8D%97%E7%9C%81/$"))
    expect(page.locator("article h1")).to_have_text(re.compile("^湖南省"))


def test_reports_off_the_map_are_counted_apart(page: Page, built_site, catalogue):
    page.goto(built_site.url())
    unlabelled = sum(1 for r in catalogue if not r["region"] and r["duplicate_of"] is None)
    expect(page.locator(".ra-map-apart")).to_contain_text(f"未标注地区 {unlabelled} 篇")


def test_related_reports_are_other_shown_reports(page: Page, built_site, catalogue):
    page.goto(built_site.url(REPORT))
    related = page.locator(".ra-related li > a")
    assert 1 <= related.count() <= 5
    shown = {unquote(r["url"]) for r in catalogue if r["duplicate_of"] is None}
    hidden = {unquote(r["url"]) for r in catalogue if r["duplicate_of"] is not None}
    targets = [path_of(h) for h in related.evaluate_all("as => as.map(a => a.href)")]
    assert all(t in shown for t in targets), targets
    assert "/" + REPORT not in targets and not set(targets) & hidden
    related.first.click()
    expect(page.locator(".ra-report-meta")).to_be_visible()


def test_citation_is_copied_with_todays_date(browser, built_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(built_site.url(REPORT))
        cite = page.locator(".ra-cite")
        expect(cite).to_be_visible()
        today = dt.date.today().isoformat()
        gbt = cite.locator("p.ra-cite-text")
        # The page's own address (the site has no site_url): as the browser spells it.
        address = page.evaluate("location.origin + location.pathname")
        expect(gbt).to_have_text(f"湖南省常德市石门县. 石门县乡镇医院基本情况[EB/OL]. [{today}]. {address}.")
        buttons = cite.locator("button.ra-cite-copy")
        expect(buttons).to_have_count(2)
        buttons.first.click()
        expect(buttons.first).to_have_text("已复制")
        assert page.evaluate("navigator.clipboard.readText()") == gbt.inner_text().strip()
        buttons.last.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("@misc{reform-archive-nd-") and f"urldate = {{{today}}}" in copied
        assert "title = {{石门县乡镇医院基本情况}}" in copied
    finally:
        context.close()


def test_printed_report_has_text_and_citation_without_chrome(page: Page, built_site):
    page.goto(built_site.url(REPORT))
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-search", ".md-footer", ".ra-related"):
        assert page.locator(chrome).first.evaluate("e => getComputedStyle(e).display") == "none", chrome
    expect(page.locator(".ra-cite")).to_be_visible()
    expect(page.locator(".ra-cite-copy").first).to_be_hidden()
    expect(page.locator("article h1")).to_be_visible()
    # The citation comes last: nothing of the article is printed after it.
    last = page.evaluate("""() => { const kids = [...document.querySelector('article').children]
        .filter(e => getComputedStyle(e).display !== 'none'); return kids[kids.length - 1].className; }""")
    assert "ra-cite" in last, last
    page.emulate_media(media="screen")
    expect(page.locator(".md-header")).to_be_visible()


def test_topic_page_shows_its_years(page: Page, built_site, catalogue):
    page.goto(built_site.url("topics/乡镇机构改革/"))
    spark = page.locator(".ra-topic-years svg.ra-sparkline")
    expect(spark).to_be_visible()
    years = [r["year"] for r in catalogue if "乡镇机构改革" in r["topic"] and r["year"] and r["duplicate_of"] is None]
    assert re.search(r"最多 \d{4} 年 \d+ 篇", spark.get_attribute("aria-label"))
    assert len(spark.locator("polyline").get_attribute("points").split()) >= max(years) - min(years) + 1


def test_feeds_are_linked_from_the_home_page_and_parse(page: Page, built_site, catalogue):
    page.goto(built_site.url())
    rss = page.locator(".ra-feeds a", has_text="RSS")
    feed = feedparser.parse(page.request.get(rss.evaluate("a => a.href")).body())
    assert not feed.bozo and feed.version == "rss20"
    assert len(feed.entries) == sum(1 for r in catalogue if r["duplicate_of"] is None)
    listed = page.locator("h2:has-text('最新报告') + ul li > a").all_inner_texts()
    assert [e.title for e in feed.entries][: len(listed)] == [t.strip() for t in listed]
    json_href = page.locator(".ra-feeds a", has_text="JSON Feed").evaluate("a => a.href")
    assert page.request.get(json_href).json()["version"] == "https://jsonfeed.org/version/1.1"
