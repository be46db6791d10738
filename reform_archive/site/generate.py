"""Everything the site is made of that is generated from the archive, as {path: content}:
report pages, index pages, the home page, the catalogue export and the stylesheet."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib.resources import files

from ..archive import Archive, ArchivedReport
from ..theme import FILE_ORIGIN_SCRIPT, PRIMARY_BUTTON_CLASS
from .catalogue import CATALOGUE_CSV, CATALOGUE_JSON, catalogue_csv, catalogue_json, catalogue_records
from .feeds import JSON_FEED, RSS_FEED, json_feed, rss_feed
from .html import front_matter
from .indexes import home_page, keyword_groups, keyword_pages, region_pages, topic_pages, year_pages
from .page_digests import Deferred, PageDigests
from .pages import report_page
from .redirects import redirect_page, redirect_path
from .related import RelatedReports

STYLESHEET = "assets/reform-archive.css"
REPORT_SCRIPT = "assets/report-tools.js"   # a report page's citation: copy buttons, today's date

# The search page: the form and containers; search-ui.js fills them from the search worker.
FIND_PAGE = front_matter("搜索", hide_toc=True) + f"""# 搜索

<div id="ra-find" markdown="0">
<form class="ra-find-form" role="search">
<input type="search" name="q" placeholder="输入词语，多个词用空格分开；用引号搜索短语" autocomplete="off" aria-label="搜索">
<button type="submit" class="{PRIMARY_BUTTON_CLASS}">搜索</button>
</form>
<div class="ra-find-body">
<details class="ra-find-filters"><summary>筛选（年份、地区、主题）</summary>
<aside class="ra-find-facets" aria-label="筛选"></aside>
</details>
<section class="ra-find-results" aria-live="polite"></section>
</div>
</div>
"""


# Generated pages in the sidebar; reports and index sub-pages stay out of it (the index pages
# lead to them): a navigation of thousands of entries would be copied into every page.
NAV_PAGES = ("index.md", "topics/index.md", "years/index.md", "regions/index.md", "keywords/index.md",
             "find.md")


def markdown_digest(markdown: str) -> bytes:
    """The hash a page's Markdown is known by (the finished-page cache's key is made from it)."""
    return hashlib.sha256(markdown.encode("utf-8")).digest()


class GeneratedFile:
    """A generated file: its path and content. A report page's content may be made only when
    asked for (`make`), its hash known without it (`digest`: see page_digests.py)."""

    def __init__(self, src_uri: str, content: str | Callable[[], str], is_report: bool = False,
                 digest: bytes | None = None, on_digest: Callable[[bytes], None] | None = None) -> None:
        self.src_uri, self.is_report = src_uri, is_report
        self._content, self._digest, self._on_digest = content, digest, on_digest

    @property
    def content(self) -> str:
        if callable(self._content):
            self._content = self._content()
        return self._content

    @property
    def digest(self) -> bytes:
        """`markdown_digest` of the content."""
        if self._digest is None:
            self._digest = markdown_digest(self.content)
            if self._on_digest is not None:
                self._on_digest(self._digest)
        return self._digest

    @property
    def made(self) -> bool:
        return not callable(self._content)

    @property
    def is_page(self) -> bool:
        return self.src_uri.endswith(".md")

    @property
    def in_nav(self) -> bool:
        return self.src_uri in NAV_PAGES


def generate_site(archive: Archive, base_url: str = "/", related: RelatedReports | None = None,
                  digests: PageDigests | None = None) -> list[GeneratedFile]:
    """With `digests`, a report page whose inputs an earlier build saw is made only if its
    content is asked for (to render it); `digests.save()` keeps what this build learnt."""
    related = related or RelatedReports({})
    groups = keyword_groups(archive)   # a third of a second at 10,000 reports: made once
    paged = frozenset(groups)
    by_key = {r.key: r for r in archive.shown}
    out = [_report_file(r, related.of(r, by_key), base_url, paged, digests) for r in archive.shown]
    # A hidden version's URL leads to the version shown (site/redirects.py).
    out += [GeneratedFile(redirect_path(r), redirect_page(r)) for r in archive.reports if not r.shown]
    pages = {"index.md": home_page(archive), "find.md": FIND_PAGE}
    pages.update(topic_pages(archive, digests))
    pages.update(year_pages(archive, digests))
    pages.update(region_pages(archive, digests))
    pages.update(keyword_pages(archive, digests, groups))
    out += [_deferred_file(uri, content, digests) if isinstance(content, Deferred) else GeneratedFile(uri, content)
            for uri, content in pages.items()]
    records = catalogue_records(archive, base_url)
    out.append(GeneratedFile(CATALOGUE_JSON, catalogue_json(records)))
    out.append(GeneratedFile(CATALOGUE_CSV, catalogue_csv(records)))
    out.append(GeneratedFile(RSS_FEED, rss_feed(archive, base_url)))
    out.append(GeneratedFile(JSON_FEED, json_feed(archive, base_url)))
    here = files("reform_archive.site")
    for path, name in ((STYLESHEET, "reform-archive.css"), (FILE_ORIGIN_SCRIPT, "file-origin.js"),
                       (REPORT_SCRIPT, "report-tools.js")):
        out.append(GeneratedFile(path, here.joinpath(name).read_text(encoding="utf-8")))
    return out


def _deferred_file(uri: str, page: Deferred, digests: PageDigests, is_report: bool = False) -> GeneratedFile:
    return GeneratedFile(uri, page.make, is_report, digest=digests.get(page.inputs),
                         on_digest=lambda digest: digests.put(page.inputs, digest))


def _report_file(r: ArchivedReport, related: list[ArchivedReport], base_url: str,
                 paged: frozenset[str], digests: PageDigests | None) -> GeneratedFile:
    def make() -> str:
        return report_page(r, related, base_url, paged)

    if digests is None:
        return GeneratedFile(r.src_uri, make(), True)
    return _deferred_file(r.src_uri, Deferred(make, digests.inputs(r, related, base_url, paged)), digests, True)
