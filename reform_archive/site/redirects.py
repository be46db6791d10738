"""The page at a hidden version's URL: a static redirect to the version shown.

A near-duplicate that is not shown keeps its own URL (archive.py: it depends on its own file
only), so a bookmark or a citation of it never breaks when another copy becomes the one shown.
The page is plain HTML, written as it is (no theme): a link for every reader, a
`<meta http-equiv="refresh">` for browsers, and a canonical link for search engines.
"""

from __future__ import annotations

from ..archive import ArchivedReport
from .html import esc, href


def redirect_path(r: ArchivedReport) -> str:
    """Where the page goes in the site folder: the file a directory URL is served from."""
    return r.url + "index.html"


def redirect_page(r: ArchivedReport) -> str:
    shown = r.shown_version
    target = esc(href(r.url, shown.url))
    title = esc(shown.report.title)
    return (
        "<!doctype html>\n"
        '<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{target}">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        '<meta name="robots" content="noindex">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "</head>\n<body>\n"
        f'<p>本页报告（文件 {esc(r.key)}）是《<a href="{target}">{title}</a>》的另一版本，'
        "已合并显示在该页。</p>\n"
        f'<p lang="en">This report is another version of <a href="{target}">{title}</a>, '
        "shown on that page.</p>\n"
        "</body>\n</html>\n")
