"""Text normalisation shared by the index (Python) and the query side (the search worker).

Matching is done on a normalised copy of the text in which every character maps to exactly
one character, so positions in the normalised text are positions in the original and a match
can be highlighted in what the reader sees:

* NFKC per character where it yields one character (full-width Ｇ２ → g2, ideographic space);
* lower case;
* traditional → simplified, character by character (OpenCC's table, `language.chinese`), so
  that a simplified query finds the 1954 report written in traditional characters;
* every white-space character becomes one plain space.

The worker applies the same steps to the query, with the same table shipped beside the index.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..language.chinese import traditional_to_simplified


@lru_cache(maxsize=65536)
def normalize_char(c: str) -> str:
    if c.isspace():
        return " "
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:
        n = c
    low = n.lower()
    if len(low) == 1:
        n = low
    return traditional_to_simplified().get(n, n)


class _NormalizedTable(dict):
    """A `str.translate` table filled on first use of each character: translate runs in C over
    the text, and `normalize_char` is called once per distinct character, not per character."""

    def __missing__(self, code: int) -> str:
        self[code] = value = normalize_char(chr(code))
        return value


_TABLE = _NormalizedTable()


def normalize_text(text: str) -> str:
    """Same length as `text`, character for character."""
    return text.translate(_TABLE)
