"""What the archive knows of its theme, Material for MkDocs, kept in this one module.

Generated pages, the search and the plugin ask here for Material's front-matter keys, class
names, file names and page structure, so that a move to another theme (Material reaches end of
life on 5 May 2027) changes this module, not the site or the search. Nothing here imports MkDocs
or Material: it is knowledge of their output, not of their code.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

# Our overrides of Material's templates (its own `custom_dir` mechanism): the 404 page and the
# footer in Chinese, and the script that makes the site work from file:// (site/disk.py).
OVERRIDES_DIR = Path(str(files("reform_archive").joinpath("overrides")))
FILE_ORIGIN_SCRIPT = "assets/reform-archive/file-origin.js"
# Material opened from file:// loads its search index as a script that sets `__index`.
SEARCH_INDEX_SCRIPT = "search/search_index.js"


def theme_dirs_with_overrides(dirs: list[str], custom_dir: str | None) -> list[str]:
    """The theme's template folders with ours inserted: after a project's own `custom_dir`
    (which MkDocs puts first), before Material's."""
    ours = str(OVERRIDES_DIR)
    if ours in dirs:
        return dirs
    at = 1 if custom_dir else 0
    return dirs[:at] + [ours] + dirs[at:]


# Generated pages' links that look like buttons (the home page's ways in, the search form's).
BUTTON_CLASS = "md-button"
PRIMARY_BUTTON_CLASS = "md-button md-button--primary"
# Material's own search index, which its page script fetches and hands to the worker.
SEARCH_INDEX_FILE = "search/search_index.json"
# The page configuration names Material's lunr worker; ours takes its place.
_WORKER = re.compile(r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')
# A finished page's content: what the Markdown rendered, inside Material's article element.
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.S)
# Material puts the page title in an <h1> of its own when the content has none; ours have ids.
_INSERTED_TITLE = re.compile(r"^\s*<h1>.*?</h1>", re.S)


# Material's instant navigation follows only the links its sitemap lists, resolved to the page's
# host: served on another address than the sitemap names, it falls back to full page loads.
_NEEDS_SERVED_ADDRESS = ("navigation.instant",)


def needs_served_address(features: list[str]) -> bool:
    """Whether the theme, with these features, works in `mkdocs serve` only when the pages name
    the dev server's address as the site's (`site_url`)."""
    return any(feature in features for feature in _NEEDS_SERVED_ADDRESS)


def page_options(*, hide_navigation: bool = False, hide_toc: bool = False) -> list[str]:
    """Front-matter lines for a generated page: what Material hides, and that Material's own
    search leaves the page out (the archive's search indexes the reports)."""
    hidden = [name for name, on in (("navigation", hide_navigation), ("toc", hide_toc)) if on]
    lines = ["hide:", *(f"  - {name}" for name in hidden)] if hidden else []
    return lines + ["search:", "  exclude: true"]


def leave_out_of_theme_search(meta: dict) -> None:
    """Front matter (a page's, as parsed) amended so that Material's search leaves the page out."""
    search = meta.get("search")
    meta["search"] = {**(search if isinstance(search, dict) else {}), "exclude": True}


def use_worker(html: str, worker: str) -> str:
    """A finished page whose header search talks to `worker` (a site path) instead of lunr."""
    return _WORKER.sub(lambda m: f'{m.group(1)}{m.group(2)}{worker}"', html)


def empty_search_index(site_dir: Path) -> None:
    """Material's page script still fetches its search index and hands it to the worker, which
    is ours and does not read it: keep its configuration, drop the documents (every visitor's
    first search would download them for nothing)."""
    path = site_dir / SEARCH_INDEX_FILE
    if path.is_file():
        index = json.loads(path.read_text(encoding="utf-8"))
        index["docs"] = []
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def search_index_script(site_dir: Path) -> None:
    """Material's search index as the script it loads from file:// (fetch cannot read files)."""
    path = site_dir / SEARCH_INDEX_FILE
    if path.is_file():
        (site_dir / SEARCH_INDEX_SCRIPT).write_text("var __index = " + path.read_text(encoding="utf-8"),
                                                   encoding="utf-8")


def page_content(html: str) -> str | None:
    """The content of a finished page as the Markdown rendered it (MkDocs' `page.content`), or
    None when the page has no content area."""
    match = _ARTICLE.search(html)
    if match is None:
        return None
    return _INSERTED_TITLE.sub("", match.group(1), count=1)
