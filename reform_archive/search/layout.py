"""A report's text as the index lays it out: its title, its metadata fields, its body.

Each is a line of its own, in the order of `format.TEXT_LINES` (title, region, topics, keywords,
source), then the body: a search for `常德市` or `乡镇办公室科员` finds the report whose metadata
block shows it, and the worker knows from each line's length (docinfo.bin) which field a
position is in.

Breaks inside a sentence do not break a match: the source pages often cut a sentence over two
paragraphs (`…所作的` / `政府工作报告。`) or a subscript off its word (`PM` / `2.5`). A run of
white space is left out of the text that matching sees where `normalize.left_out_breaks` says
so; positions count in that text (`matched`). The snippets' copy (`shown`) has
`format.BREAK_MARK` where a break was left out, so that they show the text as written.
Lines never join: a break is only left out inside one line's text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .format import BREAK_MARK, LINE_MAX_CHARS
from .normalize import left_out_breaks, normalize_keeping_lines


@dataclass(frozen=True)
class TextLayout:
    matched: str                      # what is matched; positions count in it
    shown: str                        # the same with BREAK_MARK where a break was left out
    line_lengths: tuple[int, ...]     # per line of TEXT_LINES: its length in `matched`, with its line break
    headings: list[tuple[int, int]]   # the body's heading lines, [start, end) in `matched`

    @property
    def body_start(self) -> int:
        return sum(self.line_lengths)


@dataclass(frozen=True)
class _Joined:
    matched: str
    shown: str
    removed: list[int]      # original offsets of each run left out
    removed_before: list[int]   # characters left out before each run (cumulative, same order)

    def offset(self, original: int) -> int:
        """An offset in the original text, in `matched`."""
        k = bisect.bisect_left(self.removed, original)   # the runs that start before it
        if k == 0:
            return original
        run = self.removed_before[k] - self.removed_before[k - 1]
        return original - self.removed_before[k - 1] - min(original - self.removed[k - 1], run)


def join_breaks(text: str) -> _Joined:
    """`text` with the breaks inside a sentence left out (`matched`), and marked (`shown`)."""
    spans = left_out_breaks(normalize_keeping_lines(text))
    if not spans:
        return _Joined(text, text, [], [0])
    matched, shown, removed, before, at, total = [], [], [], [0], 0, 0
    for a, b in spans:
        matched.append(text[at:a])
        shown.append(text[at:a])
        shown.append(BREAK_MARK)
        removed.append(a)
        total += b - a
        before.append(total)
        at = b
    matched.append(text[at:])
    shown.append(text[at:])
    return _Joined("".join(matched), "".join(shown), removed, before)


def _line(value: str) -> str:
    # One line: a field never holds a line break, and its length fits docinfo.bin's u8 column.
    return " ".join(value.split())[:LINE_MAX_CHARS]


def lay_out(lines: list[str], body: str, headings: list[tuple[int, int]]) -> TextLayout:
    """`lines`: the title and each metadata field, as TEXT_LINES orders them; `headings`: the
    body's heading lines, [start, end) in `body`."""
    matched, shown, lengths = [], [], []
    for value in lines:
        joined = join_breaks(_line(value))
        matched.append(joined.matched + "\n")
        shown.append(joined.shown + "\n")
        lengths.append(len(joined.matched) + 1)
    start = sum(lengths)
    joined = join_breaks(body)
    matched.append(joined.matched)
    shown.append(joined.shown)
    moved = [(start + joined.offset(a), start + joined.offset(b)) for a, b in headings]
    return TextLayout("".join(matched), "".join(shown), tuple(lengths), moved)
