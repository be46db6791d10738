"""Report HTML is sanitised: a report copied from a hostile page must not run script in a
reader's browser, nor make it fetch anything from outside the site (the archive is opened
inside government intranets).

nh3 (Ammonia) keeps formatting, tables, links and images, and drops `<script>`, event handlers,
`javascript:`/`data:` URLs, `<iframe>`, `<object>`, `<style>`, `style` and `name` attributes.
Beyond that, what a report's own markup may say is narrowed so it cannot reach the page's
scripts (DOM clobbering: Material's bundle and ours read `#__config` and select `.md-…`/`.ra-…`):

- every `id` gets the prefix `r-` (the page's table of contents and `#…` links are rewritten to
  match), so no report can define `__config`, `__search` or an id our scripts look for;
- no `class` but Markdown's own permalink (`a.headerlink`): no `md-…`, `ra-…` or `mermaid`
  (which would make Material load a diagram library from the internet);
- an image from outside the site (`http:`, `https:`, `//host`) is not loaded: it becomes a
  link to that address, and the caller is told, to warn.

The blocks we generate around a report's text (its metadata, the other versions) are ours, and
keep their classes: `sanitize_report_page` cleans them apart from the report's text.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re

import nh3

REPORT_ID_PREFIX = "r-"

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Classes a report's text may carry: only the permalink Markdown's toc adds to headings.
REPORT_CLASSES = {"a": {"headerlink"}}
# Classes of the blocks we generate around it (site/pages.py).
OUR_CLASSES = {"dl": {"ra-report-meta"}, "span": {"ra-list-meta", "ra-cite-date", "ra-cite-url"},
               "div": {"ra-versions", "ra-related", "ra-cite"}, "ul": {"ra-report-list"},
               "details": {"ra-diff"}, "p": {"ra-diff-none", "ra-cite-label", "ra-cite-text"},
               "pre": {"ra-cite-text"}}

_IMG = re.compile(r"<img\b([^>]*)>")          # nh3's output: attributes double-quoted, `<>` escaped
_ATTR = re.compile(r'([^\s="]+)="([^"]*)"')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def is_external(url: str) -> bool:
    """Whether a browser would fetch `url` (an attribute's value) from another host. Read as
    a browser reads it: tabs and newlines removed, spaces and controls trimmed, `\\` as `/`."""
    url = re.sub(r"[\t\n\r]", "", url).strip(_C0_AND_SPACE)
    url = url.replace("\\", "/")
    return url.startswith("//") or bool(_SCHEME.match(url))


def sanitize_html(html: str) -> str:
    """Our own generated HTML: the common rules, our classes, ids as they are."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     allowed_classes=OUR_CLASSES, link_rel="noopener noreferrer", strip_comments=True)


def _report_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return REPORT_ID_PREFIX + value if value else None
    if attribute == "href" and value.startswith("#") and len(value) > 1:
        return "#" + REPORT_ID_PREFIX + value[1:]
    return value


def sanitize_report_html(html: str) -> tuple[str, list[str]]:
    """A report's own text (rendered from its Markdown): the common rules, ids prefixed, no
    classes but the permalink's, and external images turned into links. Returns the HTML and
    the addresses of the images that were not loaded."""
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      allowed_classes=REPORT_CLASSES, attribute_filter=_report_attribute,
                      link_rel="noopener noreferrer", strip_comments=True)
    external: list[str] = []

    def unload(match: re.Match) -> str:
        attrs = {name: html_lib.unescape(value) for name, value in _ATTR.findall(match.group(1))}
        src = attrs.get("src", "")
        if not is_external(src):
            return match.group(0)
        external.append(src)
        text = attrs.get("alt") or src
        return (f'<a href="{html_lib.escape(src)}" rel="noopener noreferrer">'
                f"{html_lib.escape(text)}</a>")

    return _IMG.sub(unload, clean), external


def report_anchor(anchor: str) -> str:
    """The id an anchor of a report's text has on its page (its table of contents entries)."""
    return REPORT_ID_PREFIX + anchor


def block_mark(block: str) -> str:
    """The paragraph that stands for one of our blocks (a report page's head or tail) in the
    page's Markdown. The blocks are raw HTML that Markdown would only copy, yet its HTML
    parsers (md_in_html's and MkDocs' anchor finder) walk every tag of them: 15 s of a
    10,000-report build. The mark is put back as the block after rendering (it names the
    block's hash, so the page's Markdown, and the cache key made from it, changes with it)."""
    return "ra-block-" + hashlib.sha256(block.strip().encode("utf-8")).hexdigest()[:32]


def sanitize_report_page(html: str, head: str = "", tail: str = "") -> tuple[str, list[str]]:
    """A report page rendered from Markdown that holds `block_mark(head)`, the report's text,
    then `block_mark(tail)`: `head` and `tail` are our generated blocks (raw HTML). They keep
    our classes and the text between is cleaned as the report's. A mark that the report's own
    HTML took in (an unclosed `<div>` above it) is taken out of that HTML all the same: the
    blocks never depend on what the report holds. Returns the HTML and the external images
    not loaded."""
    for block in (head, tail):
        if block.strip():
            mark = block_mark(block)
            html = html.replace(f"<p>{mark}</p>", "").replace(mark, "")
    body, external = sanitize_report_html(html)
    parts = [sanitize_html(head.strip()) if head.strip() else "", body, sanitize_html(tail.strip()) if tail.strip() else ""]
    return "\n".join(p for p in parts if p), external
