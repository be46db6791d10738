"""Plain text of a rendered report page, as the reader sees it, for the search index.

The metadata block, the list of other versions and heading permalinks (¶) are not the
report's words and are left out, so a search for a word of the page's source label does not
match every report of that page. Headings (h1–h6) are lines of their own; `page_text_and_headings`
also says which, for the search's heading boost.
"""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "dd", "dt",
           "blockquote", "pre", "table", "ul", "ol", "section", "article"}
_SKIP_CLASSES = {"ra-report-meta", "ra-versions", "ra-related", "ra-cite", "headerlink"}  # our blocks are not the report's text
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "col", "area", "base", "embed", "source", "wbr"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, bool]] = []   # (text, inside a heading)
        self.skip_depth = 0  # >0 while inside an element whose text is not the report's
        self.heading_depth = 0
        self.stack: list[tuple[bool, bool]] = []   # (skipping, heading) of each open element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br":
                self.parts.append(("\n", False))
            return
        classes = set((dict(attrs).get("class") or "").split())
        skipping = bool(classes & _SKIP_CLASSES) or tag in ("script", "style")
        heading = tag in _HEADINGS
        self.stack.append((skipping, heading))
        self.skip_depth += skipping
        self.heading_depth += heading
        if tag in _BLOCKS:
            self.parts.append(("\n", False))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.stack:
            return
        skipping, heading = self.stack.pop()
        self.skip_depth -= skipping
        self.heading_depth -= heading
        if tag in _BLOCKS:
            self.parts.append(("\n", False))

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append((data, self.heading_depth > 0))


def page_text(html: str) -> str:
    return page_text_and_headings(html)[0]


def page_text_and_headings(html: str) -> tuple[str, list[tuple[int, int]]]:
    """The page's text, and the [start, end) character ranges of its heading lines in it."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines: list[list[str]] = [[]]
    heading_line = [False]
    for data, heading in parser.parts:
        for k, piece in enumerate(data.split("\n")):
            if k:
                lines.append([])
                heading_line.append(False)
            lines[-1].append(piece)
            heading_line[-1] |= heading and not piece.isspace() and piece != ""
    kept, headings, offset = [], [], 0
    for pieces, heading in zip(lines, heading_line):
        line = " ".join("".join(pieces).split())
        if not line:
            continue
        if heading:
            headings.append((offset, offset + len(line)))
        kept.append(line)
        offset += len(line) + 1
    return "\n".join(kept), headings
