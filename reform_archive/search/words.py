"""Whole words, for the search's ranking boost: per report, how often each of its jieba words
occurs in it as a whole word (税费 in 税费负担 is one; in 农村税费改革, one word of the archive's
dictionary, it is not).

Words are cut by `segment.PlainCutter` (jieba without HMM, with the archive's dictionary) from
the normalised text the bigrams are made of, and kept when they have two or more characters, all
of them letters, digits or Chinese: what a query part can be.

Cutting a large archive takes seconds even with jieba-rs, which holds the GIL: it is done in a
worker process, in the background. The search index builder hands each report's text over as
soon as its page is rendered (`WholeWordCounter.add`), while MkDocs keeps one core busy and the
other is idle, so by the time the index is written most counts are in.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from .normalize import normalize_text

if TYPE_CHECKING:
    from ..language.segment import ArchiveSegmenter

CHUNK_CHARACTERS = 1_000_000   # of text per task for a worker process
IN_PROCESS_CHARACTERS = 3_000_000  # less than this is cut here: starting a process costs a second
_SURROGATE = re.compile("[\ud800-\udfff]")

Counts = tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]   # see `_count`
# A compound (two words of two or more characters side by side: 乡村振兴, 精准扶贫, 一带一路) in
# at least this share of the reports, and in two at least, gets an exact entry as a word does:
# people search for such slogans as often as for words, and without an entry each costs a
# second round of requests (positions). At 2 % a 10,000-report archive's word entries grow by
# about half; at 0.5 % they would triple.
COMPOUND_SHARE = 0.02


@dataclass
class WholeWords:
    """Every (word, document) pair in which the word occurs as a whole word, ordered by word (in
    string order), then document."""

    words: list[str]        # in string order
    word: np.ndarray        # per pair: index in `words`
    doc: np.ndarray         # per pair: document
    count: np.ndarray       # per pair: occurrences as a whole word
    compounds: list[str] = field(default_factory=list)   # frequent compounds that are no word


def is_indexed(word: str) -> bool:
    """Whether a word gets whole-word counts: two or more letters, digits or Chinese characters."""
    return len(word) >= 2 and word.isalnum()


class WholeWordCounter:
    """Counts the whole words of documents, in a worker process once there is enough text.

    `add(key, text)` hands a document's text over as soon as it is known; `counting(keys,
    texts)` names the documents of an index, in index order (adding those not added yet), and
    its `result()` waits for their counts. Texts are sent to the worker a chunk at a time; until
    `in_process_below` characters have come they wait here, and a small archive is counted in
    this process at `result()` rather than start a process for it."""

    def __init__(self, segmenter: ArchiveSegmenter | None = None, processes: int | None = None,
                 in_process_below: int = IN_PROCESS_CHARACTERS) -> None:
        if segmenter is None:
            from ..language.segment import segmenter
        self.segmenter = segmenter
        # One worker is enough to keep up with MkDocs rendering pages, and leaves it its core.
        self.processes = processes or max(1, min(2, (os.cpu_count() or 1) - 1))
        self.in_process_below = in_process_below
        self._chunks: list[list[str] | Future | Counts | None] = []   # texts, on their way, counted, let go
        self._chunk_sizes: list[int] = []                    # texts in each
        self._where: dict[Hashable, tuple[int, int]] = {}    # key -> (chunk, place in it)
        self._open: list[str] = []
        self._open_characters = self._characters = 0
        self._pool: ProcessPoolExecutor | None = None

    def add(self, key: Hashable, text: str) -> None:
        """A document's text as `SearchDocument.text` gives it (not normalised)."""
        if key in self._where:
            return
        self._where[key] = (len(self._chunks), len(self._open))
        self._open.append(text)
        self._open_characters += len(text)
        self._characters += len(text)
        if self._open_characters >= CHUNK_CHARACTERS:
            self._close_chunk()

    def counting(self, keys: Sequence[Hashable], texts: Iterable[str], *, last: bool = False) -> WholeWordCounting:
        """The counts of the documents `keys` (with their `texts`), as document 0, 1, … of an index.
        `last`: no other index will ask for counts after this one's, which may let them go."""
        for key, text in zip(keys, texts):
            self.add(key, text)
        self._close_chunk()
        return WholeWordCounting(self, list(keys), last)

    def _close_chunk(self) -> None:
        if self._open:
            self._chunks.append(self._open)
            self._chunk_sizes.append(len(self._open))
            self._open, self._open_characters = [], 0
        if self._pool is None and self._characters >= self.in_process_below:
            # Spawned, not forked: forking a process that runs threads (MkDocs' live-reload
            # server, for one) can leave the child a lock no one will release.
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start_worker,
                                             initargs=(self.segmenter.user_dictionary(), os.getpid()))
        if self._pool is not None:
            for i, chunk in enumerate(self._chunks):
                if isinstance(chunk, list):
                    self._chunks[i] = self._pool.submit(_count_in_worker, chunk)

    def _counts(self, chunk: int) -> Counts:
        found = self._chunks[chunk]
        if found is None:
            raise RuntimeError("word counts asked for after the last index took them")
        if isinstance(found, Future):
            found = found.result()
        elif isinstance(found, list):
            found = _count(found, self.segmenter.plain_cutter())
        self._chunks[chunk] = found
        return found

    def _stop_when_idle(self) -> None:
        if self._pool is not None and not any(isinstance(c, (Future, list)) for c in self._chunks):
            self._pool.shutdown()
            self._pool = None


class WholeWordCounting:
    """The whole words of an index's documents, on their way (`WholeWordCounter.counting`)."""

    def __init__(self, counter: WholeWordCounter, keys: list[Hashable], last: bool = False) -> None:
        self.counter, self.keys, self.last = counter, keys, last

    def result(self) -> WholeWords:
        """The merged counts. For the `last` index the counter lets go of each chunk's counts as it
        takes them (at 10,000 reports half a gigabyte, held until the build's end before)."""
        counter = self.counter
        doc_of: dict[int, np.ndarray] = {}
        for doc, key in enumerate(self.keys):
            chunk, place = counter._where[key]
            if chunk not in doc_of:
                doc_of[chunk] = np.full(counter._chunk_sizes[chunk], -1, dtype=np.int64)
            doc_of[chunk][place] = doc
        try:
            parts = []
            for chunk in sorted(doc_of):
                words, word, text, count, compounds = counter._counts(chunk)
                if self.last:
                    counter._chunks[chunk] = None
                doc = doc_of[chunk][text]
                kept = doc >= 0     # a chunk may hold documents of another index (a delta's)
                if kept.all():   # the usual case: no copies
                    parts.append((words, word, doc, count, compounds[:, 1:]))
                    continue
                in_index = doc_of[chunk][compounds[:, 0]] >= 0 if compounds.size else np.zeros(0, dtype=bool)
                parts.append((words, word[kept], doc[kept], count[kept], compounds[in_index, 1:]))
        finally:
            counter._stop_when_idle()
        return _merged(parts, len(self.keys))


_worker_cut: Callable[[str], list[str]] | None = None   # in a worker process


def _start_worker(user_words: list[tuple[str, int, str]], build: int) -> None:
    global _worker_cut
    from ..language.segment import PlainCutter

    # The build's pid comes from the build: one killed while this worker started is not its
    # parent by now.
    threading.Thread(target=_exit_with_parent, args=(build,), daemon=True,
                     name="reform-archive: exit with the build").start()
    _worker_cut = PlainCutter(user_words)


def _exit_with_parent(parent: int) -> None:
    """A build killed outright (SIGKILL, or SIGTERM to its process alone) never shuts its pool
    down, and its worker went on counting for no one, a core busy for minutes: a worker stops
    once it is another process's child."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _count_in_worker(texts: list[str]) -> Counts:
    return _count(texts, _worker_cut)


def _count(texts: Sequence[str], cut: Callable[[str], list[str]]) -> Counts:
    """The indexed whole words of `texts` (normalised here, as the index normalises them): (the
    words, and per (word, text) pair: the word's index in them, the text's index in `texts`,
    the count), pairs in text order."""
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__   # a new word gets the next number
    # The index's text is made of code points: a lone surrogate (which no word holds) is one.
    pieces = [cut(_SURROGATE.sub("\ufffd", normalize_text(text))) for text in texts]
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
    # Compounds: two neighbouring words of two or more characters each, once per text.
    content = np.fromiter((ok and len(w) >= 2 for w, ok in zip(found, indexed.tolist())), dtype=bool,
                          count=len(found))
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
    side = content[number[:-1]] & content[number[1:]] & (text_of[:-1] == text_of[1:]) if number.size else \
        np.zeros(0, dtype=bool)
    at = np.flatnonzero(side)
    compounds = _distinct_rows(text_of[at], renumber[number[at]], renumber[number[at + 1]])
    return (words, (pairs & 0xFFFFFFFF).astype(np.int32), (pairs >> 32).astype(np.int32), count,
            compounds.astype(np.int32))


def _distinct_rows(text: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The distinct (text, first word, second word) rows, sorted. As one number each (21 bits a
    word, the rest the text), sorted, neighbours compared: `np.unique(rows, axis=0)` took 40 s
    of a 10,000-report build, a sort of numbers takes a fraction of a second."""
    if not text.size:
        return np.zeros((0, 3), dtype=np.int64)
    bits = max(1, int(max(first.max(), second.max())).bit_length())
    if int(text.max()).bit_length() + 2 * bits > 63:   # not in one number: the slow way
        return np.unique(np.stack([text, first, second], axis=1), axis=0)
    mask = (1 << bits) - 1
    keys = np.sort(text.astype(np.int64) << (2 * bits) | first.astype(np.int64) << bits | second)
    new = np.ones(keys.size, dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    keys = keys[new]
    return np.stack([keys >> (2 * bits), keys >> bits & mask, keys & mask], axis=1)


def _merged(parts: list[tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
            documents: int) -> WholeWords:
    """One `WholeWords` from counts of chunks whose documents are numbered already."""
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    number = vocabulary.__getitem__
    words, docs, counts, neighbours = [], [], [], []
    for found, word, doc, count, compounds in parts:
        global_number = np.fromiter(map(number, found), dtype=np.int64, count=len(found))
        words.append(global_number[word] if word.size else np.zeros(0, dtype=np.int64))
        docs.append(doc.astype(np.int64))
        counts.append(count)
        neighbours.append(global_number[compounds[:, 0]] << 32 | global_number[compounds[:, 1]]
                          if compounds.size else np.zeros(0, dtype=np.int64))
    every = list(vocabulary)
    # A chunk lists each compound of a text once: how many times a compound is listed is the
    # number of reports it is in.
    pair, reports = np.unique(np.concatenate(neighbours), return_counts=True) if neighbours else \
        (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    frequent = pair[reports >= max(2, math.ceil(COMPOUND_SHARE * documents))]
    known = set(every)
    compounds = sorted({every[a] + every[b] for a, b in zip((frequent >> 32).tolist(), (frequent & 0xFFFFFFFF).tolist())}
                       - known)
    order = sorted(range(len(every)), key=every.__getitem__)
    rank = np.empty(len(every), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(every), dtype=np.int64)
    if not every:
        none = np.zeros(0, dtype=np.int32)
        return WholeWords([], none, none, none, compounds)
    word, doc = rank[np.concatenate(words)], np.concatenate(docs)
    # Documents were added in any order (MkDocs renders pages in its own): sort by both.
    by_pair = np.argsort(word << 32 | doc)
    return WholeWords([every[i] for i in order], word[by_pair].astype(np.int32),
                      doc[by_pair].astype(np.int32), np.concatenate(counts)[by_pair], compounds)
