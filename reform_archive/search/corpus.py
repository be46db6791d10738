"""What the index is built from: the reports to search (`SearchDocument`), and their normalised
text as arrays (`Corpus`), computed once per build for the grams and the word entries alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .format import TEXT_LINES
from .layout import TextLayout, lay_out
from .normalize import normalize_code_points


@dataclass
class SearchDocument:
    url: str
    title: str
    body: str                       # plain text as shown on the page
    year: int | None = None
    region: str = ""                # the whole path, as the page shows it
    regions: list[str] = field(default_factory=list)   # its levels' paths, province first (facets)
    topics: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    source: str = ""                # as the page's metadata block shows it
    headings: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in body

    @property
    def province(self) -> str:
        return self.regions[0] if self.regions else ""

    @cached_property
    def layout(self) -> TextLayout:
        """The text as the index lays it out (`layout.py`, `format.TEXT_LINES`)."""
        fields = {"title": self.title, "region": self.region, "topics": "、".join(self.topics),
                  "keywords": "、".join(self.keywords), "source": self.source}
        return lay_out([fields[f.name] for f in TEXT_LINES], self.body, self.headings)

    @property
    def text(self) -> str:
        """What is searched, positions count in: the title and metadata lines, then the body."""
        return self.layout.matched


@dataclass
class Corpus:
    """Every document's normalised text, concatenated, as character ranks: each character's rank
    among the archive's distinct characters (which keeps string order and makes gram keys
    small); with what grams and word entries both need to place an occurrence."""

    rank: np.ndarray          # per character of the archive (int32)
    cps_of_rank: np.ndarray   # the code point of each rank (uint32), ascending
    starts: np.ndarray        # each document's first character, and the end (int64)
    doc_of: np.ndarray        # per character: its document (int32)
    title_len: np.ndarray     # per document: its title's length with its line break (int64)
    in_heading: np.ndarray    # per character: whether it is in a heading line (bool)

    @property
    def width(self) -> int:
        """Gram keys: a unigram's is rank × width, a bigram's first rank × width + second rank + 1,
        so that keys sort as the grams' strings do."""
        return self.cps_of_rank.size + 1

    @classmethod
    def of(cls, docs: list[SearchDocument]) -> Corpus:
        cps, starts = _code_points(docs)
        rank, cps_of_rank = _dense_ranks(cps)
        del cps
        title_len = np.fromiter((d.layout.line_lengths[0] for d in docs), dtype=np.int64, count=len(docs))
        doc_of = np.repeat(np.arange(starts.size - 1, dtype=np.int32), np.diff(starts))
        return cls(rank, cps_of_rank, starts, doc_of, title_len, _in_heading(docs, starts))


def _code_points(docs: list[SearchDocument]) -> tuple[np.ndarray, np.ndarray]:
    """Every document's normalised text, concatenated, as code points (uint32), and each
    document's start offset in it. Normalisation is per character: one table lookup over the
    whole array (`normalize.normalize_code_points`)."""
    texts = [doc.text for doc in docs]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    cps = np.empty(int(starts[-1]), dtype=np.uint32)
    for i, text in enumerate(texts):
        cps[starts[i] : starts[i + 1]] = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    del texts
    return normalize_code_points(cps), starts


def _dense_ranks(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each character's rank among the distinct code points, and the code point of each rank."""
    if not cps.size:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.uint32)
    present = np.zeros(int(cps.max()) + 1, dtype=bool)
    present[cps] = True
    cps_of_rank = np.flatnonzero(present).astype(np.uint32)
    rank = (np.cumsum(present, dtype=np.int32) - 1)[cps]
    return rank, cps_of_rank


def _in_heading(docs: list[SearchDocument], starts: np.ndarray) -> np.ndarray:
    """Which characters are in a heading line (the layout's heading ranges)."""
    n = int(starts[-1])
    edges = np.zeros(n + 1, dtype=np.int8)   # heading lines never overlap: values stay in -1..1
    for i, doc in enumerate(docs):
        for a, b in doc.layout.headings:
            lo, hi = int(starts[i] + a), int(starts[i] + b)
            edges[min(lo, n)] += 1
            edges[min(hi, n)] -= 1
    return np.cumsum(edges[:-1], dtype=np.int8) > 0
