"""The MkDocs plugin: wires MkDocs events to the archive's modules, and does nothing else.

on_config  → refuse a site folder over the project's files; wait for, then lock out, other
             builds of the project (build_lock.py); the archive's vocabulary for Material's
             jieba search, our stylesheet
on_files   → load and validate reports, deduplicate, add the generated pages and exports;
             pages finished in an earlier build with the same inputs are not added (rendered.py)
on_page_content → sanitise report HTML; collect the pages' text for search
on_post_page → point Material's header search at our worker; keep the finished page
on_post_build → put the reused pages in place; write the search index
on_serve   → rebuild when a report is added or edited
on_build_error, on_shutdown → let other builds go on
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..archive import ArchivedReport, load_archive
from ..build_lock import LOCK_NAME, BuildLock
from ..cache import ContentCache, code_version
from ..output_folder import output_folder_problem
from ..problems import ArchiveError
from ..site.generate import STYLESHEET, generate_site
from ..search.builder import UI_SCRIPT, WORKER, SearchIndexBuilder, asset, use_our_worker
from ..search.text import page_text_and_headings
from ..site.indexes import region_levels
from ..site.pages import report_header, report_versions
from ..site.sanitize import report_anchor, sanitize_report_page
from .config import ReformArchiveConfig
from .rendered import RenderedPages, content_signature, site_signature

log = logging.getLogger("mkdocs.plugins.reform_archive")
CACHE_DIR = ".cache/reform-archive"
# What a report page's cache entry is derived by: sanitising its HTML, extracting its text.
PAGE_CODE = (("site/sanitize.py", "search/text.py", "site/pages.py"), ("nh3",))
REPORTS_ENV = "REFORM_ARCHIVE_REPORTS"
KEEP_GOING_ENV = "REFORM_ARCHIVE_KEEP_GOING"
# Generated pages in the sidebar; reports and index sub-pages stay out (the index pages lead
# to them), and only those are reused from earlier builds.
NAV_PAGES = ("index.md", "topics/index.md", "years/index.md", "regions/index.md", "find.md")
_TITLE = re.compile(r"^title:[ \t]*(.+)$|^# (.+)$", re.M)


class ReformArchivePlugin(BasePlugin[ReformArchiveConfig]):
    def __init__(self) -> None:
        self.report_pages: dict[str, ArchivedReport] = {}
        self.search = SearchIndexBuilder()
        self.page_cache = ContentCache(None, "pages", "")
        self.rendered = RenderedPages(None, "")
        self.reused: dict[str, str] = {}    # dest path in the site → rendered-page key
        self.pending: dict[str, str] = {}   # src_uri of a page rendered now → its key
        self.texts: dict[str, tuple] = {}   # src_uri → (search text, headings), until the page is kept
        self.identities: dict[str, str] = {}  # src_uri of a report rendered now → search identity
        self.warnings: dict[str, list[str]] = {}  # src_uri → external images not loaded, until kept
        self.root = Path()
        self.lock: BuildLock | None = None

    def _reports_dir(self, config: MkDocsConfig) -> Path:
        folder = os.environ.get(REPORTS_ENV) or self.config.reports_dir
        return Path(config.config_file_path).parent / folder

    def output_problem(self, config: MkDocsConfig) -> str | None:
        """Why the configured site folder must not be built into, or None."""
        root = Path(config.config_file_path).parent
        return output_folder_problem(Path(config.site_dir), project=root, docs=Path(config.docs_dir),
                                     reports=self._reports_dir(config), cache=root / CACHE_DIR)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        problem = self.output_problem(config)
        if problem is not None:  # MkDocs empties the site folder right after this event
            raise PluginError(problem)
        if self.lock is None:
            self.lock = BuildLock(Path(config.config_file_path).parent / CACHE_DIR / LOCK_NAME)
        self.lock.acquire(lambda path: log.info(
            f"waiting for another build of this project to finish ({os.path.relpath(path)}) "
            "/ 等待本项目的另一次构建结束"))
        try:  # a read-only site folder: one message now, not MkDocs' traceback later
            Path(config.site_dir).mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=config.site_dir).close()
        except OSError as exc:
            raise PluginError(f"{config.site_dir}: cannot write the site there / 无法写入网站文件夹: "
                              f"{exc.strerror or exc}") from exc
        if self.config.segment_search:
            _share_dictionary_with_search()
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if UI_SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(UI_SCRIPT)
        return config

    def _cache_dir(self, config: MkDocsConfig) -> Path | None:
        return Path(config.config_file_path).parent / CACHE_DIR if self.config.cache else None

    def on_pre_build(self, config: MkDocsConfig) -> None:
        self.search = SearchIndexBuilder(self.config.search_lines_table_kb * 1024)
        self.page_cache = ContentCache(self._cache_dir(config), "pages", code_version(*PAGE_CODE))
        self.reused, self.pending, self.texts, self.identities, self.warnings = {}, {}, {}, {}, {}
        self.root = Path(config.config_file_path).parent

    # After other plugins have added their files, so generated pages cannot be shadowed.
    @event_priority(-50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path).parent
        archive = load_archive(self._reports_dir(config), label_root=root, cache_dir=self._cache_dir(config))
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
        generated_pages = generate_site(archive, base_url)
        for generated in generated_pages:
            existing = files.get_file_from_path(generated.src_uri)
            if existing is not None:
                if generated.src_uri == "index.md":
                    continue  # a hand-written home page wins over the generated one
                files.remove(existing)
        later = []
        for generated in generated_pages:
            if generated.src_uri == "index.md" and files.get_file_from_path("index.md") is not None:
                continue
            if generated.src_uri.endswith(".md") and generated.src_uri not in NAV_PAGES:
                later.append(generated)
            else:
                files.append(File.generated(config, generated.src_uri, content=generated.content))
        # What every page shows besides itself is known now: reuse the pages it did not change.
        self.rendered = RenderedPages(self._cache_dir(config), site_signature(config, _nav_entries(files)),
                                      content_signature(config))
        site_dir = Path(config.site_dir)
        for generated in later:
            digest = self.rendered.digest(generated.content)
            key = self.rendered.key(generated.src_uri, digest)
            file = File.generated(config, generated.src_uri, content=generated.content,
                                  inclusion=InclusionLevel.NOT_IN_NAV)
            archived = reports_by_uri.get(generated.src_uri) if generated.is_report else None
            identity = self.rendered.identity(generated.src_uri, digest) if archived else ""
            if self.rendered.has(key):
                self.reused[file.dest_uri] = key
                if archived is not None:
                    self._warn_external(archived, self.rendered.warnings(key))
                    self._add_to_search(file.url, archived, identity, lambda key=key: self.rendered.search_entry(key))
                continue
            files.append(file)
            self.pending[generated.src_uri] = key
            # MkDocs writes pages in place; an old page there may be a link into the cache.
            (site_dir / file.dest_uri).unlink(missing_ok=True)
            if archived is not None:
                self.report_pages[generated.src_uri] = archived
                self.identities[generated.src_uri] = identity
        log.info(f"reform-archive: {len(archive.shown)} reports shown, "
                 f"{len(archive.reports) - len(archive.shown)} duplicates merged; "
                 f"{len(self.reused)} pages unchanged since the last build")
        return files

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        archived = self.report_pages.get(page.file.src_uri)
        if archived is not None:
            # The report's own anchors are prefixed in its HTML (no id of it can clobber the
            # theme's `__config` or ours); its table of contents must point at them.
            _prefix_anchors(page.toc)
            head, tail = report_header(archived), report_versions(archived)
            # Sanitising and text extraction depend on the rendered HTML (and our blocks in it)
            # only: cached by them.
            key = self.page_cache.key("\0".join((html, head, tail)))
            cached = self.page_cache.get(key)
            if cached is None or len(cached) != 4:
                clean, external = sanitize_report_page(html, head, tail)
                cached = (clean, *page_text_and_headings(clean), external)
                self.page_cache.put(key, cached)
            html, text, headings, external = cached
            self._warn_external(archived, external)
            self.warnings[page.file.src_uri] = list(external)
            self.texts[page.file.src_uri] = (text, headings)
            self._add_to_search(page.url, archived, self.identities.get(page.file.src_uri), (text, headings))
            return html
        # Hand-written pages stay in Material's own index; ours lists reports, and only reports.
        return None

    def _warn_external(self, archived: ArchivedReport, urls: list[str]) -> None:
        path = archived.report.path
        name = os.path.relpath(path, self.root) if path is not None else archived.key
        for url in urls:
            log.warning(f"{Path(name).as_posix()}: image from outside the site not loaded, shown as a "
                        f"link: {url} / 外部图片未加载，改为链接")

    def _add_to_search(self, url: str, archived: ArchivedReport, identity: str | None, content) -> None:
        """`content`: (text, headings), or a function that reads them when the index needs them."""
        report = archived.report
        levels = region_levels(report.region)
        self.search.add_text(url, report.title, content, identity=identity, year=report.year,
                             region=report.region, province=levels[0] if levels else "",
                             topics=report.topics)

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str | None:
        output = use_our_worker(output)
        key = self.pending.get(page.file.src_uri)
        if key is not None:
            self.rendered.store(key, output, self.texts.pop(page.file.src_uri, ("", [])),
                                self.warnings.pop(page.file.src_uri, []))
        if page.file.src_uri in self.report_pages:
            # MkDocs keeps every page's Markdown and HTML until the build ends; a report page's
            # are not needed once it is written (its text for search is already taken), and
            # at 10,000 reports they are gigabytes.
            page.markdown = None
            page.content = None
        return output

    @event_priority(-50)  # after Material's search plugin has written its index, which we empty
    def on_post_build(self, config: MkDocsConfig) -> None:
        try:
            self._finish_build(config)
        except OSError as exc:  # a full or read-only disk: a message naming the file, no traceback
            where = getattr(exc, "filename2", None) or exc.filename or config.site_dir  # a copy's destination
            raise PluginError(f"{where}: cannot write / 无法写入: {exc.strerror or exc}") from exc
        finally:
            self._unlock()

    def on_build_error(self, error: Exception) -> None:
        self._unlock()

    def on_shutdown(self) -> None:
        self._unlock()

    def _unlock(self) -> None:
        if self.lock is not None:
            self.lock.release()

    def _finish_build(self, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        made: set[Path] = set()
        for dest, key in self.reused.items():
            self.rendered.place(key, site_dir / dest, made)
        self.rendered.prune(set(self.reused.values()) | set(self.pending.values()))
        cache_dir = self._cache_dir(config)
        size = self.search.write(site_dir, cache_dir)
        how = ("built in full" if self.search.rebuilt_base else
               f"reused, with {self.search.delta_docs} new and {self.search.removed_docs} removed")
        log.info(f"reform-archive: search index of {len(self.search.entries)} pages ({how}), "
                 f"{size // 1024} KB; {len(self.reused)} pages reused, {len(self.pending)} rendered")

    def on_serve(self, server, config: MkDocsConfig, builder):
        if self.config.enabled:
            server.watch(str(self._reports_dir(config)))
        return server


def _prefix_anchors(items) -> None:
    for item in items:
        item.id = report_anchor(item.id)
        _prefix_anchors(item.children)


def _nav_entries(files: Files):
    """(path, what the sidebar shows of it) for every page that can be in the navigation: the
    title of a page we generate, a hash of the source of any other (its title is in there)."""
    for file in files.documentation_pages():
        if file.inclusion.is_not_in_nav():
            continue
        if file.generated_by is not None and file.src_uri in NAV_PAGES:
            match = _TITLE.search(file.content_string)
            yield file.src_uri, (match.group(1) or match.group(2)) if match else ""
        else:
            yield file.src_uri, hashlib.sha256(file.content_bytes).hexdigest()


def _share_dictionary_with_search() -> None:
    """Material's search segments Chinese with the global jieba tokenizer; give it our words."""
    import jieba

    from ..segment import segmenter

    for word, freq, tag in segmenter.user_dictionary():
        jieba.add_word(word, freq, tag)
