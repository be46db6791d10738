"""Small HTML helpers for generated pages: every value from a report passes `esc`.

Generated pages are Markdown files whose lists and metadata are raw HTML blocks: that keeps
escaping in our hands (a title like `<script>` is text, never markup) and lets relative links
be computed once, here.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from ..theme import page_options


_SAFE_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/.-_~")


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()#+!|{}-])")


def md_text(value: object) -> str:
    """A value placed in Markdown (a heading, a paragraph): HTML-escaped, and Markdown syntax
    escaped too, so `[点我](javascript:…)` in a topic name is text, not a link."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", esc(value))


def href(from_url: str, to_url: str) -> str:
    """Relative link between two site-relative directory URLs ("" is the home page)."""
    # posixpath.relpath does the same but asks the OS for the working folder on every call,
    # and an index page holds hundreds of links.
    start = [p for p in from_url.split("/") if p and p != "."]
    target = [p for p in to_url.split("/") if p and p != "."]
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    rel = "/".join([".."] * (len(start) - common) + target[common:]) or "."
    if to_url.endswith("/") or to_url == "":
        rel = rel.rstrip("/") + "/"
    # Chinese stays readable (browsers accept UTF-8 in href); unsafe ASCII is percent-encoded.
    return "".join(c if ord(c) > 127 or c in _SAFE_ASCII else quote(c) for c in rel)


def link(from_url: str, to_url: str, text: object, cls: str = "") -> str:
    attr = f' class="{esc(cls)}"' if cls else ""
    return f'<a href="{esc(href(from_url, to_url))}"{attr}>{esc(text)}</a>'


def front_matter(title: str, *, hide_navigation: bool = False, hide_toc: bool = False) -> str:
    """YAML front matter for a generated page. The title is HTML-escaped because MkDocs and
    Material print `page.meta.title` into templates without escaping it; control characters
    (which a report's YAML can spell, `"\\a"`) are not text and are left out."""
    lines = ["---", f"title: {_yaml_str(esc(_CONTROL.sub('', title)))}",
             *page_options(hide_navigation=hide_navigation, hide_toc=hide_toc), "---"]
    return "\n".join(lines) + "\n\n"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What YAML does not take as it is inside a double-quoted scalar: non-printable characters
# (an error) and line breaks (folded into a space).
_NOT_AS_IS = re.compile(r"[^\x09\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")


def _yaml_str(value: str) -> str:
    """A YAML double-quoted scalar that reads back as `value`, whatever it holds."""
    value = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _NOT_AS_IS.sub(lambda m: f"\\u{ord(m.group()):04x}", value) + '"'
