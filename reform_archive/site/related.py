"""Related reports: for each report shown, the few others that share its most distinctive words.

A report's words are jieba's (rjieba, HMM off, with the archive's own terms) of its title, its
`keywords` and the opening `SAMPLE_CHARS` characters of its text: cutting every whole text
would cost a third of a build at 10,000 reports, and a report's opening names its subject.
Each word is weighed by TF-IDF over the archive's own document frequencies (BM25's idf), and a
report keeps its `TERMS_PER_REPORT` heaviest words that another report also has.

Reports are then compared through an inverted index of those words, never pair by pair: a word
held by more than `MAX_POSTINGS` reports keeps only the reports it weighs most in, so the work
is at most reports × terms × MAX_POSTINGS whatever the archive's size. Two reports' score is the
cosine of their word weights over the words they share. Only shown reports take part: the
duplicates merged into a page are never listed as related to it (nor to anything else).

Kept between builds in the cache folder, under the code version of this module: the last result
by the hash of every input (`related.sealed`), and each report's word counts by the hash of
what they are cut from (`related-words.sealed`, read only when some report changed: arrays of
word ids over one vocabulary, renumbered in first-seen order when read, so that the lists are
those the counts themselves give).
"""

from __future__ import annotations

import hashlib
import marshal
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from ..archive import Archive, ArchivedReport
from ..cache_file import OnDamage, ignore_damage, read_sealed, write_sealed
from ..code_graph import code_version

RELATED_COUNT = 5
TERMS_PER_REPORT = 12
SAMPLE_CHARS = 500
MAX_POSTINGS = 64
FIELD_BOOST = 3      # a word of the title or the keywords counts as this many occurrences
CACHE_FILE = "related.sealed"          # the last result, read on every build
WORDS_FILE = "related-words.sealed"    # each text's word counts, read only when a text changed
RELATED_CODE = ("reform_archive.site.related",)

_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
# Words of any report's opening that say nothing of its subject (IDF weighs down the rest).
_STOP = frozenset("""我们 他们 你们 一个 一些 这个 那个 这些 那些 没有 已经 进行 可以 通过 以及 对于 根据 关于 按照
为了 同时 其中 还是 但是 而且 并且 因此 所以 如果 虽然 各种 有关 目前 当前 今年 去年 明年 同志 方面 问题
情况 工作 主要 进一步 加强 开展 实行 实现 提高 推进 坚持 重要 积极 认真 全面 一定 不断 必须 一是 二是 三是""".split())


@dataclass(frozen=True)
class RelatedReports:
    """{report key: the keys of its related reports, best first}."""

    by_key: dict[str, list[str]]

    def of(self, archive_report: ArchivedReport, by_key: dict[str, ArchivedReport]) -> list[ArchivedReport]:
        return [by_key[k] for k in self.by_key.get(archive_report.key, []) if k in by_key]


def _source_digest(r: ArchivedReport) -> bytes:
    """What a report's words are cut from, by hash: its title, keywords and text (by its digest,
    so that a build need not read a text that did not change)."""
    report = r.report
    return hashlib.sha256("\n".join((report.title, " ".join(report.keywords))).encode("utf-8")
                          + b"\0" + r.digest).digest()


class _Cutter:
    """rjieba with the archive's terms, made only when a text's words are not cached (loading
    its dictionary takes half a second)."""

    def __init__(self) -> None:
        self._jieba = None
        self._lock = threading.Lock()

    def made(self):
        with self._lock:
            if self._jieba is None:
                import rjieba

                from ..language.segment import ARCHIVE_TERMS

                jieba = rjieba.Jieba()
                for term in ARCHIVE_TERMS:
                    jieba.add_word(term, 20000, "n")
                self._jieba = jieba
            return self._jieba

    def __call__(self, text: str) -> list[str]:
        return (self._jieba or self.made()).cut(text, False)   # the lock only until it is made


# One per process: `serve` rebuilds in the same process, and makes it before the first change
# (`build.prepare_for_rebuilds`).
CUTTER = _Cutter()


def word_counts(r: ArchivedReport, cut) -> dict[str, int]:
    """The counts of a report's content words: title and keywords boosted, then its opening."""
    report = r.report
    counts: Counter = Counter(cut(report.body[:SAMPLE_CHARS]))
    for text in (report.title, " ".join(report.keywords)):
        for word in cut(text):
            counts[word] += FIELD_BOOST
    return {w: c for w, c in counts.items() if w not in _STOP and _WORD.fullmatch(w)}


def _group_starts(values: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if len(values) else values


def _rank_in_groups(values: np.ndarray) -> np.ndarray:
    """0, 1, 2 … within each run of equal values (sorted)."""
    starts = _group_starts(values)
    sizes = np.diff(np.r_[starts, len(values)])
    return np.arange(len(values)) - np.repeat(starts, sizes)


def _lex_order(*keys: np.ndarray) -> np.ndarray:
    """`np.lexsort(keys)` (the last key first), as one stable argsort of a single int64 key
    where the keys' ranges let them be packed into one: a float key is replaced by its dense
    rank (order and ties exact), an int key (never negative here) is used as it is. Three sort
    passes over a million entries were a third of the related lists' time."""
    packed = [(np.unique(key, return_inverse=True)[1].reshape(-1) if key.dtype.kind == "f" else key)
              .astype(np.int64, copy=False) for key in keys]
    radices = [int(ranks.max()) + 1 if len(ranks) else 1 for ranks in packed]
    if math.prod(radices) >= 2**63:
        return np.lexsort(keys)
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    for ranks, radix in reversed(list(zip(packed, radices))):   # the first key varies fastest
        combined = combined * radix + ranks
    return np.argsort(combined, kind="stable")


def compute_related(counts: list[dict[str, int]], count: int = RELATED_COUNT) -> list[list[int]]:
    """For each document (its word counts), the indexes of up to `count` most similar others,
    best first (ties: the lower index)."""
    # Flattened (report, word, count) triples; the loops run in C (chain, fromiter).
    vocabulary = {w: k for k, w in enumerate(dict.fromkeys(chain.from_iterable(counts)))}
    total = sum(len(c) for c in counts)
    word = np.fromiter(map(vocabulary.__getitem__, chain.from_iterable(counts)), np.int64, total)
    tf = np.fromiter(chain.from_iterable(c.values() for c in counts), float, total)
    return _related(np.array([len(c) for c in counts], dtype=np.int64), word, tf, count)


def _first_seen_ids(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Word ids renumbered in the order the words are first met (what `compute_related` gives
    them from the counts themselves: ties between equal weights are broken by it), and where
    each new id is first met."""
    if not len(ids):
        return ids, ids
    unique, first = np.unique(ids, return_index=True)
    order = np.argsort(first)
    renumber = np.zeros(int(unique[-1]) + 1, dtype=np.int64)
    renumber[unique[order]] = np.arange(len(unique))
    return renumber[ids], first[order]


def _related(lengths: np.ndarray, word: np.ndarray, tf: np.ndarray, count: int) -> list[list[int]]:
    """`compute_related` of the documents whose words are `word` (ids in first-seen order) with
    counts `tf`, `lengths[i]` of them for document i, in order."""
    n = len(lengths)
    result: list[list[int]] = [[] for _ in range(n)]
    if not len(word):
        return result
    doc = np.repeat(np.arange(n), lengths)
    df = np.bincount(word)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    shared = df[word] > 1                       # a word of one report links nothing
    doc, word, tf = doc[shared], word[shared], tf[shared]
    weight = (1 + np.log(tf)) * idf[word]
    # Each report's TERMS_PER_REPORT heaviest words.
    order = _lex_order(word, -weight, doc)
    doc, word, weight = doc[order], word[order], weight[order]
    top = _rank_in_groups(doc) < TERMS_PER_REPORT
    doc, word, weight = doc[top], word[top], weight[top]
    norms = np.sqrt(np.bincount(doc, weights=weight * weight, minlength=n))
    norms[norms == 0] = 1.0
    # The inverted index: each word's reports, those it weighs most in first, at most MAX_POSTINGS.
    order = _lex_order(doc, -weight, word)
    doc, word, weight = doc[order], word[order], weight[order]
    kept = _rank_in_groups(word) < MAX_POSTINGS
    doc, word, weight = doc[kept], word[kept], weight[kept]
    # Every pair of postings of one word, without a loop: element e of a group of size L is
    # paired with the L elements of its group.
    starts = _group_starts(word)
    sizes = np.diff(np.r_[starts, len(word)])
    group = np.repeat(np.arange(len(starts)), sizes)
    span = sizes[group]
    left = np.repeat(np.arange(len(word)), span)
    within = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    right = np.repeat(starts[group], span) + within
    pair = left != right
    left, right = left[pair], right[pair]
    if not len(left):
        return result
    keys = doc[left].astype(np.int64) * n + doc[right]
    values = weight[left] * weight[right]
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    firsts = _group_starts(keys)
    pair_keys = keys[firsts]
    scores = np.add.reduceat(values, firsts)
    a, b = pair_keys // n, pair_keys % n
    scores = scores / (norms[a] * norms[b])
    order = _lex_order(b, -scores, a)
    a, b = a[order], b[order]
    best = _rank_in_groups(a) < count
    for i, j in zip(a[best].tolist(), b[best].tolist()):
        result[i].append(j)
    return result


def related_reports(archive: Archive, cache_dir: Path | None = None,
                    on_damage: OnDamage = ignore_damage) -> RelatedReports:
    """The related reports of every shown report of the archive. A damaged cache file is a
    miss, reported to `on_damage`, and written again."""
    shown = sorted(archive.shown, key=lambda r: r.key)
    version = code_version(*RELATED_CODE)
    path = cache_dir / CACHE_FILE if cache_dir is not None else None
    words_path = cache_dir / WORDS_FILE if cache_dir is not None else None
    stored = _load(path, version, on_damage)
    digests = [_source_digest(r) for r in shown]
    inputs = hashlib.sha256(b"".join(r.key.encode() + b"\0" + d for r, d in zip(shown, digests))).digest()
    if stored.get("inputs") == inputs:
        return RelatedReports(stored["related"])
    lengths, word, tf, vocabulary = _word_table(shown, digests, _load(words_path, version, on_damage))
    by_index = _related(lengths, word, tf.astype(float), RELATED_COUNT)
    related = {r.key: [shown[j].key for j in by_index[i]] for i, r in enumerate(shown)}
    if path is not None and words_path is not None:
        ends = np.cumsum(lengths)
        docs = {d: (word[end - size:end].astype(np.uint32).tobytes(), tf[end - size:end].tobytes())
                for d, size, end in zip(digests, lengths.tolist(), ends.tolist())}
        write_sealed(words_path, marshal.dumps({"version": version, "vocabulary": vocabulary, "docs": docs}))
        write_sealed(path, marshal.dumps({"version": version, "inputs": inputs, "related": related}))
    return RelatedReports(related)


def _word_table(shown: list[ArchivedReport], digests: list[bytes],
                stored: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Every shown report's word counts, flattened: (how many words each has, the words' ids in
    first-seen order, their counts, the words by id). A report's counts kept by an earlier build
    (`stored`: ids into its vocabulary, as arrays) are taken as they are; the others are cut.
    Kept as arrays over one vocabulary, they load in a few milliseconds where a dictionary per
    report took half a second."""
    vocabulary: dict[str, int] = {w: k for k, w in enumerate(stored.get("vocabulary", []))}
    known = stored.get("docs", {})
    lengths = np.zeros(len(shown), dtype=np.int64)
    ids_parts, tf_parts = [], []
    for i, (r, digest) in enumerate(zip(shown, digests)):
        entry = known.get(digest)
        if entry is not None:
            ids, tf = np.frombuffer(entry[0], dtype=np.uint32), np.frombuffer(entry[1], dtype=np.uint32)
        else:
            counts = word_counts(r, CUTTER)
            ids = np.fromiter((vocabulary.setdefault(w, len(vocabulary)) for w in counts), np.uint32, len(counts))
            tf = np.fromiter(counts.values(), np.uint32, len(counts))
        ids_parts.append(ids)
        tf_parts.append(tf)
        lengths[i] = len(ids)
    ids = np.concatenate(ids_parts).astype(np.int64) if ids_parts else np.zeros(0, dtype=np.int64)
    tf = np.concatenate(tf_parts) if tf_parts else np.zeros(0, dtype=np.uint32)
    word, first = _first_seen_ids(ids)
    # The words by their new ids (every id from 0 up is used): what the next build reads.
    words = list(vocabulary)
    return lengths, word, tf, [words[i] for i in ids[first].tolist()]


def _load(path: Path | None, version: str, on_damage: OnDamage) -> dict:
    payload = read_sealed(path, on_damage) if path is not None else None
    if payload is None:
        return {}
    try:
        data = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):  # sealed whole, yet not ours: as damaged
        on_damage(path)
        return {}
    return data if isinstance(data, dict) and data.get("version") == version else {}
