"""Driving the engines in headless Chromium (Debian's /usr/bin/chromium, Playwright sync API).

Two runners with one interface, `query(text, all_results=…) -> QueryRun`:

* `HeaderSearch` — Material's header search, as a reader uses it: click the box, enter the
  query (Chinese arrives as one text insertion, as from an input method), press End (Material
  reads the box on keyup), wait until the result list shows an answer (a count or "no results"
  in `.md-search-result__meta`), then — for all results — scroll the list until everything is
  rendered (Material renders 10 results, then 4 more each time the list is scrolled to its end)
  and read the links of the top-level items `.md-search-result__item > a`. Used for stock
  Material and for ours (which keeps Material's header search).
* `PagefindAPI` — Pagefind's JavaScript API: `import('/pagefind/pagefind.js')`,
  `search(q)`, then `data()` of the results (all of them, or the first 10 a result list shows).

Timings are taken inside the page with `performance.now()` (milliseconds since navigation
start): for the header search from the `keyup` of the search box (a capture listener) to the
DOM mutation that puts an answer in the result list (a MutationObserver); for Pagefind from
before `search()` to after the results' `data()`.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}

# Meta texts that are not an answer (Material's zh and en strings: initialising, placeholder).
_WAITING_TEXTS = ["", "正在初始化搜索引擎", "键入以开始搜索", "Initializing search",
                  "Type to start searching"]

# Installed in every page before its scripts run: records when the search box sees a keyup and
# when the result list next shows an answer.
_INIT_SCRIPT = """
(() => {
  const WAITING = new Set(%s);
  const B = window.__bench = { keyupAt: null, resultAt: null, value: null, items: 0, meta: '' };
  document.addEventListener('keyup', (e) => {
    const t = e.target;
    if (t && t.matches && t.matches('.md-search__input')) {
      B.keyupAt = performance.now(); B.resultAt = null; B.value = t.value;
    }
  }, true);
  const check = () => {
    if (B.keyupAt === null || B.resultAt !== null || !B.value) return;
    const meta = document.querySelector('.md-search-result__meta');
    const text = meta ? meta.textContent.trim() : '';
    if (WAITING.has(text)) return;
    B.resultAt = performance.now();
    B.items = document.querySelectorAll('.md-search-result__item').length;
    B.meta = text;
  };
  const attach = () => {
    const root = document.querySelector('.md-search-result');
    if (root) new MutationObserver(check).observe(root, { subtree: true, childList: true, characterData: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', attach);
  else attach();
})();
""" % (repr(_WAITING_TEXTS).replace("'", '"'))

# Scrolls Material's result list until every result is rendered; returns the top-level links.
_COLLECT_ALL = """
async (maxMs) => {
  const wrap = document.querySelector('.md-search__scrollwrap');
  const count = () => document.querySelectorAll('.md-search-result__item').length;
  const expected = () => {
    const t = (document.querySelector('.md-search-result__meta')?.textContent || '').trim();
    if (/没有|No matching/i.test(t)) return 0;
    const m = t.match(/\\d+/);
    return (m && !/\\dk/i.test(t)) ? parseInt(m[0], 10) : null;
  };
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const t0 = performance.now();
  let last = -1, stable = 0;
  while (wrap && performance.now() - t0 < maxMs) {
    const n = count(), e = expected();
    if (e !== null && n >= e) break;
    if (n === last) { if (++stable >= 6) break; } else { stable = 0; last = n; }
    wrap.scrollTop = 0; wrap.dispatchEvent(new Event('scroll')); await frame(); await frame();
    wrap.scrollTop = wrap.scrollHeight; wrap.dispatchEvent(new Event('scroll')); await frame(); await frame();
  }
  const links = [...document.querySelectorAll('.md-search-result__item > a')].map((a) => a.href);
  return { links, expected: expected(), complete: expected() === null || links.length >= expected() };
}
"""

_PAGEFIND_QUERY = """
async ([q, limit, timeoutMs]) => {
  const work = async () => {
    const t0 = performance.now();
    if (!window.__pf) {
      window.__pf = await import('/pagefind/pagefind.js');
      await window.__pf.options({ excerptLength: 30 });
    }
    const r = await window.__pf.search(q);
    const shown = limit ? r.results.slice(0, limit) : r.results;
    const data = await Promise.all(shown.map((x) => x.data()));
    return { links: data.map((d) => new URL(d.url, location.href).href), t0,
             t1: performance.now(), total: r.results.length };
  };
  const limitReached = new Promise((_, reject) =>
    setTimeout(() => reject(new Error('Timeout: no answer in ' + timeoutMs + ' ms')), timeoutMs));
  return Promise.race([work(), limitReached]);
}
"""


@dataclass
class QueryRun:
    """One query's outcome: result URLs in rank order, the in-page time to the answer, and
    whether the run hit the time limit or failed."""

    links: list[str] = field(default_factory=list)
    latency_ms: float | None = None      # keyup (or search()) → answer
    answered_at_ms: float | None = None  # performance.now() at the answer: ms since navigation
    total: int | None = None             # results the engine reports having
    timed_out: bool = False
    error: str | None = None


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.add_init_script(_INIT_SCRIPT)
    context.set_default_timeout(30_000)
    return context


class HeaderSearch:
    """Material's header search box (stock Material, and ours)."""

    def __init__(self, page, timeout_s: float = 60):
        self.page = page
        self.timeout_ms = timeout_s * 1000
        self._typed = False

    def open(self, url: str, wait_until: str = "load") -> None:
        self.page.goto(url, wait_until=wait_until, timeout=self.timeout_ms)
        self.page.locator(".md-search__input").wait_for(state="attached", timeout=self.timeout_ms)
        self._typed = False

    def _clear(self) -> None:
        field = self.page.locator(".md-search__input")
        field.fill("")
        self.page.keyboard.press("End")
        try:
            self.page.wait_for_function(
                "() => document.querySelectorAll('.md-search-result__item').length === 0",
                timeout=5_000)
        except Exception:  # an engine may keep the last list on an empty box: go on
            pass

    def query(self, text: str, all_results: bool = True) -> QueryRun:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.page
        field = page.locator(".md-search__input")
        try:
            if self._typed:
                self._clear()
            else:
                field.click()
            page.keyboard.insert_text(text)
            page.keyboard.press("End")
            self._typed = True
            page.wait_for_function("() => window.__bench.resultAt !== null",
                                   timeout=self.timeout_ms, polling=20)
            bench = page.evaluate("() => window.__bench")
            run = QueryRun(latency_ms=bench["resultAt"] - bench["keyupAt"],
                           answered_at_ms=bench["resultAt"])
            if all_results:
                got = page.evaluate(_COLLECT_ALL, 60_000)
                run.links, run.total = got["links"], got["expected"]
                if not got["complete"]:
                    run.error = f"only {len(got['links'])} of {got['expected']} results rendered"
            else:
                run.links = page.eval_on_selector_all(
                    ".md-search-result__item > a", "els => els.map(a => a.href)")
                run.total = _count_from_meta(bench.get("meta", ""))
            return run
        except PlaywrightTimeout:
            return QueryRun(timed_out=True)
        except PlaywrightError as exc:
            return QueryRun(error=str(exc).splitlines()[0][:200])


def _count_from_meta(text: str) -> int | None:
    if re.search(r"没有|No matching", text):
        return 0
    m = re.search(r"\d+", text)
    return int(m.group()) if m and not re.search(r"\dk", text) else None


class PagefindAPI:
    """Pagefind's JS API in a page of the Pagefind site."""

    def __init__(self, page, timeout_s: float = 60):
        self.page = page
        self.timeout_ms = timeout_s * 1000

    def open(self, url: str, wait_until: str = "load") -> None:
        self.page.goto(url, wait_until=wait_until, timeout=self.timeout_ms)

    def query(self, text: str, all_results: bool = True) -> QueryRun:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            got = self.page.evaluate(_PAGEFIND_QUERY, [text, 0 if all_results else 10,
                                                       self.timeout_ms])
        except PlaywrightTimeout:
            return QueryRun(timed_out=True)
        except PlaywrightError as exc:
            message = str(exc).splitlines()[0][:200]
            return QueryRun(timed_out="Timeout" in message, error=message)
        return QueryRun(links=got["links"], latency_ms=got["t1"] - got["t0"],
                        answered_at_ms=got["t1"], total=got["total"])


def runner_for(engine, page, timeout_s: float = 60):
    return (PagefindAPI if engine.ui == "pagefind" else HeaderSearch)(page, timeout_s)
