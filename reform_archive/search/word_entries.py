"""Word entries: the archive's jieba words beside the grams, for ranking and for one-round queries.

Every word (`words.py`: jieba's, two or more letters, digits or Chinese characters) counts its
occurrences as a whole word per report: 税费 in 税费负担 is one, in 农村税费改革 (one word) it is
not. A word of two characters is its own bigram, whose shard holds its entry (`SHORT_WORD`): the
whole-word counts. A longer word, and a frequent compound of two words (`words.compounds`, never a
whole word), gets an exact entry (`EXACT_WORD`): every report that contains it as a string, with
its counts, found at build time (`occurrences.py`), so the most common kind of query, a word, is
answered from one round of document lists, without positions (those of 社会 or 政府 run to
hundreds of kilobytes at 10,000 reports). It lives in the shard of its anchor bigram, its least
frequent: the shards of frequent first bigrams (社会…, 发展…) would otherwise gather the entries
of hundreds of words each, and a query fetches the shards of all its bigrams anyway.

Built in two steps, so that the archive's arrays (`Corpus`) can be let go between them:
`find_words` (needs the corpus), then `word_postings`; `encode_word_entries` lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TypeVar

import numpy as np

from . import occurrences
from .corpus import Corpus
from .format import EXACT_WORD, SHORT_WORD, WORD_MARK, fnv1a
from .postings import grouped, varints, where
from .words import WholeWords

PARTITION_PAIRS = 1_000_000  # (word, document) pairs encoded at once: bounds the memory used
_KINDS = (SHORT_WORD, EXACT_WORD)
assert not any(k.after for k in _KINDS), "word entries have nothing after their document list"


@dataclass
class _StringPairs:
    """Per (word, document) of a word's occurrences as a string, ordered by word, then document."""

    word: np.ndarray    # int32 each
    doc: np.ndarray
    tf: np.ndarray      # occurrences
    where: np.ndarray   # as `format.WHERE`


@dataclass
class WordPostings:
    """What the word entries hold, per (word, document) pair, ordered by word, then document."""

    words: list[str]           # in string order
    exact: np.ndarray          # per word: an exact entry (three or more characters), else a short one
    shard_hash: np.ndarray     # per word: FNV-1a of the bigram whose shard holds its entry
    word: np.ndarray           # per pair (int32 each)
    doc: np.ndarray
    tf: np.ndarray             # exact entries: occurrences as a string
    where: np.ndarray          # exact entries
    whole: np.ndarray          # occurrences as a whole word


@dataclass
class FoundWords:
    """The words of the entries, and where the exact ones occur as strings (in batches)."""

    words: list[str]            # in string order: the whole words and the compounds
    exact: np.ndarray
    shard_hash: np.ndarray
    whole_word: np.ndarray      # per pair of `pairs`: its word's place in `words`
    pairs: WholeWords
    exact_ids: np.ndarray       # the exact words' places in `words`
    batches: list[_StringPairs]  # word: a place in `exact_ids`
    documents: int


def find_words(pairs: WholeWords, corpus: Corpus) -> FoundWords:
    """The entries' words, with every occurrence of an exact entry's word in the archive."""
    names = sorted(pairs.words + pairs.compounds) if pairs.compounds else pairs.words
    if pairs.compounds:   # the whole words' numbers in the longer list (both in string order)
        place = {w: i for i, w in enumerate(names)}
        renumber = np.fromiter((place[w] for w in pairs.words), dtype=np.int64, count=len(pairs.words))
        whole_word = renumber[pairs.word] if pairs.word.size else pairs.word.astype(np.int64)
    else:
        whole_word = pairs.word.astype(np.int64)
    lengths = np.fromiter(map(len, names), dtype=np.int64, count=len(names))
    exact = lengths >= EXACT_WORD.least
    shard_hash = np.zeros(len(names), dtype=np.uint64)
    for i in np.flatnonzero(~exact).tolist():
        shard_hash[i] = fnv1a(names[i])
    exact_ids = np.flatnonzero(exact)
    batches: list[_StringPairs] = []
    if exact_ids.size:
        cps_of_rank = corpus.cps_of_rank
        word_ranks = [np.searchsorted(cps_of_rank, np.frombuffer(names[i].encode("utf-32-le", "surrogatepass"),
                                                                 dtype=np.uint32)).astype(np.int64)
                      for i in exact_ids.tolist()]
        anchor_at, anchor_key = occurrences.anchors(word_ranks, corpus.rank, corpus.doc_of, corpus.width)
        for i, a in zip(exact_ids.tolist(), anchor_at.tolist()):
            shard_hash[i] = fnv1a(names[i][a : a + 2])
        keys_sorted, index_sorted = occurrences.anchor_occurrences(corpus.rank, corpus.doc_of, anchor_key, corpus.width)
        batches = [_string_pairs(local, start, corpus)
                   for local, start in occurrences.find(word_ranks, anchor_at, anchor_key, keys_sorted,
                                                        index_sorted, corpus.rank, corpus.doc_of)]
    return FoundWords(names, exact, shard_hash, whole_word, pairs, exact_ids, batches, corpus.starts.size - 1)


def _string_pairs(local: np.ndarray, start: np.ndarray, corpus: Corpus) -> _StringPairs:
    """Per (word, document) of occurrences ordered by word, then start."""
    doc = corpus.doc_of[start].astype(np.int64)
    groups = grouped(local, doc)
    first = groups.start
    w = where(start - corpus.starts[doc], corpus.title_len[doc], corpus.in_heading[start], first)
    return _StringPairs(local[first].astype(np.int32), doc[first].astype(np.int32), groups.size.astype(np.int32),
                        w.astype(np.int32))


def word_postings(found: FoundWords) -> WordPostings:
    """The entries' postings: whole-word counts of the short words; of the exact ones, their
    string occurrences joined with their whole-word counts. Takes `found.batches` (emptied: their
    memory back before the join)."""
    pairs, whole_word = found.pairs, found.whole_word
    short = ~found.exact[whole_word] if whole_word.size else np.zeros(0, dtype=bool)
    zeros = np.zeros(int(short.sum()), dtype=np.int32)
    parts = [WordPostings(found.words, found.exact, found.shard_hash, whole_word[short], pairs.doc[short],
                          zeros, zeros, pairs.count[short])]
    if found.exact_ids.size:
        strings = _merged_by_word(_StringPairs, found.batches, found.exact_ids.size)
        found.batches.clear()
        exact_word = found.exact_ids[strings.word].astype(np.int32)
        # Whole-word counts, joined on (word, document): a whole word is also a string, so
        # every exact word's pair in `pairs` has its string pair here.
        ndocs = max(1, found.documents)
        string_key = exact_word.astype(np.int64) * ndocs + strings.doc
        whole_key = whole_word[~short] * ndocs + pairs.doc[~short]
        at = np.searchsorted(string_key, whole_key)
        if at.size and (at.max() >= string_key.size or np.any(string_key[at] != whole_key)):
            raise RuntimeError("search index: a whole word that does not occur as a string")
        del string_key, whole_key
        whole = np.zeros(exact_word.size, dtype=np.int32)
        whole[at] = pairs.count[~short]
        parts.append(WordPostings(found.words, found.exact, found.shard_hash, exact_word, strings.doc, strings.tf,
                                  strings.where, whole))
    return _merged_by_word(WordPostings, parts, len(found.words))


_Pairs = TypeVar("_Pairs", _StringPairs, WordPostings)


def _merged_by_word(cls: type[_Pairs], parts: list[_Pairs], words: int) -> _Pairs:
    """Pairs of parts that are each in (word, ...) order and share no word, merged into word
    order: each pair is placed by its word's count, with no sort and no copy beyond the result.
    The columns are the array fields of `cls` from `word` on (int32 each); the others are
    taken from the first part."""
    names = [f.name for f in fields(cls)]
    columns = names[names.index("word"):]
    counts = np.zeros(words, dtype=np.int64)
    for part in parts:
        counts += np.bincount(part.word, minlength=words)
    word_start = np.cumsum(counts) - counts
    out = {name: np.empty(int(counts.sum()), dtype=np.int32) for name in columns}
    for part in parts:
        w = np.asarray(part.word, dtype=np.int64)
        if not w.size:
            continue
        new = np.ones(w.size, dtype=bool)
        new[1:] = w[1:] != w[:-1]
        run = np.flatnonzero(new)
        within = np.arange(w.size, dtype=np.int64) - np.repeat(run, np.diff(np.append(run, w.size)))
        at = word_start[w] + within
        for name in columns:
            out[name][at] = getattr(part, name)
    rest = {name: getattr(parts[0], name) for name in names if name not in columns} if parts else {}
    return cls(**rest, **out)


@dataclass
class EncodedEntries:
    data: np.ndarray      # the entries, one after the other (uint8)
    offsets: np.ndarray   # each entry's first byte, then the end


def encode_word_entries(postings: WordPostings) -> EncodedEntries:
    """The word entries, in string order, as `SHORT_WORD` and `EXACT_WORD` lay them out."""
    if not postings.words:
        return EncodedEntries(np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64))
    keys = [(WORD_MARK + w).encode("utf-8") for w in postings.words]
    key_len = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    key_start = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(key_len, out=key_start[1:])
    key_blob = np.frombuffer(b"".join(keys), dtype=np.uint8)
    del keys
    docs_per_word = np.bincount(postings.word, minlength=len(postings.words)).astype(np.int64)
    first_pair = np.zeros(len(postings.words) + 1, dtype=np.int64)
    np.cumsum(docs_per_word, out=first_pair[1:])
    kind_of_word = postings.exact.astype(np.int64)   # its place in _KINDS
    per_doc = np.array([len(k.item) for k in _KINDS], dtype=np.int64)[kind_of_word]
    # Values of each word's entry, a few million at a time (as bigrams are): [key length, key
    # bytes (raw)..., number of documents, per document its kind's item].
    data_parts, offset_parts, base = [], [], 0
    cuts = np.searchsorted(first_pair, np.arange(0, int(first_pair[-1]), PARTITION_PAIRS), side="right") - 1
    bounds = sorted({0, len(postings.words), *cuts.tolist()})
    for a, b in zip(bounds[:-1], bounds[1:]):
        lens, ndocs, k = key_len[a:b], docs_per_word[a:b], per_doc[a:b]
        count = 2 + lens + k * ndocs
        item_start = np.zeros(b - a + 1, dtype=np.int64)
        np.cumsum(count, out=item_start[1:])
        values = np.empty(int(item_start[-1]), dtype=np.int64)
        raw = np.zeros(values.size, dtype=bool)
        values[item_start[:-1]] = lens
        within = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(key_start[a:b] - key_start[a], lens)
        at = np.repeat(item_start[:-1] + 1, lens) + within
        values[at] = key_blob[key_start[a] : key_start[b]]
        raw[at] = True
        values[item_start[:-1] + 1 + lens] = ndocs
        p, q = int(first_pair[a]), int(first_pair[b])
        doc = postings.doc[p:q].astype(np.int64)
        delta = doc.copy()
        same_word = np.zeros(q - p, dtype=bool)
        if q - p > 1:   # (a run of words with no documents: q - 1 must not wrap to the end)
            same_word[1:] = postings.word[p + 1 : q] == postings.word[p : q - 1]
        delta[1:][same_word[1:]] -= doc[:-1][same_word[1:]]
        within = np.arange(q - p, dtype=np.int64) - np.repeat(first_pair[a:b] - p, ndocs)
        at = np.repeat(item_start[:-1] + 2 + lens, ndocs) + np.repeat(k, ndocs) * within
        pair_kind = np.repeat(kind_of_word[a:b], ndocs)
        columns = {"doc": delta, "count": postings.tf[p:q], "where": postings.where[p:q], "whole": postings.whole[p:q]}
        for i, kind in enumerate(_KINDS):
            of_kind = pair_kind == i
            for j, f in enumerate(kind.item):
                values[at[of_kind] + j] = columns[f.name][of_kind]
        encoded = varints(values, raw)
        data_parts.append(encoded.data)
        offset_parts.append(encoded.offsets[item_start[:-1]] + base)
        base += encoded.data.size
    return EncodedEntries(np.concatenate(data_parts), np.concatenate([*offset_parts, [base]]))
