"""Gram entries: every character (unigram) and every pair of neighbouring characters (bigram) of
the archive, with its documents and, for bigrams, the positions of its occurrences.

A query part matches a report iff all its bigrams occur there at consecutive positions, which is
exactly "the report contains this string" (Lucene's CJK approach); a single character needs its
unigram's document list only. The entries are laid out as `format.py` declares (`UNIGRAM`,
`BIGRAM`), all grams at once with numpy: occurrences sorted by gram key (`Corpus.width`), in
partitions of their first character so that memory stays a few bytes per character.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .corpus import Corpus
from .format import BIGRAM, POSITION_BYTES, UNIGRAM, EntryKind
from .postings import Groups, Varints, grouped, items, varints, where

PARTITION_OCCURRENCES = 1_000_000  # bigram occurrences sorted at once: bounds the memory used
GROUP_BLOCK = 8_000_000   # characters grouped by partition at once (8 bytes each while sorted)
_KINDS = (UNIGRAM, BIGRAM)   # of a gram key: a unigram's has no second character


@dataclass
class EncodedGrams:
    """Gram entries in string order, encoded, with their positions."""

    keys: np.ndarray        # gram keys (`Corpus.width`), ascending
    key_bytes: np.ndarray   # per gram: its UTF-8 bytes (up to 8, uint8 each)
    key_len: np.ndarray     # and their number
    data: np.ndarray        # the entries, one after the other (uint8)
    offsets: np.ndarray     # each entry's first byte in data, then the end
    pos_data: np.ndarray    # the bigrams' positions, encoded (uint8)
    pos_start: np.ndarray   # per gram: where its positions start in pos_data
    pos_len: np.ndarray     # and their byte length (0: a unigram)

    def hashes(self) -> np.ndarray:
        """FNV-1a (32-bit) of every gram's UTF-8 key, computed for all grams at once."""
        h = np.full(self.keys.size, 0x811C9DC5, dtype=np.uint64)
        for k in range(int(self.key_len.max()) if self.key_len.size else 0):
            mask = self.key_len > k
            h[mask] = ((h[mask] ^ self.key_bytes[mask, k]) * np.uint64(0x01000193)) & np.uint64(0xFFFFFFFF)
        return h

    @classmethod
    def joined(cls, parts: list[EncodedGrams]) -> EncodedGrams:
        """Partitions (each in string order, and in string order of each other), as one. Takes
        the parts' arrays: each field's are let go as soon as they are joined, so that the
        partitions and the whole are not both in memory (at 10,000 reports, ~0.8 GB each)."""
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, np.zeros((0, 8), dtype=np.uint8), empty, np.zeros(0, dtype=np.uint8),
                       np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8), empty, empty)
        base = np.concatenate([[0], np.cumsum([p.data.size for p in parts])])
        pos_base = np.concatenate([[0], np.cumsum([p.pos_data.size for p in parts])])
        shifts = {"offsets": base, "pos_start": pos_base}

        def take(name: str) -> np.ndarray:
            arrays = []
            for i, part in enumerate(parts):
                array = getattr(part, name)
                setattr(part, name, None)
                if name == "offsets":   # each part's end is the next part's start
                    array = array[:-1]
                arrays.append(array + shifts[name][i] if name in shifts else array)
                del array
            if name == "offsets":
                arrays.append(base[-1:])
            return np.concatenate(arrays)

        return cls(**{f.name: take(f.name) for f in dataclasses.fields(cls)})


@dataclass
class _CharBytes:
    """The UTF-8 bytes of each rank's character (up to 4), and their number."""

    bytes: np.ndarray    # (ranks, 4) uint64
    length: np.ndarray

    @classmethod
    def of(cls, cps_of_rank: np.ndarray) -> _CharBytes:
        distinct = cps_of_rank.size
        char_bytes = np.zeros((max(1, distinct), 4), dtype=np.uint64)
        char_len = np.zeros(max(1, distinct), dtype=np.int64)
        for r, b in enumerate(chr(c).encode("utf-8", "surrogatepass") for c in cps_of_rank.tolist()):
            char_bytes[r, : len(b)] = list(b)
            char_len[r] = len(b)
        return cls(char_bytes, char_len)


def encode_grams(corpus: Corpus) -> EncodedGrams:
    """Every gram's entry, in string order. Grams are processed in partitions of their first
    character (in rank order, so partitions come out in string order), each of a few million
    occurrences."""
    rank, doc_of = corpus.rank, corpus.doc_of
    n = rank.size
    distinct = corpus.cps_of_rank.size
    space = int(np.searchsorted(corpus.cps_of_rank, 32)) if n else 0
    if not (n and space < distinct and corpus.cps_of_rank[space] == 32):
        space = -1
    # A bigram starts at i when i + 1 is in the same document and the pair is not two spaces.
    pair = np.zeros(n, dtype=bool)
    if n > 1:
        pair[:-1] = doc_of[:-1] == doc_of[1:]
        if space >= 0:
            pair[:-1] &= ~((rank[:-1] == space) & (rank[1:] == space))
    chars = _CharBytes.of(corpus.cps_of_rank)

    per_rank = np.bincount(rank, minlength=distinct)
    cut_points = np.searchsorted(np.cumsum(per_rank), np.arange(PARTITION_OCCURRENCES, n, PARTITION_OCCURRENCES))
    bounds = sorted({0, distinct, *(int(c) + 1 for c in cut_points)})
    # Every occurrence's partition, then all occurrences grouped by partition by stable sorts
    # of a small integer (radix sorts), block by block, rather than a scan of the archive per
    # partition; one sort of the whole archive made int64 indices, 8 bytes per character.
    part_of = (np.searchsorted(np.asarray(bounds[1:-1], dtype=np.int32), rank, side="right")
               .astype(np.uint8 if len(bounds) < 257 else np.uint16))
    index_type = np.int32 if n < 2**31 else np.int64
    by_part: list[list[np.ndarray]] = [[] for _ in range(len(bounds) - 1)]
    for a in range(0, n, GROUP_BLOCK):
        block = part_of[a : a + GROUP_BLOCK]
        order = np.argsort(block, kind="stable")
        cuts = np.searchsorted(block[order], np.arange(len(bounds)), side="left").tolist()
        order = (order + a).astype(index_type)
        for k in range(len(bounds) - 1):
            if cuts[k + 1] > cuts[k]:
                by_part[k].append(order[cuts[k] : cuts[k + 1]])
        del order
    del part_of

    def encode(k: int) -> EncodedGrams:
        # Ascending: blocks in order, each sorted stably.
        members = np.concatenate(by_part[k]) if by_part[k] else np.zeros(0, dtype=index_type)
        bigrams = members[pair[members]]
        unigrams = members[rank[members] != space] if space >= 0 else members
        return _encode_partition(corpus, chars, bigrams, unigrams)

    # Partitions are independent and numpy lets go of the GIL in its sorts: both cores work.
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(encode, range(len(bounds) - 1)))
    by_part = None  # its memory back before the partitions are joined (`encode` still names it)
    return EncodedGrams.joined(parts)


@dataclass
class _Postings:
    """The postings of one kind's grams: one group per (gram, document), in key order."""

    kind: EntryKind
    groups: Groups
    items: np.ndarray              # the groups' document items, one after the other
    positions: Varints | None      # bigrams: every occurrence's position delta, in group order


def _bigrams(corpus: Corpus, index: np.ndarray, key_bits: int) -> _Postings:
    """The bigrams starting at `index` (ascending)."""
    rank = corpus.rank
    rank_i = rank[index].astype(np.int64)
    keys = rank_i * corpus.width + rank[index + 1] + 1
    del rank_i
    order = _sort_occurrences(keys, key_bits)
    index = index[order]
    keys = keys[order]
    del order
    docs = corpus.doc_of[index]
    pos = index - corpus.starts[docs]
    heading = corpus.in_heading[index]
    del index
    groups = grouped(keys, docs)
    occurrences = keys.size
    del keys
    w = where(pos, corpus.title_len[docs], heading, groups.start)
    del docs, heading
    # Position deltas: from the previous occurrence in the same group, the first from 0.
    pos_delta = pos.copy()
    pos_delta[1:] -= pos[:-1]
    pos_delta[groups.start] = pos[groups.start]
    del pos
    positions = varints(pos_delta, np.zeros(occurrences, dtype=bool))
    del pos_delta
    return _Postings(BIGRAM, groups, items(BIGRAM, {"doc": groups.delta, "count": groups.size, "where": w}),
                     positions)


def _unigrams(corpus: Corpus, index: np.ndarray, key_bits: int) -> _Postings:
    """The characters at `index` (ascending): every character but the space."""
    keys = corpus.rank[index].astype(np.int64) * corpus.width
    order = _sort_occurrences(keys, key_bits)
    index = index[order]
    keys = keys[order]
    del order
    groups = grouped(keys, corpus.doc_of[index])
    return _Postings(UNIGRAM, groups, items(UNIGRAM, {"doc": groups.delta, "count": groups.size}), None)


def _encode_partition(corpus: Corpus, chars: _CharBytes, bigrams: np.ndarray, unigrams: np.ndarray) -> EncodedGrams:
    """The entries of the grams of some first characters (`bigrams`, `unigrams`: where their
    occurrences start), in string order."""
    distinct = corpus.width - 1
    key_bits = max(1, int(distinct * corpus.width + distinct).bit_length())
    postings = [_unigrams(corpus, unigrams, key_bits), _bigrams(corpus, bigrams, key_bits)]
    assert tuple(p.kind for p in postings) == _KINDS

    # Per gram of each kind: its key, number of documents, where its items are, its positions.
    keys, docs_per_gram, body_start, body_count, pos_start, pos_len, kind = [], [], [], [], [], [], []
    body_base = 0
    for k, p in enumerate(postings):
        groups = p.groups
        new = np.ones(groups.key.size, dtype=bool)
        new[1:] = groups.key[1:] != groups.key[:-1]
        first = np.flatnonzero(new)
        ndocs = np.diff(np.append(first, groups.key.size))
        width = len(p.kind.item)
        keys.append(groups.key[first])
        docs_per_gram.append(ndocs)
        body_start.append(width * first + body_base)
        body_count.append(width * ndocs)
        if p.positions is None:
            pos_start.append(np.zeros(first.size, dtype=np.int64))
            pos_len.append(np.zeros(first.size, dtype=np.int64))
        else:
            start = p.positions.offsets[groups.start[first]]
            pos_start.append(start)
            pos_len.append(np.diff(np.append(start, p.positions.offsets[-1])))
        kind.append(np.full(first.size, k, dtype=np.int8))
        body_base += p.items.size
    body = np.concatenate([p.items for p in postings])
    # Unigram keys (r * width) and bigram keys (r * width + r2 + 1) sort as strings do.
    keys_all = np.concatenate(keys)
    by_key = np.argsort(keys_all, kind="stable")
    keys_all = keys_all[by_key]
    docs_per_gram_all = np.concatenate(docs_per_gram)[by_key]
    body_start_all = np.concatenate(body_start)[by_key]
    body_count_all = np.concatenate(body_count)[by_key]
    pos_start_all = np.concatenate(pos_start)[by_key]
    pos_len_all = np.concatenate(pos_len)[by_key]
    kind_all = np.concatenate(kind)[by_key]
    positions = postings[1].positions
    assert positions is not None
    del postings, keys, docs_per_gram, body_start, body_count, pos_start, pos_len, kind

    key_bytes, key_len = _key_bytes(chars, keys_all // corpus.width, keys_all % corpus.width - 1)

    # Entries of each gram: [key length, key bytes (raw)..., number of documents, document
    # items..., its kind's fields after the list].
    grams_n = keys_all.size
    head_count = 2 + key_len
    after = np.array([len(k.after) for k in _KINDS], dtype=np.int64)[kind_all]
    count = head_count + body_count_all + after
    item_start = np.zeros(grams_n + 1, dtype=np.int64)
    np.cumsum(count, out=item_start[1:])
    values = np.empty(int(item_start[-1]), dtype=np.int64)
    raw = np.zeros(values.size, dtype=bool)
    values[item_start[:-1]] = key_len
    for k in range(8):
        rows = np.flatnonzero(key_len > k)
        values[item_start[rows] + 1 + k] = key_bytes[rows, k]
        raw[item_start[rows] + 1 + k] = True
    values[item_start[:-1] + 1 + key_len] = docs_per_gram_all
    # Document items move from their place in `body` to after their gram's head.
    total_body = int(body_count_all.sum())
    within = np.arange(total_body, dtype=np.int64) - np.repeat(np.cumsum(body_count_all) - body_count_all, body_count_all)
    values[np.repeat(item_start[:-1] + head_count, body_count_all) + within] = body[np.repeat(body_start_all, body_count_all) + within]
    del body, within
    after_columns = {POSITION_BYTES.name: pos_len_all}
    for k, gram_kind in enumerate(_KINDS):
        rows = np.flatnonzero(kind_all == k)
        for i, f in enumerate(gram_kind.after):
            values[item_start[1:][rows] - len(gram_kind.after) + i] = after_columns[f.name][rows]
    encoded = varints(values, raw)
    return EncodedGrams(keys_all, key_bytes, key_len, encoded.data, encoded.offsets[item_start], positions.data,
                        pos_start_all, pos_len_all)


def _key_bytes(chars: _CharBytes, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 keys of grams (first and second character ranks; second -1 for unigrams), from
    the UTF-8 of each distinct character: (bytes, up to 8, uint8 each; their number)."""
    key_bytes = np.zeros((first.size, 8), dtype=np.uint8)
    len1 = chars.length[first]
    is_bi = second >= 0
    len2 = np.where(is_bi, chars.length[np.maximum(second, 0)], 0)
    key_bytes[:, :4] = chars.bytes[first]
    for k in range(4):
        rows = np.flatnonzero(is_bi & (k < len2))
        key_bytes[rows, len1[rows] + k] = chars.bytes[second[rows], k]
    return key_bytes, len1 + len2


def _sort_occurrences(keys: np.ndarray, key_bits: int) -> np.ndarray:
    """Indices of the occurrences ordered by key, ties in index order (positions ascending)."""
    index_bits = max(1, int(keys.size).bit_length())
    if key_bits + index_bits <= 63:
        packed = (keys.astype(np.uint64) << np.uint64(index_bits)) | np.arange(keys.size, dtype=np.uint64)
        packed.sort()
        return (packed & np.uint64((1 << index_bits) - 1)).astype(np.int64)
    return np.argsort(keys, kind="stable")
