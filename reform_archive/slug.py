"""Slugs: the file and URL names of reports, safe on every file system and in every URL.

A slug keeps Chinese characters (readable in a file manager and in the address bar) and can
never name a path outside its folder: no `/`, `\\`, `..`, control characters or leading dots.
"""

from __future__ import annotations

import functools
import re
import unicodedata

MAX_SLUG_CHARS = 60
# Names MkDocs gives a meaning of its own: `x/index.md` is published at `x/`, not `x/index/`.
RESERVED_SLUGS = frozenset({"index"})
_UNSAFE = re.compile(r"[\\/:*?\"<>|#%&{}$!'`@+=;,\[\]^~\x00-\x1f\x7f\s，。、；：？！“”‘’（）《》【】〔〕…—·]+")


@functools.lru_cache(maxsize=1 << 16)   # the same names are slugged for every page that lists them
def slugify(text: str, fallback: str = "report") -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _UNSAFE.sub("-", text)
    # Only letters, digits and a few separators survive: no emoji, no symbols in a path.
    text = "".join(c for c in text if unicodedata.category(c)[0] in "LN" or c in "-_.")
    slug = re.sub(r"\.{2,}", ".", text)
    slug = re.sub(r"-{2,}", "-", slug).strip("-.")[:MAX_SLUG_CHARS].strip("-.")
    if not slug:
        return fallback
    return slug.lower() if slug.isascii() else slug
