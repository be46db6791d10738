"""Text normalisation shared by the index (Python) and the query side (the search worker).

Matching is done on a normalised copy of the text in which every character maps to exactly
one character, so positions in the normalised text are positions in the original and a match
can be highlighted in what the reader sees:

* NFKC per character where it yields one character (full-width Ｇ２ → g2, ideographic space);
* lower case;
* traditional → simplified, character by character (OpenCC's TSCharacters table), so that a
  simplified query finds the 1954 report written in traditional characters;
* every white-space character becomes one plain space.

The worker applies the same steps to the query, with the same table shipped beside the index.
"""

from __future__ import annotations

import importlib.metadata
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1)
def traditional_to_simplified() -> dict[str, str]:
    """OpenCC's character table, read from the package's data file (no import side effects).
    Only one-to-one entries are used: the first simplified form of each traditional character."""
    path = importlib.metadata.distribution("opencc-python-reimplemented").locate_file(
        "opencc/dictionary/TSCharacters.txt")
    table = {}
    with open(str(path), encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2 and len(parts[0]) == 1:
                target = parts[1].split(" ")[0]
                if len(target) == 1 and target != parts[0]:
                    table[parts[0]] = target
    return table


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
