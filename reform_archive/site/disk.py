"""A site built to be opened from disk (`reform-archive build --for-disk`): an archive handed
over on a USB stick, with no web server.

Two things break on `file://`, and this module mends them at build time:

- a link to a folder (`../topics/`) opens a folder listing, not its page: every relative link,
  form action and refresh target that names a folder names its `index.html` instead;
- a page cannot `fetch` a file, nor start a worker from one: every file the search reads
  (the index under `search/`, the worker's script) gets a copy `X.js` that hands its bytes to
  the page as a script may (`__raFile("<base64>")`), and `file-origin.js` (before Material's
  bundle) runs the worker in the page and reads those copies.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

SCRIPT_COPY_SUFFIX = ".js"
# A relative URL that names a folder: no scheme, not `//host`, not `#…`; ends with `/` (or is
# `.` or `..`), before any query or fragment.
_FOLDER_LINK = re.compile(
    r'''(?P<head>\b(?:href|action|src)=["']|http-equiv=["']refresh["'] content=["']\d+;\s*url=)'''
    r'''(?P<path>(?![a-zA-Z][a-zA-Z0-9+.-]*:|//|#)[^"'?#\s]*?(?:/|^\.\.?|(?<=["'=])\.\.?))'''
    r'''(?P<rest>[?#][^"'\s]*)?(?=["'])''')


def disk_links(html: str) -> str:
    """The page with every relative link to a folder pointing at that folder's index.html."""
    def fix(match: re.Match) -> str:
        path = match.group("path")
        if not path.endswith("/"):
            path += "/"
        return match.group("head") + path + "index.html" + (match.group("rest") or "")
    return _FOLDER_LINK.sub(fix, html)


def script_copy(data: bytes) -> str:
    return '__raFile("' + base64.b64encode(data).decode("ascii") + '");\n'


def write_script_copies(site_dir: Path, paths: list[str]) -> int:
    """`X.js` beside every file X under these site paths (files or folders); returns how many.
    Old copies are replaced; copies of copies are never made."""
    written = 0
    for rel in paths:
        root = site_dir / rel
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        for path in files:
            if path.name.endswith(SCRIPT_COPY_SUFFIX) and path.with_name(path.name[:-len(SCRIPT_COPY_SUFFIX)]).is_file():
                continue
            copy = path.with_name(path.name + SCRIPT_COPY_SUFFIX)
            tmp = copy.with_name(copy.name + ".tmp")
            tmp.write_text(script_copy(path.read_bytes()), encoding="ascii")
            os.replace(tmp, copy)
            written += 1
    return written
