"""The MkDocs plugin: wires MkDocs events to an `ArchiveBuild` (reform_archive/build.py), and
does nothing else.

on_startup      → whether this is `serve`
on_config       → under `serve`, the site's address put back (site_address.py); refuse a site folder over the project's files; wait for, then lock out, other
                  builds of the project (build_lock.py); our stylesheet and search script
on_env          → the theme's compiled templates kept between builds
on_pre_build    → a new ArchiveBuild from the plugin's options; what the last build placed in
                  the site folder set aside from MkDocs' cleaning (kept_site.py)
on_files        → that brought back; the archive read; its pages and files added; finished
                  pages kept or reused
                  (report pages to render handed to a second process: render_ahead.py)
on_page_markdown → a report page rendered ahead is not rendered again
on_page_content → every page left out of Material's search index; a report page's HTML
                  sanitised (its table of contents follows its ids), its text kept for search
on_post_page    → the page pointed at our search worker, and kept for the next build
on_post_build   → reused pages put in place, the search index written
on_serve        → rebuild when a report is added or edited, told by file events, not polling
                  (watcher.py); the word cutters made meanwhile
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
from mkdocs.structure.pages import log as mkdocs_page_log
from mkdocs.structure.toc import get_toc

from ..build import CACHE_DIR, ArchiveBuild, BuildOptions, PagePlace, prepare_for_rebuilds
from ..build_lock import LOCK_NAME, BuildLock
from ..cache_file import CacheChanged
from ..output_folder import output_folder_problem
from ..parsed_reports import ReportChanged
from ..problems import ArchiveError
from ..rendered import RenderedPages
from ..search.builder import UI_SCRIPT
from ..site.generate import NAV_PAGES, REPORT_SCRIPT, STYLESHEET, GeneratedFile
from ..site.sanitize import report_anchor
from ..theme import leave_out_of_theme_search, needs_served_address, theme_dirs_with_overrides
from .config import ReformArchiveConfig
from .render_ahead import RenderAhead, Rendered
from .signatures import content_signature, site_signature
from .site_address import configured_site_url
from .templates import SealedBytecodeCache
from .watcher import watch_natively

log = logging.getLogger("mkdocs.plugins.reform_archive")
_TITLE = re.compile(r"^title:[ \t]*(.+)$|^# (.+)$", re.M)


class ReformArchivePlugin(BasePlugin[ReformArchiveConfig]):
    def __init__(self) -> None:
        self.build: ArchiveBuild | None = None
        self.lock: BuildLock | None = None
        self.serving = False
        self.ahead: RenderAhead | None = None
        self.taken: dict[str, tuple[Rendered, str]] = {}   # src_uri → (rendered ahead, its Markdown)

    def _project(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path).parent

    def output_problem(self, config: MkDocsConfig) -> str | None:
        """Why the configured site folder must not be built into, or None."""
        project = self._project(config)
        return output_folder_problem(Path(config.site_dir), project=project, docs=Path(config.docs_dir),
                                     reports=project / self.config.reports_dir, cache=project / CACHE_DIR)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        if self.serving and self.config.serve_as_built and not needs_served_address(config.theme.get("features") or []):
            config.site_url = configured_site_url(config.config_file_path)
        project = self._project(config)
        problem = self.output_problem(config)
        if problem is not None:  # MkDocs empties the site folder right after this event
            raise PluginError(problem)
        if self.lock is None:
            self.lock = BuildLock(project / CACHE_DIR / LOCK_NAME)
        self.lock.acquire(lambda path: log.info(
            f"waiting for another build of this project to finish ({os.path.relpath(path)}) "
            "/ 等待本项目的另一次构建结束"))
        try:  # a read-only site folder: one message now, not MkDocs' traceback later
            Path(config.site_dir).mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=config.site_dir).close()
        except OSError as exc:
            raise PluginError(f"{config.site_dir}: cannot write the site there / 无法写入网站文件夹: "
                              f"{exc.strerror or exc}") from exc
        config.theme.dirs[:] = theme_dirs_with_overrides(config.theme.dirs, config.theme.custom_dir)
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        for script in (UI_SCRIPT, REPORT_SCRIPT):
            if script not in config.extra_javascript:
                config.extra_javascript.append(script)
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        project = self._project(config)
        self.build = ArchiveBuild(BuildOptions(
            reports_dir=project / self.config.reports_dir, project_dir=project,
            cache_dir=project / CACHE_DIR if self.config.cache else None,
            keep_going=self.config.keep_going, for_disk=self.config.for_disk,
            lines_table_max=self.config.search_lines_table_kb * 1024, warn=log.warning))
        self.build.set_aside_site(Path(config.site_dir))   # MkDocs empties the folder next

    # After other plugins have added their files, so generated pages cannot be shadowed.
    @event_priority(-50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if self.build is None:
            return None
        try:
            return self._add_archive(files, config)
        except ReportChanged as exc:   # a report edited while this build read the archive
            raise PluginError(str(exc)) from None

    def _add_archive(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.build is not None
        self.build.bring_back_site()   # MkDocs has emptied the site folder
        try:
            archive = self.build.read_archive()
        except ArchiveError as exc:
            for problem in exc.problems:
                (log.error if problem.is_error else log.warning)(str(problem))
            raise PluginError(str(exc)) from None
        for problem in archive.problems:
            (log.error if problem.is_error else log.warning)(str(problem))
        if archive.errors:
            log.warning(f"reform-archive: --keep-going: {len(archive.left_out)} report file(s) left "
                        f"out of the site because of errors / 以下报告因错误未收录: "
                        + ", ".join(archive.left_out))
        later = _add_generated(files, config, self.build.generated(config.site_url or "/"))
        # What every page shows besides itself is known now: reuse the pages it did not change.
        rendered = RenderedPages(self.build.options.cache_dir, site_signature(config, _nav_entries(files)),
                                 content_signature(config), on_damage=self.build.cache_damaged)
        places = [PagePlace(page, file.dest_uri, file.url) for page, file in later]
        files_of = {id(page): file for page, file in later}
        ahead = []
        for place in self.build.reuse(places, rendered, Path(config.site_dir)):
            file = files_of[id(place.page)]
            file.content_string = place.page.content   # made now: only the pages to render are
            files.append(file)
            if place.page.is_report:
                ahead.append((file.src_uri, file.content_string))
        self.ahead = RenderAhead.start(config, self._others_seeing_markdown(config), ahead,
                                       self.config.render_ahead_from)
        summary = self.build.summary
        log.info(f"reform-archive: {summary.shown} reports shown, {summary.merged} duplicates merged; "
                 f"{summary.reused} pages unchanged since the last build")
        return files

    def on_env(self, env, config: MkDocsConfig, files: Files):
        if self.build is not None and self.config.cache:
            # MkDocs compiles Material's templates afresh at every build (a second of a rebuild,
            # every live reload); their bytecode is kept, keyed by each template's source.
            env.bytecode_cache = SealedBytecodeCache(_template_cache(self._project(config)), self.build.cache_damaged)
        return env

    def _others_seeing_markdown(self, config: MkDocsConfig) -> int:
        """Handlers of other plugins (and hooks) that see a page before it is rendered."""
        return sum(getattr(handler, "__self__", None) is not self
                   for event in ("pre_page", "page_markdown") for handler in config.plugins.events[event])

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.ahead is None:
            return None
        rendered = self.ahead.take(page.file.src_uri, markdown)
        if rendered is None:
            return None
        self.taken[page.file.src_uri] = (rendered, markdown)
        return ""   # MkDocs renders nothing; its HTML is put in place in on_page_content

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.build is None:
            return None
        taken = self.taken.pop(page.file.src_uri, None)
        if taken is not None:   # what MkDocs' rendering would have left
            rendered, page.markdown = taken
            html, page.toc, page.present_anchor_ids = rendered.html, get_toc(rendered.toc_tokens), rendered.anchors
            page._title_from_render = rendered.title
            if mkdocs_page_log.getEffectiveLevel() > logging.DEBUG:   # as Page.render keeps them
                page.links_to_anchors = {page.file: rendered.self_links} if rendered.self_links else {}
        # Material's search index is emptied at the end (its page script is pointed at our
        # worker), so it indexes no page: nor does it load jieba's dictionary to segment them.
        leave_out_of_theme_search(page.meta)
        if not self.build.is_report(page.file.src_uri):
            return None
        # The report's ids are prefixed in its HTML (none can clobber the theme's `__config` or
        # ours); its table of contents must point at them.
        _prefix_anchors(page.toc)
        # Its Markdown is rendered: MkDocs keeps the file's copy to the end (150 MB at 10,000).
        page.file.content_string = ""
        return self.build.report_html(page.file.src_uri, page.url, html)

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str | None:
        if self.build is None:
            return None
        if self.build.is_report(page.file.src_uri):
            # MkDocs keeps every page's Markdown and HTML until the build ends; a report page's
            # are not needed once it is written (its text for search is already taken), and
            # at 10,000 reports they are gigabytes.
            page.markdown = None
            page.content = None
        return self.build.page_written(page.file.src_uri, output)

    @event_priority(-50)  # after Material's search plugin has written its index, which we empty
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.build is None:
            return
        try:
            summary = self.build.finish(Path(config.site_dir))
        except CacheChanged as exc:  # written by another program during the build
            raise PluginError(str(exc)) from None
        except OSError as exc:  # a full or read-only disk: a message naming the file, no traceback
            where = getattr(exc, "filename2", None) or exc.filename or config.site_dir  # a copy's destination
            raise PluginError(f"{where}: cannot write / 无法写入: {exc.strerror or exc}") from exc
        finally:
            self._unlock()
        ahead = f" ({self.ahead.taken} of them rendered ahead)" if self.ahead is not None else ""
        self._stop_ahead()
        log.info(f"reform-archive: search index of {summary.indexed} pages ({summary.index_how}), "
                 f"{summary.index_bytes // 1024} KB; {summary.reused} pages reused, {summary.rendered} rendered{ahead}")

    def on_build_error(self, error: Exception) -> None:
        self._stop_ahead()
        self._unlock()

    def on_shutdown(self) -> None:
        self._stop_ahead()
        self._unlock()

    def _stop_ahead(self) -> None:
        if self.ahead is not None:
            self.ahead.close()
        self.ahead, self.taken = None, {}

    def _unlock(self) -> None:
        if self.lock is not None:
            self.lock.release()

    def on_serve(self, server, config: MkDocsConfig, builder):
        if self.config.enabled:
            reports = str(self._project(config) / self.config.reports_dir)
            server.watch(reports)
            if not self.config.watch_polling:
                watch_natively(server, reports)
            prepare_for_rebuilds()
        return server


def _add_generated(files: Files, config: MkDocsConfig,
                   generated: list[GeneratedFile]) -> list[tuple[GeneratedFile, File]]:
    """Add the generated files that are always written (navigation pages, exports, assets) and
    return the pages that may be reused, each with its MkDocs file. A generated page takes the
    place of a hand-written one of the same path, except a hand-written home page."""
    later = []
    for page in generated:
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None:
            if page.src_uri == "index.md":
                continue  # a hand-written home page wins over the generated one
            files.remove(existing)
        if page.is_page and not page.in_nav:   # its content is set if it is rendered
            later.append((page, File.generated(config, page.src_uri, content="",
                                               inclusion=InclusionLevel.NOT_IN_NAV)))
        else:
            files.append(File.generated(config, page.src_uri, content=page.content))
    return later


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


def _template_cache(project: Path) -> Path:
    return project / CACHE_DIR / "templates"   # made by the first write (cache_file.write_file)
