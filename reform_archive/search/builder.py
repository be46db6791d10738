"""Collects the pages to search during a build and writes the index and the worker.

Used by the MkDocs plugin, but knows nothing of MkDocs: pages come in as (url, title, html,
metadata), files go out into a folder.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

from .index import LINES_TABLE_MAX_BYTES, SearchDocument, build_search_index

ASSETS = "assets/reform-archive"
WORKER = f"{ASSETS}/search-worker.js"
UI_SCRIPT = f"{ASSETS}/search-ui.js"
INDEX_DIR = "search"
MATERIAL_INDEX = "search_index.json"
# Material's page configuration names its lunr worker; ours takes its place.
_MATERIAL_WORKER = re.compile(r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')


class SearchIndexBuilder:
    def __init__(self, lines_table_max: int = LINES_TABLE_MAX_BYTES) -> None:
        self.documents: list[SearchDocument] = []
        self.lines_table_max = lines_table_max

    def add_text(self, url: str, title: str, text: str, *, year: int | None = None,
                 region: str = "", province: str = "", topics: list[str] | None = None,
                 headings: list[tuple[int, int]] | None = None) -> None:
        """A report page, by its text and heading ranges as `search.text.page_text_and_headings`
        gives them (the plugin caches them)."""
        self.documents.append(SearchDocument(
            url=url, title=title, body=text, year=year, region=region,
            province=province, topics=list(topics or []), headings=list(headings or [])))

    def write(self, site_dir: Path) -> int:
        """Write the index under site_dir/search/; returns its size in bytes."""
        docs = sorted(self.documents, key=lambda d: d.url)
        total = 0
        for name, content in build_search_index(docs, lines_table_max=self.lines_table_max).items():
            path = site_dir / INDEX_DIR / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            total += len(content)
        _empty_material_index(site_dir / INDEX_DIR / MATERIAL_INDEX)
        return total


def _empty_material_index(path: Path) -> None:
    """Material's page script still fetches its search index and hands it to the worker, which
    is ours and does not read it: keep its configuration, drop the documents (every visitor's
    first search would download them for nothing)."""
    if path.is_file():
        index = json.loads(path.read_text(encoding="utf-8"))
        index["docs"] = []
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def asset(name: str) -> str:
    return files("reform_archive.search").joinpath("assets", name).read_text(encoding="utf-8")


def use_our_worker(html: str) -> str:
    return _MATERIAL_WORKER.sub(lambda m: f'{m.group(1)}{m.group(2)}{WORKER}"', html)
