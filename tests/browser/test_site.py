"""The built site in a real browser: Debian's Chromium driven by Playwright.

What the site promises its readers, checked the way a reader meets it: the home page and its
totals, browsing by topic down to a report, the sidebar without reports, Material's full-text
search (Chinese, in a web worker), a newly added report showing up everywhere, no request
leaving the machine, and near-duplicate reports shown once.

Expected values are read from the report files themselves (their YAML front matter), not from
the code under test, so a wrong count or a missing listing makes a test fail.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SEARCH_TIMEOUT = 20_000  # ms: the worker loads lunr and the index before the first answer

# The report test 5 adds to its own copy of the project.
NEW_REPORT_FILE = "测试新增报告-某县机构编制调研.md"
NEW_REPORT_TITLE = "测试新增报告：某县机构编制调研"
NEW_REPORT_WORD = "蓝鲸乡"
NEW_REPORT = f"""---
title: {NEW_REPORT_TITLE}
year: 2011
region: 湖南省常德市石门县
topic: [机构编制]
---

## 调研概况

本次调研走访了独一无二的测试词语{NEW_REPORT_WORD}，了解乡镇机构编制的核定与使用情况。
{NEW_REPORT_WORD}现有行政编制二十名，事业编制三十五名。
"""


# --- what the report files say ---------------------------------------------------------------

def read_reports(reports_dir: Path) -> list[dict]:
    """Every report file's front matter (plus its file name), read with PyYAML. Files under
    `_`-prefixed folders (raw sources) are not reports."""
    reports = []
    for path in sorted(reports_dir.rglob("*.md")):
        if any(part.startswith(("_", ".")) for part in path.relative_to(reports_dir).parts):
            continue
        text = path.read_text(encoding="utf-8")
        match = re.match(r"---\s*\n(.*?)\n---\s*\n", text, re.S)
        assert match, f"{path} has no front matter"
        meta = yaml.safe_load(match.group(1)) or {}
        meta["file"] = path.relative_to(reports_dir).as_posix()
        meta["topic"] = meta.get("topic") or []
        meta["region"] = meta.get("region") or ""
        reports.append(meta)
    return reports


def copies(reports: list[dict]) -> list[dict]:
    """The second copies of an article: the importer names the copy of `X.md` `X-2.md` (篇1/篇2
    of the seed page are the same article) and both carry the same title."""
    by_file = {r["file"]: r for r in reports}
    out = []
    for r in reports:
        m = re.fullmatch(r"(.*)-\d+\.md", r["file"])
        original = by_file.get(f"{m.group(1)}.md") if m else None
        if original is not None and original["title"] == r["title"]:
            out.append(r)
    return out


def shown_reports(reports: list[dict]) -> list[dict]:
    dupes = {r["file"] for r in copies(reports)}
    return [r for r in reports if r["file"] not in dupes]


@pytest.fixture(scope="module")
def reports(built_site) -> list[dict]:
    """The reports the session's site was built from (the copy, so the same files)."""
    found = read_reports(built_site.project / "reports")
    assert found, "no reports in reports/"
    return found


@pytest.fixture(scope="module")
def site_with_new_report(make_site):
    """A fresh copy of the project with one report added, built and served on its own, so
    the other tests' site is not affected."""
    return make_site("browser_project_added", {NEW_REPORT_FILE: NEW_REPORT})


@pytest.fixture(scope="module")
def catalogue(built_site) -> list[dict]:
    return json.loads((built_site.site / "data" / "reports.json").read_text(encoding="utf-8"))


# --- browser helpers ---------------------------------------------------------------------------

def path_of(url: str) -> str:
    """The decoded path of a URL: Chinese paths are percent-encoded in the browser."""
    return unquote(urlsplit(url).path)


def link_targets(page: Page, selector: str) -> list[tuple[str, str]]:
    """(resolved absolute href, raw href attribute) of every link matching `selector`."""
    return page.eval_on_selector_all(selector, """els => els.map(a => {
        const raw = a.getAttribute('href') || '';   // SVG links have no string .href
        return [new URL(raw, document.baseURI).href, raw];
    })""")


def plain(text: str) -> str:
    """Text without the zero-width spaces Material's Chinese search index puts between words."""
    return re.sub(r"[\u200b\s]+", "", text)


def search(page: Page, query: str):
    """Type `query` into Material's header search and return the result items' locator.

    Chinese cannot be typed key by key: Playwright inserts it as text, like an input method
    does. Material reads the field on `keyup`, so a key is pressed afterwards, as the end of
    an input-method composition would be."""
    field = page.locator(".md-search__input")
    field.click()
    page.keyboard.type(query)
    page.keyboard.press("End")
    expect(field).to_have_value(query)
    items = page.locator(".md-search-result__item")
    expect(items.first).to_be_visible(timeout=SEARCH_TIMEOUT)
    return items


def search_result_link(page: Page, query: str, title: str):
    """Search for `query` and return the link of the result whose page title is `title`
    (waiting for it to be rendered)."""
    search(page, query)
    links = page.locator(".md-search-result__item > a.md-search-result__link")
    # The result's title is the page title cut into words by zero-width spaces.
    pattern = re.compile(r"^\s*" + r"[\u200b\s]*".join(map(re.escape, title)) + r"\s*$")
    match = links.filter(has=page.locator("h1", has_text=pattern))
    expect(match.first).to_be_visible(timeout=SEARCH_TIMEOUT)
    titles = [plain(t) for t in links.locator("h1").all_inner_texts()]
    assert title in titles, f"no search result titled {title!r} for {query!r}: {titles}"
    return match.first


def follow(page: Page, link) -> None:
    """Click a link and wait for the page it leads to (Material's instant loading is off, so
    every link is a real navigation)."""
    with page.expect_navigation():
        link.click()


def report_list_titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".ra-report-list li > a").all_inner_texts()]


def report_meta(page: Page) -> dict[str, str]:
    """The report page's metadata block as {label: text}."""
    meta = page.locator(".ra-report-meta")
    expect(meta).to_be_visible()
    labels = meta.locator("dt").all_inner_texts()
    values = meta.locator("dd").all_inner_texts()
    assert len(labels) == len(values), (labels, values)
    return {k.strip(): v.strip() for k, v in zip(labels, values)}


# --- 1. home page ------------------------------------------------------------------------------

def test_home_page_shows_totals_chart_and_browse_links(page: Page, built_site,
                                                      reports, shots_dir):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(built_site.url())
    assert response is not None and response.status == 200
    expect(page.locator("article h1")).to_have_text(re.compile("中国改革报告档案"))

    # The number of reports shown: every report file once, the second copy of the 篇1/篇2 pair
    # merged into the first. For the seed that is 8 files − 1 copy = 7.
    shown = shown_reports(reports)
    stats = {label.strip(): value.strip() for label, value in zip(
        page.locator(".ra-stat .ra-stat-label").all_inner_texts(),
        page.locator(".ra-stat .ra-stat-value").all_inner_texts())}
    assert stats.get("报告") == str(len(shown)), stats
    if len(reports) == 8:
        assert len(shown) == 7  # the seed as committed: 8 articles, 篇1/篇2 merged
    years = sorted({r["year"] for r in shown if r.get("year")})
    assert years, "no report has a year"
    assert stats.get("年份跨度", "").replace(" ", "") == f"{years[0]}–{years[-1]}年", stats

    # The year chart: an inline SVG, one bar per known year.
    chart = page.locator(".ra-chart svg")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(len(years))
    bar_years = sorted(re.search(r"years/(\d{4})/", path_of(href)).group(1)
                       for href, _ in link_targets(page, ".ra-chart svg a"))
    assert bar_years == [str(y) for y in years]

    # Links to the three indexes, and each of them answers.
    for text, target in (("按主题浏览", "/topics/"), ("按年份浏览", "/years/"),
                         ("按地区浏览", "/regions/")):
        link = page.locator("article").get_by_role("link", name=text, exact=True)
        expect(link).to_be_visible()
        href = link.evaluate("a => a.href")
        assert path_of(href) == target, (text, href)
        assert page.request.get(href).status == 200, href

    assert not errors, errors
    if shots_dir:
        page.screenshot(path=str(shots_dir / "home.png"), full_page=True)


# --- 2. browse by topic down to a report -------------------------------------------------------

def test_browse_topic_to_report(page: Page, built_site, reports, shots_dir):
    topic = "医疗卫生"
    expected = [r for r in shown_reports(reports) if topic in r["topic"]]
    assert expected, f"no report in reports/ has the topic {topic}"

    page.goto(built_site.url())
    follow(page, page.locator("article").get_by_role("link", name="按主题浏览", exact=True))
    expect(page).to_have_url(re.compile(r"/topics/$"))
    expect(page.locator("article h1")).to_contain_text("按主题浏览")

    follow(page, page.locator(".ra-counts").get_by_role("link", name=topic, exact=True))
    assert path_of(page.url) == f"/topics/{topic}/", page.url
    expect(page.locator("article h1")).to_contain_text(topic)
    assert sorted(report_list_titles(page)) == sorted(r["title"] for r in expected)

    report = expected[0]
    follow(page, page.locator(".ra-report-list").get_by_role("link", name=report["title"],
                                                             exact=True))
    assert path_of(page.url).startswith("/reports/"), page.url
    expect(page.locator("article h1")).to_have_text(report["title"])

    meta = report_meta(page)
    assert {"年份", "地区", "主题"} <= meta.keys(), meta
    if report.get("year"):
        assert str(report["year"]) in meta["年份"], meta
    else:
        assert "未知" in meta["年份"], meta
    assert meta["地区"] == (report["region"] or "未标注"), meta
    assert all(t in meta["主题"] for t in report["topic"]), meta
    # The topic in the metadata leads back to the topic's page.
    topic_hrefs = [path_of(h) for h, _ in link_targets(page, ".ra-report-meta a")]
    assert f"/topics/{topic}/" in topic_hrefs, topic_hrefs

    if shots_dir:
        page.screenshot(path=str(shots_dir / "report.png"), full_page=True)


# --- 3. reports stay out of the sidebar --------------------------------------------------------

def test_reports_are_not_in_sidebar_navigation(page: Page, built_site, catalogue):
    report_url = next(r["url"] for r in catalogue if r["duplicate_of"] is None)
    for url in (built_site.url(), built_site.url(report_url)):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        links = link_targets(page, ".md-nav a")
        targets = [path_of(href) for href, raw in links]
        # Sanity: the sidebar is there and holds the index pages, so the check is not vacuous.
        assert "/topics/" in targets and "/regions/" in targets, targets
        # Same-page anchors are the page's own table of contents, not navigation to a report.
        into_reports = [path_of(href) for href, raw in links
                        if not raw.startswith("#") and path_of(href).startswith("/reports/")]
        assert into_reports == [], f"{path_of(url)}: sidebar links to reports: {into_reports}"


# --- 4. search ---------------------------------------------------------------------------------

def test_search_finds_report_by_place_name(page: Page, built_site, reports, catalogue):
    target = [r for r in shown_reports(reports) if "石门县" in r["region"]]
    assert target, "no report in reports/ has a region containing 石门县"
    title = target[0]["title"]
    expected_path = next(r["url"] for r in catalogue if r["file"] == target[0]["file"])

    page.goto(built_site.url())
    link = search_result_link(page, "石门县", title)
    assert path_of(link.evaluate("a => a.href")) == expected_path
    follow(page, link)
    assert path_of(page.url) == expected_path, page.url
    expect(page.locator("article h1")).to_have_text(title)
    # The search term is highlighted on the page it leads to (search.highlight).
    expect(page.locator("article mark").first).to_have_text("石门县")


# --- 5. a report added to reports/ appears everywhere after a rebuild ---------------------------

def test_added_report_is_listed_and_searchable(page: Page, site_with_new_report,
                                              built_site, reports):
    site = site_with_new_report
    for index in ("years/2011/", "topics/机构编制/", "regions/湖南省/"):
        response = page.goto(site.url(index))
        assert response is not None and response.status == 200, index
        assert NEW_REPORT_TITLE in report_list_titles(page), f"{index}: {report_list_titles(page)}"
    # …and not in the session's site, which was built without it.
    page.goto(built_site.url("regions/湖南省/"))
    assert NEW_REPORT_TITLE not in report_list_titles(page)

    page.goto(site.url())
    expect(page.locator(".ra-stat").filter(has_text="报告").locator(".ra-stat-value")) \
        .to_have_text(str(len(shown_reports(reports)) + 1))

    link = search_result_link(page, NEW_REPORT_WORD, NEW_REPORT_TITLE)
    follow(page, link)
    expect(page.locator("article h1")).to_have_text(NEW_REPORT_TITLE)
    assert path_of(page.url).startswith("/reports/2011/"), page.url
    meta = report_meta(page)
    assert meta["地区"] == "湖南省常德市石门县" and "机构编制" in meta["主题"], meta


# --- 6. offline: nothing is fetched from outside the machine ----------------------------------

def test_no_request_leaves_the_machine(page: Page, built_site, catalogue):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.context.on("request", lambda request: requests.append(request.url))

    page.goto(built_site.url())
    page.wait_for_load_state("networkidle")
    report_url = next(r["url"] for r in catalogue if r["duplicate_of"] is None)
    page.goto(built_site.url(report_url))
    page.wait_for_load_state("networkidle")
    search(page, "乡镇")
    page.wait_for_load_state("networkidle")

    local = urlsplit(built_site.base_url).netloc
    outside = sorted({u for u in requests
                      if not (u.startswith(("data:", "blob:")) or urlsplit(u).netloc == local)})
    assert outside == [], f"requests leaving 127.0.0.1: {outside}"
    # Sanity: the recording saw the pages, the scripts and the search index.
    paths = {path_of(u) for u in requests}
    assert "/" in paths and unquote(report_url) in paths, paths
    assert "/search/search_index.json" in paths, paths
    assert any(p.endswith(".js") for p in paths) and any(p.endswith(".css") for p in paths), paths


# --- 7. near-duplicates: shown once, the other version listed on the kept page -----------------

def test_duplicate_is_merged_into_kept_page(page: Page, built_site, reports, catalogue):
    duplicates = [r for r in catalogue if r["duplicate_of"]]
    # The seed's 篇1/篇2 pair: the second copy must be recognised as a duplicate.
    expected_copies = {r["file"] for r in copies(reports)}
    assert expected_copies, "no 篇1/篇2 copy in reports/"
    assert expected_copies <= {r["file"] for r in duplicates}, (expected_copies, duplicates)

    for dup in duplicates:
        kept_url = dup["duplicate_of"]
        assert dup["url"] != kept_url  # the duplicate keeps a URL of its own (its file's)
        kept = next(r for r in catalogue if r["url"] == kept_url and not r["duplicate_of"])

        response = page.goto(built_site.url(kept_url))
        assert response is not None and response.status == 200, kept_url
        expect(page.locator("article h1")).to_have_text(kept["title"])
        versions = page.locator(".ra-versions")
        expect(versions).to_be_visible()
        expect(versions.locator("li").filter(has_text=dup["file"])).to_have_count(1)
        expect(versions.locator("li").filter(has_text=kept["file"])).to_have_count(0)

        # The duplicate's own URL (its year and file name) leads to the kept page.
        would_be = kept_url.rsplit("/", 2)[0] + "/" + Path(dup["file"]).stem + "/"
        assert path_of(dup["url"]) == path_of(would_be), (dup["url"], would_be)
        page.goto(built_site.url(dup["url"]))
        page.wait_for_url(lambda url: path_of(url) == path_of(kept_url))
        expect(page.locator("article h1")).to_have_text(kept["title"])
