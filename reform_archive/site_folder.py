"""The search index of a finished site folder, made from its pages alone.

`reform-archive index SITE_DIR` writes what a build writes under `SITE_DIR/search/`, from the
catalogue (`data/reports.json`: every report's title, year, region, topics and page) and each
report page's content: the same documents, so the same index, byte for byte (a test checks
it). The archive's search then outlives the generator that built the pages: a site made by
ProperDocs, by MkDocs 2 or by another theme's tool gets it as long as the pages and the
catalogue are there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .language.gazetteer import region_levels
from .search.builder import SearchIndexBuilder, remove_search_index
from .search.index import LINES_TABLE_MAX_BYTES
from .search.text import page_text_and_headings
from .site.catalogue import CATALOGUE_JSON
from .theme import page_content


class SiteFolderError(Exception):
    """The folder is not a site the index can be made from; the message says why."""


@dataclass(frozen=True)
class IndexedSite:
    reports: int
    size: int   # bytes written under search/


def index_site_folder(site_dir: Path, lines_table_max: int = LINES_TABLE_MAX_BYTES) -> IndexedSite:
    catalogue = site_dir / CATALOGUE_JSON
    try:
        records = json.loads(catalogue.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteFolderError(f"{site_dir}: no {CATALOGUE_JSON}; not a site built by reform-archive "
                              "/ 不是 reform-archive 生成的网站") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SiteFolderError(f"{catalogue}: cannot read the catalogue: {exc}") from None
    builder = SearchIndexBuilder(lines_table_max)
    remove_search_index(site_dir)
    shown = [r for r in records if not r.get("duplicate_of")]
    for record in shown:
        url, page = _page_of(site_dir, record["url"])
        content = page_content(page.read_text(encoding="utf-8"))
        if content is None:
            raise SiteFolderError(f"{page}: no page content found (not a page of this theme?)")
        text, headings = page_text_and_headings(content)
        levels = region_levels(record["region"] or "")
        builder.add_text(url, record["title"], text, headings=headings, year=record["year"],
                         region=record["region"] or "", regions=levels, topics=record["topic"],
                         keywords=record.get("keywords") or [], source=record.get("source") or "")
    return IndexedSite(len(shown), builder.write(site_dir))


def _page_of(site_dir: Path, url: str) -> tuple[str, Path]:
    """A catalogue URL's page in the folder, and its site-relative URL as the build used it.
    The catalogue's URLs start with the site's own address or path (`site_url`), which the
    folder does not know: the longest tail of the path that is a page of the folder is the page.
    The URL is percent-encoded, as MkDocs gives it to the index."""
    parts = [p for p in unquote(urlsplit(url).path).split("/") if p]
    directory_url = url.endswith("/")
    for start in range(len(parts)):
        tail = "/".join(parts[start:])
        if directory_url and (site_dir / tail / "index.html").is_file():
            return quote(tail + "/"), site_dir / tail / "index.html"
        if (site_dir / tail).is_file():
            return quote(tail), site_dir / tail
    raise SiteFolderError(f"{site_dir}: the catalogue lists {url}, which is not in the folder")
