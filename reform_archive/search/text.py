"""Plain text of a rendered report page, as the reader sees it, for the search index.

The metadata block, the list of other versions and heading permalinks (¶) are not the
report's words and are left out, so a search for a word of the page's source label does not
match every report of that page. Headings (h1–h6) are lines of their own; `page_text_and_headings`
also says which, for the search's heading boost.
"""

from __future__ import annotations

import html as html_lib
import re

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "dd", "dt",
           "blockquote", "pre", "table", "ul", "ol", "section", "article"}
_SKIP_CLASSES = {"ra-report-meta", "ra-versions", "ra-related", "ra-cite", "headerlink"}  # our blocks are not the report's text
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "col", "area", "base", "embed", "source", "wbr"}
_RAW_TEXT = {"script", "style"}   # their content is not markup, and not text either

# A tag (attribute values quoted either way may hold `>`), or a comment, declaration or
# processing instruction, which hold no text. Anything else is text, `<` included.
_TOKEN = re.compile(r"""<(/?)([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--.*?(?:-->|$)|<[!?][^>]*>""", re.S)
_CLASS = re.compile(r"""(?:^|\s)class\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


def _text_parts(html: str, mark: str) -> list[str]:
    """The text the reader sees, in document order, as pieces: our blocks and the permalinks
    left out, a line break where a block starts or ends, and `mark` before each piece of a
    heading's text that is not blank. One pass of a regular expression over the page (a report
    page's HTML is the sanitiser's output): faster than `html.parser`, which this follows tag
    for tag (tests/search/test_page_text.py holds the two alike)."""
    parts: list[str] = []
    stack: list[tuple[bool, bool]] = []   # (skipping, heading) of each open element
    skip_depth = heading_depth = 0        # >0 while inside an element skipped / a heading
    at, end = 0, len(html)
    while at < end:
        token = _TOKEN.search(html, at)
        stop = token.start() if token else end
        if stop > at and not skip_depth:
            data = html_lib.unescape(html[at:stop])
            if heading_depth:
                data = "\n".join(mark + piece if piece and not piece.isspace() else piece
                                  for piece in data.split("\n"))
            parts.append(data)
        if token is None:
            break
        at = token.end()
        name = token.group(2)
        if name is None:
            continue   # a comment or declaration
        tag = name.lower()
        if token.group(1):   # an end tag
            if tag in _VOID or not stack:
                continue
            skipping, heading = stack.pop()
            skip_depth -= skipping
            heading_depth -= heading
            if tag in _BLOCKS:
                parts.append("\n")
            continue
        attrs = token.group(3)
        if tag in _VOID:
            if tag == "br":
                parts.append("\n")
            continue
        found = _CLASS.search(attrs) if "class" in attrs.lower() else None
        classes = set(html_lib.unescape(next(g for g in found.groups() if g is not None)).split()) if found else set()
        skipping = bool(classes & _SKIP_CLASSES) or tag in _RAW_TEXT
        heading = tag in _HEADINGS
        closing = attrs.rstrip()
        if closing.endswith("/") and (len(closing) == 1 or closing[-2] in " \t\n\r\f\"'"):
            # <div/>, <img src="x" />: opened and closed at once (in `href=a/` the / is the value's)
            if tag in _BLOCKS:
                parts.append("\n\n")
            continue
        stack.append((skipping, heading))
        skip_depth += skipping
        heading_depth += heading
        if tag in _BLOCKS:
            parts.append("\n")
        if tag in _RAW_TEXT:   # up to its end tag, as it is
            close = re.compile(rf"</{tag}\s*>", re.I).search(html, at)
            at = close.start() if close else end
    return parts


def page_text(html: str) -> str:
    return page_text_and_headings(html)[0]


def page_text_and_headings(html: str) -> tuple[str, list[tuple[int, int]]]:
    """The page's text, and the [start, end) character ranges of its heading lines in it."""
    # Marks the heading pieces: a character the page does not hold (no entity decodes to a
    # control character), so the lines can be told apart after one join.
    mark = next(c for c in map(chr, range(0x110000)) if c not in html and not c.isspace())
    kept, headings, offset = [], [], 0
    for line in "".join(_text_parts(html, mark)).split("\n"):
        heading = mark in line
        line = " ".join((line.replace(mark, "") if heading else line).split())
        if not line:
            continue
        if heading:
            headings.append((offset, offset + len(line)))
        kept.append(line)
        offset += len(line) + 1
    return "\n".join(kept), headings
