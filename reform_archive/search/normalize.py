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
import sys
import unicodedata
from functools import lru_cache

import numpy as np

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


class _CodePointTable:
    """`normalize_char` as an array over every code point, each filled the first time a text has
    it: a text is normalised by one array lookup (numpy, ~25 µs for a 6,000-character report,
    20× `str.translate` with a dict), and `normalize_char` is called once per distinct character."""

    def __init__(self) -> None:
        self.table = np.arange(sys.maxunicode + 1, dtype=np.uint32)
        self.known = np.zeros(sys.maxunicode + 1, dtype=bool)

    def code_points(self, cps: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Code points (uint32), normalised (into `out`, which may be `cps` itself)."""
        fresh = cps[~self.known[cps]]
        if fresh.size:
            for code in np.unique(fresh).tolist():
                self.table[code] = ord(normalize_char(chr(code)))
            self.known[fresh] = True
        return np.take(self.table, cps, out=out)


_TABLE: _CodePointTable | None = None


def _table() -> _CodePointTable:
    global _TABLE
    if _TABLE is None:
        _TABLE = _CodePointTable()
    return _TABLE


def _normalized(text: str, keep_lines: bool) -> str:
    # surrogatepass: a lone surrogate (from a broken page) stays itself, as it always did.
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out = _table().code_points(cps)
    if keep_lines:
        out[cps == 0x0A] = 0x0A
    return out.tobytes().decode("utf-32-le", "surrogatepass")


def normalize_text(text: str) -> str:
    """Same length as `text`, character for character."""
    return _normalized(text, keep_lines=False)


def normalize_code_points(cps: np.ndarray) -> np.ndarray:
    """`normalize_text` over code points (uint32), in place: the index's whole text at once."""
    return _table().code_points(cps, out=cps)


def normalize_keeping_lines(text: str) -> str:
    """`normalize_text`, but a line break stays a line break (every other white space is a space)."""
    return _normalized(text, keep_lines=True)


# Characters between which a break is no break in Chinese text: CJK ideographs, kana, CJK
# punctuation (the ideographic space excepted), as code point ranges; the worker builds the same
# pattern from them (`for_worker`).
TIGHT_RANGES = ((0x2E80, 0x2FFF), (0x3001, 0x303F), (0x3040, 0x30FF), (0x3100, 0x312F), (0x31A0, 0x31FF),
                (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


_RUNS = re.compile(r"[ \n]+")   # on normalised text, white space is a space or a line break


def _is_tight(c: str) -> bool:
    code = ord(c)
    return any(a <= code <= b for a, b in TIGHT_RANGES)


def _is_latin(c: str) -> bool:
    return "a" <= c <= "z"


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def left_out_breaks(normalized: str) -> list[tuple[int, int]]:
    """The runs of white space in a normalised text (its line breaks kept) that matching leaves out, as [start, end):
    between two CJK characters, between a CJK character and a digit or Latin letter, and a line
    break between a Latin letter and a digit (`PM` / `2.5`: a subscript set on a line of its own).
    A space between two Latin words, or after a comma, stays. A run is left out whole or not at
    all, so each is judged by the characters on either side (the worker's rule, said as one
    regular expression in search-worker.js)."""
    spans, end = [], len(normalized)
    for run in _RUNS.finditer(normalized):
        a, b = run.span()
        if a == 0 or b == end:
            continue
        before, after = normalized[a - 1], normalized[b]
        if _is_tight(before):
            leave_out = _is_tight(after) or _is_latin(after) or _is_digit(after)
        elif _is_latin(before) or _is_digit(before):
            leave_out = _is_tight(after) or ("\n" in run.group() and (
                _is_digit(after) if _is_latin(before) else _is_latin(after)))
        else:
            leave_out = False
        if leave_out:
            spans.append((a, b))
    return spans


def for_worker() -> dict:
    """What search-worker.js normalises a query by: the quote folding and the break rule."""
    return {"quoteFold": QUOTE_FOLD, "tight": [list(r) for r in TIGHT_RANGES]}
