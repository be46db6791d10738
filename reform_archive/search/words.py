"""Whole words, for the search's ranking boost: per report, how often each of its jieba words
occurs in it as a whole word (税费 in 税费负担 is one; in 农村税费改革, one word of the archive's
dictionary, it is not).

Words are cut by `segment.PlainCutter` (jieba without HMM, with the archive's dictionary) from
the normalised text the bigrams are made of, and kept when they have two or more characters, all
of them letters, digits or Chinese: what a query part can be. An archive of millions of
characters is cut in worker processes (jieba holds the GIL, even jieba-rs), while the index
builder encodes its bigrams.
"""

from __future__ import annotations

import multiprocessing
import os
from itertools import chain
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..segment import ArchiveSegmenter

CHUNK_CHARACTERS = 1_000_000   # of text per task for a worker process
IN_PROCESS_CHARACTERS = 3_000_000  # less than this is cut here: starting processes costs a second


@dataclass
class WholeWords:
    """Every (word, document) pair in which the word occurs as a whole word, ordered by word (in
    string order), then document."""

    words: list[str]        # in string order
    word: np.ndarray        # per pair: index in `words`
    doc: np.ndarray         # per pair: document
    count: np.ndarray       # per pair: occurrences as a whole word

    @classmethod
    def empty(cls) -> WholeWords:
        none = np.zeros(0, dtype=np.int32)
        return cls([], none, none, none)


def is_indexed(word: str) -> bool:
    """Whether a word gets whole-word counts: two or more letters, digits or Chinese characters."""
    return len(word) >= 2 and word.isalnum()


class WholeWordCounter:
    """Counts the whole words of texts in the background: `start` hands the texts over, `result`
    waits for the counts. Small inputs are counted in this process, at `result`."""

    def __init__(self, segmenter: ArchiveSegmenter | None = None, processes: int | None = None,
                 in_process_below: int = IN_PROCESS_CHARACTERS) -> None:
        if segmenter is None:
            from ..segment import segmenter
        self.segmenter = segmenter
        self.processes = processes or min(2, os.cpu_count() or 1)
        self.in_process_below = in_process_below
        self._pool: ProcessPoolExecutor | None = None
        self._chunks: list[tuple[int, Future | list[str]]] = []

    def start(self, texts: Iterable[str]) -> WholeWordCounter:
        """`texts`: each document's normalised text, in document order."""
        chunk: list[str] = []
        size, first, total = 0, 0, 0
        pending: list[tuple[int, list[str]]] = []
        for text in texts:
            chunk.append(text)
            size += len(text)
            if size >= CHUNK_CHARACTERS:
                pending.append((first, chunk))
                first, total, chunk, size = first + len(chunk), total + size, [], 0
        if chunk:
            pending.append((first, chunk))
            total += size
        if total < self.in_process_below or self.processes < 2:
            self._chunks = list(pending)
            return self
        # Spawned, not forked: the builder holds locks and threads (MkDocs' server, numpy's).
        self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start_worker, initargs=(self.segmenter.user_dictionary(),))
        self._chunks = [(first, self._pool.submit(_count_in_worker, chunk)) for first, chunk in pending]
        return self

    def result(self) -> WholeWords:
        try:
            parts = []
            for first, chunk in self._chunks:
                if isinstance(chunk, Future):
                    parts.append((first, chunk.result()))
                else:
                    parts.append((first, _count(chunk, self.segmenter.plain_cutter())))
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None
            self._chunks = []
        return _merged(parts)


_worker_cut: Callable[[str], list[str]] | None = None   # in a worker process


def _start_worker(user_words: list[tuple[str, int, str]]) -> None:
    global _worker_cut
    from ..segment import PlainCutter

    _worker_cut = PlainCutter(user_words)


def _count_in_worker(texts: list[str]):
    return _count(texts, _worker_cut)


def _count(texts: Sequence[str], cut: Callable[[str], list[str]]
           ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The indexed whole words of `texts`: (the words, and per (word, text) pair: the word's
    index in them, the text's index in `texts`, the count), pairs in text order."""
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__   # a new word gets the next number
    pieces = [cut(text) for text in texts]
    sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    number = np.fromiter(map(vocabulary.__getitem__, chain.from_iterable(pieces)), dtype=np.int64,
                         count=int(sizes.sum()))
    del pieces
    found = list(vocabulary)
    # Most pieces are single characters, punctuation and spaces: told apart once per distinct
    # piece, not once per piece.
    indexed = np.fromiter(map(is_indexed, found), dtype=bool, count=len(found))
    keep = indexed[number]
    renumber = np.cumsum(indexed) - 1
    # (text, word) pairs as one sorted number each: equal neighbours are repeats.
    pairs = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)[keep] << 32 | renumber[number[keep]]
    pairs.sort()
    new = np.ones(pairs.size, dtype=bool)
    new[1:] = pairs[1:] != pairs[:-1]
    first = np.flatnonzero(new)
    count = np.diff(np.append(first, pairs.size)).astype(np.int32)
    pairs = pairs[first]
    words = [w for w, ok in zip(found, indexed.tolist()) if ok]
    return words, (pairs & 0xFFFFFFFF).astype(np.int32), (pairs >> 32).astype(np.int32), count


def _merged(parts: list[tuple[int, tuple[list[str], np.ndarray, np.ndarray, np.ndarray]]]) -> WholeWords:
    if not parts:
        return WholeWords.empty()
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    number = vocabulary.__getitem__
    words, docs, counts = [], [], []
    for first, (found, word, doc, count) in parts:
        global_number = np.fromiter(map(number, found), dtype=np.int32, count=len(found))
        words.append(global_number[word] if word.size else np.zeros(0, dtype=np.int32))
        docs.append(doc + np.int32(first))
        counts.append(count)
    every = list(vocabulary)
    order = sorted(range(len(every)), key=every.__getitem__)
    rank = np.empty(len(every), dtype=np.int32)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(every), dtype=np.int32)
    word = rank[np.concatenate(words)] if every else np.zeros(0, dtype=np.int32)
    doc, count = np.concatenate(docs), np.concatenate(counts)
    # Pairs come in document order: a stable sort by word keeps documents ascending.
    by_word = np.argsort(word, kind="stable")
    return WholeWords([every[i] for i in order], word[by_word], doc[by_word], count[by_word])
