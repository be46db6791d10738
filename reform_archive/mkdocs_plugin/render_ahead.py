"""Report pages' Markdown rendered ahead, in a second process, while MkDocs works through the
pages on one core: at 10,000 reports Markdown is a quarter of a build's time, and the other
core was idle for most of it.

A page is taken from the second process only where MkDocs would have made exactly that page:
its Markdown is the one MkDocs passes (compared by hash), no other plugin or hook sees a page's
Markdown, the extensions can be sent to another process, and its links and images all leave
the site (MkDocs rewrites and checks the others: such a page is rendered by MkDocs, as is any
page whose rendering failed there). The process renders as MkDocs' `Page.render` does: a new
`Markdown` with the configured extensions, MkDocs' own anchor finders; the table of contents
and anchors go back with the HTML.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import pickle
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown.util import AMP_SUBSTITUTE

log = logging.getLogger("mkdocs.plugins.reform_archive")

CHUNK = 16   # pages a task: fewer messages, and the first pages come back soon


@dataclass
class Rendered:
    digest: bytes   # of the Markdown rendered (the source after its front matter)
    html: str
    toc_tokens: list
    anchors: set[str]
    title: str | None
    self_links: dict[str, str]   # anchor → link, of the links to this page's own anchors


def _digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8"), digest_size=16).digest()


def _kept_as_is(url: str | None) -> tuple[bool, str]:
    """Whether MkDocs leaves a link or image as it is (its `path_to_url`: one that names a
    scheme or a host, an e-mail address Markdown encoded, or an anchor or query of this page),
    and the anchor of a link to this page, which MkDocs records to check."""
    if url is None:
        return False, ""
    scheme, netloc, path, _query, anchor = urlsplit(url)
    if scheme or netloc:
        return True, ""
    if url.startswith(("/", "\\")):
        return False, ""
    if AMP_SUBSTITUTE in url:
        return True, ""
    return not path, anchor if not path else ""


def _render_pages(extensions: list, configs: dict, sources: list[str]) -> list[Rendered | None]:
    """In the second process: each page's source (front matter and all) as MkDocs renders it;
    None for a page that has a link or image into the site, or that failed."""
    import markdown
    from markdown.treeprocessors import Treeprocessor
    from mkdocs.structure import pages as mkdocs_pages
    from mkdocs.utils.meta import get_data

    class Links(Treeprocessor):
        """Where MkDocs rewrites links (its `relpath` step): whether it would leave them all."""

        def __init__(self, md) -> None:
            super().__init__(md)
            self.as_is, self.self_links = True, {}

        def run(self, root):
            for element in root.iter():
                if element.tag in ("a", "img"):
                    url = element.get("href" if element.tag == "a" else "src")
                    as_is, anchor = _kept_as_is(url)
                    self.as_is = self.as_is and as_is
                    if anchor:
                        self.self_links.setdefault(anchor, url)
            return root

    out: list[Rendered | None] = []
    for source in sources:
        try:
            text, _meta = get_data(source)
            md = markdown.Markdown(extensions=extensions, extension_configs=configs)
            raw_html = mkdocs_pages._RawHTMLPreprocessor()
            raw_html._register(md)
            anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(None, None, None)
            anchors._register(md)
            links = Links(md)
            md.treeprocessors.register(links, "relpath", 0)
            title = mkdocs_pages._ExtractTitleTreeprocessor()
            title._register(md)
            html = md.convert(text)
            out.append(Rendered(_digest(text), html, getattr(md, "toc_tokens", []),
                                anchors.present_anchor_ids | raw_html.present_anchor_ids, title.title,
                                links.self_links)
                       if links.as_is else None)
        except Exception:   # MkDocs renders it, and reports what is wrong with it
            out.append(None)
    return out


class RenderAhead:
    """Pages handed to the second process in the order MkDocs will ask for them."""

    def __init__(self, extensions: list, configs: dict, pages: list[tuple[str, str]]) -> None:
        """`pages`: (src_uri, source) of each page, front matter included."""
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self._futures: dict[str, tuple[Future, int]] = {}
        self.taken = 0
        for start in range(0, len(pages), CHUNK):
            chunk = pages[start:start + CHUNK]
            future = self._pool.submit(_render_pages, extensions, configs, [source for _, source in chunk])
            for n, (src_uri, _source) in enumerate(chunk):
                self._futures[src_uri] = (future, n)

    @classmethod
    def start(cls, config, plugins_seeing_markdown: int, pages: list[tuple[str, str]],
              at_least: int) -> RenderAhead | None:
        """None where rendering ahead could change a page or would not pay."""
        if at_least <= 0 or len(pages) < at_least or plugins_seeing_markdown:
            return None
        extensions, configs = config["markdown_extensions"], config["mdx_configs"] or {}
        try:
            pickle.dumps((extensions, configs))
        except Exception:   # an extension object another plugin put there
            return None
        try:
            from mkdocs.structure import pages as mkdocs_pages   # what the process relies on
            for name in ("_RawHTMLPreprocessor", "_ExtractAnchorsTreeprocessor", "_ExtractTitleTreeprocessor"):
                getattr(mkdocs_pages, name)
        except (ImportError, AttributeError):
            return None
        return cls(extensions, configs, pages)

    def take(self, src_uri: str, markdown: str) -> Rendered | None:
        """The page rendered ahead, if it is the Markdown MkDocs is about to render."""
        entry = self._futures.pop(src_uri, None)
        if entry is None:
            return None
        future, n = entry
        try:
            rendered = future.result()[n]
        except Exception as exc:   # the process died: MkDocs renders the rest
            log.debug(f"reform-archive: pages rendered ahead lost ({exc}); rendered in order")
            self.close()
            return None
        if rendered is None or rendered.digest != _digest(markdown):
            return None
        self.taken += 1
        return rendered

    def close(self) -> None:
        self._futures.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
