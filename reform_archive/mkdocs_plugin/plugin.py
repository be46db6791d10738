"""The MkDocs plugin: wires MkDocs events to the archive's modules, and does nothing else.

on_config  → the archive's vocabulary for Material's jieba search, our stylesheet
on_files   → load and validate reports, deduplicate, add the generated pages and exports
on_page_content → sanitise report HTML; collect the pages' text for search
on_post_page → point Material's header search at our worker
on_post_build → write the search index
on_serve   → rebuild when a report is added or edited
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..archive import ArchivedReport, load_archive
from ..cache import ContentCache, code_version
from ..problems import ArchiveError
from ..site.generate import STYLESHEET, generate_site
from ..search.builder import UI_SCRIPT, WORKER, SearchIndexBuilder, asset, use_our_worker
from ..search.text import page_text_and_headings
from ..site.indexes import region_levels
from ..site.sanitize import sanitize_html
from .config import ReformArchiveConfig

log = logging.getLogger("mkdocs.plugins.reform_archive")
CACHE_DIR = ".cache/reform-archive"
# What a report page's cache entry is derived by: sanitising its HTML, extracting its text.
PAGE_CODE = (("site/sanitize.py", "search/text.py"), ("nh3",))
REPORTS_ENV = "REFORM_ARCHIVE_REPORTS"
KEEP_GOING_ENV = "REFORM_ARCHIVE_KEEP_GOING"


class ReformArchivePlugin(BasePlugin[ReformArchiveConfig]):
    def __init__(self) -> None:
        self.report_pages: dict[str, ArchivedReport] = {}
        self.search = SearchIndexBuilder()
        self.page_cache = ContentCache(None, "pages", "")

    def _reports_dir(self, config: MkDocsConfig) -> Path:
        folder = os.environ.get(REPORTS_ENV) or self.config.reports_dir
        return Path(config.config_file_path).parent / folder

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        if self.config.segment_search:
            _share_dictionary_with_search()
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if UI_SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(UI_SCRIPT)
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        self.search = SearchIndexBuilder(self.config.search_lines_table_kb * 1024)
        folder = Path(config.config_file_path).parent / CACHE_DIR if self.config.cache else None
        self.page_cache = ContentCache(folder, "pages", code_version(*PAGE_CODE))

    # After other plugins have added their files, so generated pages cannot be shadowed.
    @event_priority(-50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path).parent
        archive = load_archive(self._reports_dir(config), label_root=root)
        for problem in archive.problems:
            (log.error if problem.is_error else log.warning)(str(problem))
        if archive.errors:
            if not (self.config.keep_going or os.environ.get(KEEP_GOING_ENV) == "1"):
                raise PluginError(str(ArchiveError(archive.problems)))
            log.warning(f"reform-archive: --keep-going: {len(archive.left_out)} report file(s) left "
                        f"out of the site because of errors / 以下报告因错误未收录: "
                        + ", ".join(archive.left_out))
        base_url = config.site_url or "/"
        self.report_pages = {}
        reports_by_uri = {r.src_uri: r for r in archive.shown}
        for name, path in (("search-worker.js", WORKER), ("search-ui.js", UI_SCRIPT)):
            files.append(File.generated(config, path, content=asset(name)))
        for generated in generate_site(archive, base_url):
            existing = files.get_file_from_path(generated.src_uri)
            if existing is not None:
                if generated.src_uri == "index.md":
                    continue  # a hand-written home page wins over the generated one
                files.remove(existing)
            # Reports and index sub-pages stay out of the sidebar: the index pages lead to them.
            in_nav = generated.src_uri in ("index.md", "topics/index.md", "years/index.md",
                                           "regions/index.md", "find.md")
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, generated.src_uri, content=generated.content,
                                        inclusion=inclusion))
            if generated.is_report:
                self.report_pages[generated.src_uri] = reports_by_uri[generated.src_uri]
        log.info(f"reform-archive: {len(archive.shown)} reports shown, "
                 f"{len(archive.reports) - len(archive.shown)} duplicates merged")
        return files

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        archived = self.report_pages.get(page.file.src_uri)
        if archived is not None:
            # Sanitising and text extraction depend on the rendered HTML only: cached by it.
            key = self.page_cache.key(html)
            cached = self.page_cache.get(key)
            if cached is None:
                clean = sanitize_html(html)
                cached = (clean, *page_text_and_headings(clean))
                self.page_cache.put(key, cached)
            html, text, headings = cached
            report = archived.report
            levels = region_levels(report.region)
            self.search.add_text(
                page.url, report.title, text, year=report.year, region=report.region,
                province=levels[0] if levels else "", topics=report.topics, headings=headings)
            return html
        # Hand-written pages stay in Material's own index; ours lists reports, and only reports.
        return None

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str | None:
        if page.file.src_uri in self.report_pages:
            # MkDocs keeps every page's Markdown and HTML until the build ends; a report page's
            # are not needed once it is written (its text for search is already taken), and
            # at 10,000 reports they are gigabytes.
            page.markdown = None
            page.content = None
        return use_our_worker(output)

    @event_priority(-50)  # after Material's search plugin has written its index, which we empty
    def on_post_build(self, config: MkDocsConfig) -> None:
        size = self.search.write(Path(config.site_dir))
        log.info(f"reform-archive: search index of {len(self.search.documents)} pages, {size // 1024} KB; "
                 f"page cache: {self.page_cache.hits} reused, {self.page_cache.misses} new")

    def on_serve(self, server, config: MkDocsConfig, builder):
        if self.config.enabled:
            server.watch(str(self._reports_dir(config)))
        return server


def _share_dictionary_with_search() -> None:
    """Material's search segments Chinese with the global jieba tokenizer; give it our words."""
    import jieba

    from ..segment import segmenter

    for word, freq, tag in segmenter.user_dictionary():
        jieba.add_word(word, freq, tag)
