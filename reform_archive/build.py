"""One build of the archive's site, whatever generator runs it.

The MkDocs plugin hands each of its events to an `ArchiveBuild`, in this order:

0. `set_aside_site` before MkDocs empties the site folder, `bring_back_site` after: what the
   last build placed there and this one wants as it is stays (`kept_site.py`);
1. `read_archive` — every report read, validated and deduplicated (`archive.py`);
2. `generated` — the pages, exports and assets made from the archive (`site/`, `search/`);
3. `reuse` — of the pages outside the navigation, those an earlier build finished from the same
   inputs are kept in the site folder or taken from the cache (`rendered.py`) and never
   rendered; the rest are returned to be rendered;
4. `report_html` — a rendered report page's HTML, sanitised, its text kept for search;
5. `page_written` — a finished page, pointed at our search worker and kept for the next build;
6. `finish` — the reused pages put in place, the cache pruned, the search index written, and
   what was placed recorded for the next build.

Nothing here imports MkDocs: what MkDocs decides (a page's URL and place in the site folder,
the signature of everything around a page) comes in as plain values.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .archive import Archive, ArchivedReport, load_archive
from .cache import ContentCache
from .cache_file import damage_problem
from .code_graph import code_version
from .kept_site import KeptSite
from .language.gazetteer import region_levels
from .problems import ArchiveError
from .rendered import RenderedPages
from .search.builder import INDEX_DIR, UI_SCRIPT, WORKER, SearchIndexBuilder, use_our_worker
from .search.scripts import asset
from .search.index import LINES_TABLE_MAX_BYTES
from .search.text import page_text_and_headings
from .site.disk import disk_links, write_script_copies
from .site.generate import GeneratedFile, generate_site
from .site.page_digests import PageDigests
from .site.indexes import keyword_groups
from .site.pages import report_header, report_tail, source_label
from .site.related import CUTTER as RELATED_CUTTER
from .site.related import RelatedReports, related_reports
from .site.sanitize import sanitize_report_page
from .theme import search_index_script

CACHE_DIR = ".cache/reform-archive"   # beside mkdocs.yml
# What a report page's cache entry is derived by: sanitising its HTML, extracting its text.
PAGE_CODE = ("reform_archive.site.sanitize", "reform_archive.search.text", "reform_archive.site.pages")


@dataclass(frozen=True)
class BuildOptions:
    reports_dir: Path
    project_dir: Path              # problems name files from here
    cache_dir: Path | None         # None: nothing kept between builds
    keep_going: bool = False       # build despite errors, leaving those reports out
    lines_table_max: int = LINES_TABLE_MAX_BYTES
    warn: Callable[[str], None] = print   # where warnings about a report go (the build log)
    for_disk: bool = False         # to be opened from file:// (site/disk.py)


@dataclass(frozen=True)
class PagePlace:
    """Where the generator puts a generated page: its site path and URL."""

    page: GeneratedFile
    dest_uri: str
    url: str


@dataclass
class BuildSummary:
    shown: int = 0
    merged: int = 0
    reused: int = 0
    rendered: int = 0
    indexed: int = 0
    index_bytes: int = 0
    index_how: str = ""


@dataclass
class ArchiveBuild:
    options: BuildOptions
    search: SearchIndexBuilder = field(init=False)
    page_cache: ContentCache = field(init=False)
    archive: Archive | None = None
    rendered: RenderedPages = field(init=False)
    reused: dict[str, str] = field(default_factory=dict)    # site path of a reused page → its key
    pending: dict[str, str] = field(default_factory=dict)   # src_uri of a page rendered now → its key
    reports: dict[str, ArchivedReport] = field(default_factory=dict)  # src_uri → report rendered now
    identities: dict[str, str] = field(default_factory=dict)  # src_uri → its search identity
    texts: dict[str, tuple] = field(default_factory=dict)   # src_uri → (text, headings), until kept
    warnings: dict[str, list[str]] = field(default_factory=dict)  # src_uri → external images, until kept
    summary: BuildSummary = field(default_factory=BuildSummary)
    keyword_pages: frozenset[str] = frozenset()   # the keywords that have a page of their own
    related: RelatedReports = field(default_factory=lambda: RelatedReports({}))
    base_url: str = "/"
    shown_by_key: dict[str, ArchivedReport] = field(default_factory=dict)
    page_digests: PageDigests | None = None
    site: KeptSite | None = None
    kept: dict[str, str] = field(default_factory=dict)      # site path of a page kept in place → its key
    pending_dest: dict[str, str] = field(default_factory=dict)  # src_uri of a page rendered now → site path
    page_warnings: dict[str, list[str]] = field(default_factory=dict)  # site path → its report's warnings

    def __post_init__(self) -> None:
        self.search = SearchIndexBuilder(self.options.lines_table_max, on_damage=self.cache_damaged)
        self.page_cache = ContentCache(self.options.cache_dir, "pages", code_version(*PAGE_CODE),
                                       on_damage=self.cache_damaged)
        self.rendered = RenderedPages(None, "")

    def set_aside_site(self, site_dir: Path) -> None:
        """Before the generator empties the site folder: what the last build placed is moved
        out of its way (kept_site.py). Without a cache, nothing is kept."""
        self.site = KeptSite(site_dir, self.options.cache_dir, self.cache_damaged)
        self.site.set_aside()

    def bring_back_site(self) -> None:
        """After the generator emptied the site folder: what was set aside is back, to be kept
        or deleted by `reuse`."""
        if self.site is not None:
            self.site.bring_back()

    def read_archive(self) -> Archive:
        """The archive; raises `ArchiveError` (every problem) when a report has an error, unless
        the build keeps going without those reports. Problems are in `archive.problems`."""
        archive = load_archive(self.options.reports_dir, label_root=self.options.project_dir,
                               cache_dir=self.options.cache_dir)
        if archive.errors and not self.options.keep_going:
            raise ArchiveError(archive.problems)
        self.archive = archive
        self.keyword_pages = frozenset(keyword_groups(archive))
        self.shown_by_key = {r.key: r for r in archive.shown}
        self.summary.shown = len(archive.shown)
        self.summary.merged = len(archive.reports) - len(archive.shown)
        return archive

    def generated(self, base_url: str) -> list[GeneratedFile]:
        """Every file made from the archive: pages, exports, stylesheet, the search's scripts."""
        assert self.archive is not None, "read_archive first"
        assets = [GeneratedFile(path, asset(name)) for name, path in
                  (("search-worker.js", WORKER), ("search-ui.js", UI_SCRIPT))]
        self.related = related_reports(self.archive, self.options.cache_dir, self.cache_damaged)
        self.base_url = base_url
        self.page_digests = PageDigests(self.options.cache_dir, self.cache_damaged)
        files = assets + generate_site(self.archive, base_url, self.related, self.page_digests)
        if self.options.for_disk:  # the redirect pages are written as they are, not by the theme
            files = [GeneratedFile(f.src_uri, disk_links(f.content), f.is_report)
                     if f.src_uri.endswith(".html") else f for f in files]
        return files

    def reuse(self, places: list[PagePlace], rendered: RenderedPages, site_dir: Path) -> list[PagePlace]:
        """The pages of `places` to render: those the cache of finished pages has are taken from
        it (at `finish`), and their reports' search entries from beside them."""
        assert self.archive is not None, "read_archive first"
        self.rendered = rendered
        reports = {r.src_uri: r for r in self.archive.shown}
        to_render = []
        for place in places:
            page = place.page
            digest = page.digest   # a page an earlier build made from the same inputs: not made now
            key = rendered.key(page.src_uri, digest)
            archived = reports.get(page.src_uri) if page.is_report else None
            identity = rendered.identity(page.src_uri, _searched_digest(archived)) if archived else ""
            if self._kept_in_place(place.dest_uri, key):
                self.kept[place.dest_uri] = key
                warnings = self.page_warnings[place.dest_uri] = self.site.warnings(place.dest_uri)
                if archived is not None:
                    self._warn_external(archived, warnings)
                    self._add_to_search(place.url, archived, identity, lambda key=key: rendered.search_entry(key))
                continue
            warnings = rendered.reusable(key)
            if warnings is not None:
                self.page_warnings[place.dest_uri] = warnings
                self.reused[place.dest_uri] = key
                if archived is not None:
                    self._warn_external(archived, warnings)
                    self._add_to_search(place.url, archived, identity, lambda key=key: rendered.search_entry(key))
                continue
            to_render.append(place)
            self.pending[page.src_uri] = key
            self.pending_dest[page.src_uri] = place.dest_uri
            # The generator writes pages in place; an old page there may be a link into the cache.
            (site_dir / place.dest_uri).unlink(missing_ok=True)
            if archived is not None:
                self.reports[page.src_uri] = archived
                self.identities[page.src_uri] = identity
        if self.site is not None:
            # The search index's files stay for `finish` to keep or replace; every other file
            # is written again by the generator or placed from the cache.
            site = self.site
            site.clear_except(lambda path: path in self.kept or (path.startswith(INDEX_DIR + "/")
                                                                  and site.unchanged(path)))
        self.summary.reused, self.summary.rendered = len(self.reused) + len(self.kept), len(self.pending)
        if self.page_digests is not None:
            self.page_digests.save()
        return to_render

    def _kept_in_place(self, dest: str, key: str) -> bool:
        """Whether the page at `dest` is the finished page `key` as the last build placed it
        (and the cache still has its search entry, which the index may need to read)."""
        return self.site is not None and self.site.holds(dest, key) and self.rendered.has_search_entry(key)

    def cache_damaged(self, path: Path) -> None:
        """A damaged cache file was found (and left unused: what it held is made again and
        written over it): one warning line names it."""
        self.options.warn(str(damage_problem(path, self.options.project_dir)))

    def is_report(self, src_uri: str) -> bool:
        return src_uri in self.reports

    def report_html(self, src_uri: str, url: str, html: str) -> str | None:
        """A report page's rendered HTML, sanitised (None: not a report; leave it as it is).
        Its ids are prefixed (`site.sanitize.report_anchor`: the caller prefixes its table of
        contents alike); an image from outside the site becomes a link, with a warning.
        Sanitising and text extraction depend on the HTML and our blocks in it only: cached
        by them."""
        archived = self.reports.get(src_uri)
        if archived is None:
            return None
        head = report_header(archived, self.keyword_pages)
        tail = report_tail(archived, self._related(archived), self.base_url)
        key = self.page_cache.key("\0".join((html, head, tail)))
        cached = self.page_cache.get(key)
        if cached is None or len(cached) != 4:
            clean, external = sanitize_report_page(html, head, tail)
            cached = (clean, *page_text_and_headings(clean), external)
            self.page_cache.put(key, cached)
        html, text, headings, external = cached
        self._warn_external(archived, external)
        self.warnings[src_uri] = list(external)
        self.texts[src_uri] = (text, headings)
        self._add_to_search(url, archived, self.identities.get(src_uri), (text, headings))
        return html

    def _related(self, archived: ArchivedReport) -> list[ArchivedReport]:
        return self.related.of(archived, self.shown_by_key)

    def _warn_external(self, archived: ArchivedReport, urls: list[str]) -> None:
        if not urls:
            return
        path = archived.report.path
        name = Path(os.path.relpath(path, self.options.project_dir)).as_posix() if path else archived.key
        for url in urls:
            self.options.warn(f"{name}: image from outside the site not loaded, shown as a link: {url} "
                              "/ 外部图片未加载，改为链接")

    def page_written(self, src_uri: str, output: str) -> str:
        """A finished page (any page of the site): its header search uses our worker, and a page
        rendered from the archive is kept for the next build."""
        output = use_our_worker(output)
        if self.options.for_disk:
            output = disk_links(output)
        key = self.pending.get(src_uri)
        if key is not None:
            warnings = self.page_warnings[self.pending_dest[src_uri]] = self.warnings.pop(src_uri, [])
            self.rendered.store(key, output, self.texts.pop(src_uri, ("", [])), warnings)
        return output

    def finish(self, site_dir: Path) -> BuildSummary:
        made: set[Path] = set()
        for dest, key in self.reused.items():
            self.rendered.place(key, site_dir / dest, made)
        self.rendered.prune(set(self.reused.values()) | set(self.pending.values()) | set(self.kept.values()))
        site = self.site
        in_place = {}
        if site is not None:
            prefix = INDEX_DIR + "/"
            in_place = {path[len(prefix):]: (site.record[path][0], site.size(path))
                        for path in site.found if path.startswith(prefix) and site.unchanged(path)}
        self.summary.index_bytes = self.search.write(site_dir, self.options.cache_dir, in_place)
        if self.options.for_disk:  # what the search reads, as scripts a file:// page may load
            search_index_script(site_dir)
            write_script_copies(site_dir, [INDEX_DIR, WORKER])
        self.summary.indexed = len(self.search.entries)
        if site is not None:
            pages = {**self.reused, **self.kept, **{self.pending_dest[src]: key for src, key in self.pending.items()}}
            placed = {dest: (key, self.page_warnings.get(dest, [])) for dest, key in pages.items()}
            placed.update((f"{INDEX_DIR}/{name}", (base, [])) for name, base in self.search.placed.items())
            site.save(placed, untouched={*self.kept, *(f"{INDEX_DIR}/{name}" for name in self.search.untouched)})
        self.summary.index_how = (
            "built in full" if self.search.rebuilt_base else
            f"reused, with {self.search.delta_docs} new and {self.search.removed_docs} removed")
        return self.summary

    def _add_to_search(self, url: str, archived: ArchivedReport, identity: str | None,
                       content: tuple | Callable[[], tuple]) -> None:
        """`content`: (text, headings), or a function that reads them when the index needs them."""
        report = archived.report
        levels = region_levels(report.region)
        self.search.add_text(url, report.title, content, identity=identity, year=report.year,
                             region=report.region, regions=levels, topics=report.topics,
                             keywords=list(dict.fromkeys(report.keywords)), source=source_label(report.source) if report.source else "")


def _searched_digest(archived: ArchivedReport) -> bytes:
    """What a report's search entry is made of: its own front matter and text. Not its page's
    whole Markdown: the related list and the other versions below the text follow other
    reports, and a new report must not make theirs new entries of the index's delta."""
    r = archived.report
    # The body by its digest (made once, when the file was read): hashing 10,000 bodies again
    # was a few tenths of every build.
    return hashlib.sha256(repr((r.title, r.year, r.region, r.topics, r.keywords, r.source)).encode("utf-8")
                          + b"\0" + archived.digest).digest()


def prepare_for_rebuilds() -> threading.Thread:
    """Makes, in the background, what a rebuild after a report is added or edited needs and a
    build from the cache did not make: the search index's and the related reports' word cutters
    (jieba's dictionary into jieba-rs: a second of the first live reload). `serve` rebuilds in
    its own process, so they are made once, while it waits for the first change."""
    from .language.segment import segmenter

    def make() -> None:
        segmenter.plain_cutter()
        RELATED_CUTTER.made()

    thread = threading.Thread(target=make, name="reform-archive: word cutters", daemon=True)
    thread.start()
    return thread
