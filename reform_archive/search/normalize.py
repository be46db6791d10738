"""Text normalisation shared by the index (Python) and the query side (the search worker).

Matching is done on a normalised copy of the text in which every character maps to exactly
one character, so positions in the normalised text are positions in the original and a match
can be highlighted in what the reader sees:

* NFKC per character where it yields one character (full-width Ｇ２ → g2, ideographic space);
* lower case;
* traditional → simplified, character by character (OpenCC's table, `language.chinese`), so
  that a simplified query finds the 1954 report written in traditional characters;
* every white-space character becomes one plain space;
* quotation marks fold to one form per kind (`QUOTE_FOLD`): the text's `“十四五”`, `「十四五」`
  and `"十四五"` are found by any of them (a query's ASCII `"…"` around a whole part is the
  phrase operator, taken off before this).

The worker applies the same steps to the query, with the same table shipped beside the index.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..language.chinese import traditional_to_simplified


# Double quotes, single quotes and title marks, each written several ways in Chinese text.
QUOTE_FOLD = {**dict.fromkeys("“”„‟「」〝〞〟＂", '"'), **dict.fromkeys("‘’‛『』＇", "'"), "〈": "《", "〉": "》"}


@lru_cache(maxsize=65536)
def normalize_char(c: str) -> str:
    if c.isspace():
        return " "
    if c in QUOTE_FOLD:
        return QUOTE_FOLD[c]
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:
        n = c
    low = n.lower()
    if len(low) == 1:
        n = low
    n = QUOTE_FOLD.get(n, n)
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


_LINES_KEPT_TABLE = _NormalizedTable({ord("\n"): "\n"})


def normalize_keeping_lines(text: str) -> str:
    """`normalize_text`, but a line break stays a line break (every other white space is a space)."""
    return text.translate(_LINES_KEPT_TABLE)


# Characters between which a break is no break in Chinese text: CJK ideographs, kana, CJK
# punctuation (the ideographic space excepted), as code point ranges; the worker builds the same
# pattern from them (`for_worker`).
TIGHT_RANGES = ((0x2E80, 0x2FFF), (0x3001, 0x303F), (0x3040, 0x30FF), (0x3100, 0x312F), (0x31A0, 0x31FF),
                (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def _break_pattern() -> re.Pattern:
    tight = "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in TIGHT_RANGES) + "]"
    # On normalised text: white space is one plain space or a line break, Latin is lower case.
    return re.compile(rf"(?<={tight})[ \n]+(?={tight}|[0-9a-z])|(?<=[0-9a-z])[ \n]+(?={tight})"
                      rf"|(?<=[a-z]) *\n[ \n]*(?=[0-9])|(?<=[0-9]) *\n[ \n]*(?=[a-z])")


_BREAKS = _break_pattern()


def left_out_breaks(normalized: str) -> list[tuple[int, int]]:
    """The runs of white space in a normalised text (its line breaks kept) that matching leaves out, as [start, end):
    between two CJK characters, between a CJK character and a digit or Latin letter, and a line
    break between a Latin letter and a digit (`PM` / `2.5`: a subscript set on a line of its own).
    A space between two Latin words, or after a comma, stays."""
    return [m.span() for m in _BREAKS.finditer(normalized)]


def for_worker() -> dict:
    """What search-worker.js normalises a query by: the quote folding and the break rule."""
    return {"quoteFold": QUOTE_FOLD, "tight": [list(r) for r in TIGHT_RANGES]}
