"""The search worker in Chromium: it decodes a built index exactly as format.py declares it, and
every request it gets (Material's setup and header queries, the search page's facets request)
is answered when the index fails to load, never wiping a newer query's results.

The site is real and served by a real server; failures are injected at the network edge
(Playwright's `page.route` answering 500, or holding a request back).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from reform_archive.search.format import SHARD, fnv1a
from tests.browser.conftest import BuiltSite
from tests.search.reader import read_index

pytestmark = pytest.mark.browser

WORKER = "assets/reform-archive/search-worker.js"
FAILED = "搜索出错"


# A long report: its frequent bigrams' positions take files of their own (p/<n>-<i>.bin).
LONG_REPORT = ("---\ntitle: 乡镇卫生院调查汇编\nyear: 2015\nregion: 湖南省\n---\n\n"
               + "\n\n".join(f"第{i}节：乡镇卫生院的床位与人员编制情况良好。" for i in range(1500)) + "\n")


@pytest.fixture(scope="module")
def site(make_site) -> BuiltSite:
    return make_site("worker_project", {"长报告.md": LONG_REPORT})


def _fail(route: Route) -> None:
    route.fulfill(status=500, body="injected failure")


def _type(page: Page, query: str) -> None:
    """A query in Material's header search box (Material reads it on keyup)."""
    field = page.locator(".md-search__input")
    field.click()
    field.fill(query)
    page.keyboard.press("End")


def _wait_until(page: Page, condition, what: str, seconds: float = 15) -> None:
    for _ in range(int(seconds * 20)):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never happened: {what}")


def _expect_header_results(page: Page) -> None:
    expect(page.locator(".md-search-result__meta")).to_have_text(re.compile(r"\d+ 个"), timeout=15_000)
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    expect(page.locator(".ra-search-error")).to_have_count(0)


# --- the worker's decoding, against format.py -----------------------------------------------

DECODE_ENTRIES = """async () => {
  const index = await setup();
  const segment = index.segments[0], shards = [];
  for (let n = 0; n < segment.manifest.shards; n++) {
    const entries = [];
    for (const [key, e] of await shard(segment, n))
      entries.push({ key, kind: e.kind.name, index: e.index,
                     columns: Object.fromEntries(e.kind.item.map(f => [f, Array.from(e[f])])),
                     after: Object.fromEntries(e.kind.after.map(f => [f, e[f]])) });
    shards.push(entries);
  }
  const docinfo = Object.fromEntries(Object.entries(index.docinfo).map(([name, column]) => [name, Array.from(column)]));
  return { shards, docinfo };
}"""

# Asked only once the entries agree: positions read with wrong counts could be any size.
DECODE_POSITIONS = """async () => {
  const segment = (await setup()).segments[0], out = [];
  for (let n = 0; n < segment.manifest.shards; n++) {
    const positions = {};
    for (const [key, e] of await shard(segment, n)) {
      if (!e.kind.positioned) continue;
      const { offsets, positions: all } = await positionsOf(segment, e);
      positions[key] = Array.from({ length: e.doc.length }, (_, d) => Array.from(all.subarray(offsets[d], offsets[d + 1])));
    }
    out.push(positions);
  }
  return out;
}"""


def test_the_worker_decodes_a_built_index_as_the_format_declares(page: Page, site: BuiltSite):
    """The worker's own decodeShard, positionsOf and docinfo reading (its script as the site
    serves it, loaded into a page of the site, nothing reimplemented) against a plain Python
    reading of the same files by format.py: every entry of every shard, every bigram's
    positions."""
    page.route(site.url("decode-check.html"),
               lambda route: route.fulfill(body="<!doctype html><meta charset=utf-8><title>decode</title>",
                                           content_type="text/html"))
    page.goto(site.url("decode-check.html"))
    page.add_script_tag(content=(site.site / WORKER).read_text(encoding="utf-8"))
    decoded = page.evaluate(DECODE_ENTRIES)

    truth = read_index(site.site / "search")
    assert len(decoded["shards"]) == len(truth.shards) == truth.manifest.shards
    kinds = set()
    for n, (got, expected) in enumerate(zip(decoded["shards"], truth.shards)):
        assert [e["key"] for e in got] == list(expected), f"g/{n}.bin: keys"
        for entry in got:
            want = expected[entry["key"]]
            assert (entry["kind"], entry["index"], entry["columns"], entry["after"]) == (
                want.kind.name, want.index, want.columns, want.after), f"g/{n}.bin: {entry['key']!r}"
            kinds.add(entry["kind"])
    assert decoded["docinfo"] == truth.docinfo

    positions = page.evaluate(DECODE_POSITIONS)
    assert {(n, key): p for n, shard in enumerate(positions) for key, p in shard.items()} == truth.positions
    # Not a comparison of nothing: every kind of entry, and positions of both kinds of file.
    assert kinds == {"unigram", "bigram", "shortWord", "exactWord"}
    sizes = [e.after["positionBytes"] for shard in truth.shards for e in shard.values() if e.after]
    assert min(sizes) <= truth.manifest.pack_bytes < max(sizes)


# --- error paths -----------------------------------------------------------------------------

@pytest.mark.parametrize("failing, detail", [
    ("**/search/manifest.json", "manifest.json: HTTP 500"),
    ("**/search/docinfo.bin", "docinfo.bin: HTTP 500"),
    ("**/search/g/*.bin", "HTTP 500"),
    ("**/search/lines.json.gz", "lines.json.gz: HTTP 500"),
    ("**/search/facets.json", "facets.json: HTTP 500"),
], ids=["manifest", "docinfo", "shards", "lines", "facets"])
def test_the_search_page_says_when_the_index_fails_and_recovers(page: Page, site: BuiltSite, failing, detail):
    page.route(failing, _fail)
    page.goto(site.url("find/?query=乡镇"))
    error = page.locator(".ra-find-error")
    expect(error).to_contain_text(FAILED)
    expect(error).to_contain_text(detail)
    expect(page.locator(".ra-find-list")).to_have_count(0)

    # Once the files load again, the same page searches again: nothing failed stays cached.
    page.unroute(failing)
    page.locator("#ra-find input[name=q]").press("Enter")
    expect(page.locator(".ra-find-count")).to_contain_text("找到")
    expect(error).to_have_count(0)
    expect(page.locator(".ra-find-list > li").first).to_be_visible()
    # and the header search, whose worker met the same failures, works on it too.
    _type(page, "石门县")
    _expect_header_results(page)


def test_the_header_search_works_while_the_facets_fail(page: Page, site: BuiltSite):
    page.route("**/search/facets.json", _fail)
    page.goto(site.url("find/?query=乡镇"))
    expect(page.locator(".ra-find-error")).to_contain_text("facets.json")
    _type(page, "石门县")
    _expect_header_results(page)


def test_the_search_page_says_when_its_worker_cannot_start(page: Page, site: BuiltSite):
    page.route(f"**/{WORKER}", _fail)
    page.goto(site.url("find/?query=乡镇"))
    expect(page.locator(".ra-find-error")).to_contain_text(FAILED)


def test_a_failed_setup_is_answered_and_the_next_query_loads_the_index(page: Page, site: BuiltSite):
    """Material sends no query before the worker's READY: a setup that fails must still answer,
    or the header search is dead for the page's life."""
    failed = []
    page.route("**/search/manifest.json", lambda route: (failed.append(route.request.url), _fail(route)))
    page.goto(site.url())
    _wait_until(page, lambda: failed, "the worker's setup asks for the manifest")
    _type(page, "石门县")
    expect(page.locator(".ra-search-error")).to_contain_text("manifest.json: HTTP 500")
    expect(page.locator(".md-search-result__item")).to_have_count(0)
    page.unroute("**/search/manifest.json")
    _type(page, "石门")
    _expect_header_results(page)


def test_a_failed_header_query_says_so_and_a_later_one_works(page: Page, site: BuiltSite):
    page.goto(site.url())
    page.route("**/search/g/*.bin", _fail)
    _type(page, "石门县")
    expect(page.locator(".ra-search-error")).to_contain_text(FAILED)
    expect(page.locator(".md-search-result__meta")).not_to_contain_text("没有")   # not "no results"
    expect(page.locator(".md-search-result__item")).to_have_count(0)
    page.unroute("**/search/g/*.bin")
    _type(page, "石门")
    _expect_header_results(page)
    _type(page, "石门县")   # the query that failed, its shards asked for again
    _expect_header_results(page)


def _shard_of(site: BuiltSite, gram: str) -> int:
    import json

    manifest = json.loads((site.site / "search" / "manifest.json").read_text(encoding="utf-8"))
    return fnv1a(gram) % manifest["shards"]


def _fail_and_wait(page: Page, held: Route) -> None:
    """Fails a held request, and waits until the worker has met the failure: it logs the error
    right before it answers, if it answers (its console reaches the page's)."""
    with page.expect_console_message(lambda m: m.type == "error" and "HTTP 500" in m.text):
        held.fulfill(status=500, body="injected failure")
    page.wait_for_timeout(300)   # its answer, if it gave one, is in by now


def _older_query(site: BuiltSite, newer: str) -> str:
    """A character of the archive whose shard is none of the ones `newer` needs (its bigrams')."""
    needed = {_shard_of(site, newer[i : i + 2]) for i in range(len(newer) - 1)}
    return next(c for c in "乡镇政府改革机构人员编制工作" if _shard_of(site, c) not in needed)


def test_a_stale_failure_never_wipes_the_newest_results(page: Page, site: BuiltSite):
    """A query whose shard is slow, then fails, after a newer query has listed its results:
    the failure is the old query's, and the newer results stay."""
    newer = "石门县"
    older = _older_query(site, newer)
    held: list[Route] = []
    page.route(f"**/search/{SHARD.path(shard=_shard_of(site, older))}", lambda route: held.append(route))
    page.goto(site.url())
    _type(page, older)
    _wait_until(page, lambda: held, "the older query asks for its shard")
    _type(page, newer)
    _expect_header_results(page)
    listed = page.locator(".md-search-result__item").count()
    _fail_and_wait(page, held[0])
    expect(page.locator(".md-search-result__item")).to_have_count(listed)
    expect(page.locator(".ra-search-error")).to_have_count(0)


def test_a_stale_failure_never_wipes_the_search_pages_newest_results(page: Page, site: BuiltSite):
    newer = "石门县"
    older = _older_query(site, newer)
    held: list[Route] = []
    page.route(f"**/search/{SHARD.path(shard=_shard_of(site, older))}", lambda route: held.append(route))
    page.goto(site.url(f"find/?query={older}"))
    _wait_until(page, lambda: held, "the older query asks for its shard")
    box = page.locator("#ra-find input[name=q]")
    box.fill(newer)
    box.press("Enter")
    count = page.locator(".ra-find-count")
    expect(count).to_contain_text("找到")
    shown = count.inner_text()
    _fail_and_wait(page, held[0])
    expect(count).to_have_text(shown)
    expect(page.locator(".ra-find-error")).to_have_count(0)


def test_a_first_query_asks_for_its_shards_while_docinfo_is_still_coming(page: Page, site: BuiltSite):
    """READY follows the manifest: docinfo.bin (ranking's lengths) is fetched beside the first
    query's shards, not one round before them; the results wait for it, then come."""
    held: list[Route] = []
    page.route("**/search/docinfo.bin", lambda route: held.append(route))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(site.url())
    _wait_until(page, lambda: held, "the worker asks for docinfo.bin")
    _type(page, "石门县")
    _wait_until(page, lambda: any("/search/g/" in url for url in asked), "the query's shards are asked for")
    expect(page.locator(".md-search-result__item")).to_have_count(0)   # not ranked without docinfo
    for route in held:
        route.continue_()
    _expect_header_results(page)
