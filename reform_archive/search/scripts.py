"""The search's browser scripts as the site gets them: the worker (assets/search-worker.js) with
the index format written in, so that it decodes by the same declaration the writer lays the
files out by (`format.for_worker()`), and the page script (assets/search-ui.js) as it is."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

import rjsmin

from .format import for_worker

WORKER_SCRIPT = "search-worker.js"
FORMAT_SLOT = '"__REFORM_ARCHIVE_INDEX_FORMAT__"'   # the worker's `const FORMAT = …;`


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The script as the site serves it."""
    return rjsmin.jsmin(source(name))


def source(name: str) -> str:
    """The script as written, the index format written in."""
    text = files("reform_archive.search").joinpath("assets", name).read_text(encoding="utf-8")
    if name == WORKER_SCRIPT:
        if text.count(FORMAT_SLOT) != 1:
            raise RuntimeError(f"{name}: needs exactly one {FORMAT_SLOT} to write the index format into")
        text = text.replace(FORMAT_SLOT, json.dumps(for_worker()))   # ASCII: U+2029 ends a line for some readers
    return text
