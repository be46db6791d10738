"""Normalisation and the breaks left out, against their plain definitions.

`normalize_text` and `left_out_breaks` are written for speed (an array lookup over code points;
white-space runs judged by their neighbours). The references below are the plain statements of
the same rules: `normalize_char` applied character by character, and the break rule as the one
regular expression search-worker.js uses on a query."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reform_archive.search.normalize import (TIGHT_RANGES, left_out_breaks, normalize_char, normalize_keeping_lines,
                                             normalize_text)

_TIGHT = "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in TIGHT_RANGES) + "]"
_WORKER_BREAKS = re.compile(rf"(?<={_TIGHT})[ \n]+(?={_TIGHT}|[0-9a-z])|(?<=[0-9a-z])[ \n]+(?={_TIGHT})"
                            rf"|(?<=[a-z]) *\n[ \n]*(?=[0-9])|(?<=[0-9]) *\n[ \n]*(?=[a-z])")


def reference_breaks(normalized):
    return [m.span() for m in _WORKER_BREAKS.finditer(normalized)]


def reference_normalize(text, keep_lines=False):
    return "".join("\n" if keep_lines and c == "\n" else normalize_char(c) for c in text)


# Characters the rules tell apart: CJK and its punctuation, Latin, digits, full-width forms,
# traditional characters, quotes, every kind of white space, astral and lone surrogates.
_CHARS = st.sampled_from(list("政府工作報告，。、（）“”「」abzAZ09ＧＤＰ７．５é ü\n\t\r\u3000\u00a0 ,.-") +
                         ["\U00020000", "\U0001F600", "\ud800", "\udfff", "\u2e80", "\u303f", "\u3040"])
_TEXTS = st.lists(_CHARS, max_size=60).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_normalising_is_normalize_char_per_character(text):
    assert normalize_text(text) == reference_normalize(text)
    assert normalize_keeping_lines(text) == reference_normalize(text, keep_lines=True)
    assert len(normalize_text(text)) == len(text)


@settings(max_examples=1000, deadline=None)
@given(_TEXTS)
def test_the_breaks_left_out_are_the_workers(text):
    normalized = normalize_keeping_lines(text)
    assert left_out_breaks(normalized) == reference_breaks(normalized)


def test_the_breaks_of_real_text_are_the_workers():
    from tests.conftest import REPO

    for path in sorted((REPO / "reports").glob("*.md")):
        normalized = normalize_keeping_lines(path.read_text(encoding="utf-8"))
        assert left_out_breaks(normalized) == reference_breaks(normalized), path.name


def test_a_character_first_seen_later_is_normalised_too():
    assert normalize_text("甲乙") == "甲乙"
    assert normalize_text("甲乙臺灣ＡＢ") == "甲乙台湾ab"   # new characters after the table has others
