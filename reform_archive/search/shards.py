"""The shards: gram and word entries spread over g/<n>.bin by a hash of their key, each shard's
positions beside it in p/ (`format.SHARD`, `PACKED_POSITIONS`, `POSITIONS`), so that a query
fetches only the shards of its own grams, never the whole index."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .format import PACKED_POSITIONS, POSITIONS, POSITIONS_PACK_BYTES, SHARD, varint
from .grams import EncodedGrams
from .word_entries import EncodedEntries

# Of document lists (uncompressed). Every file is one more to write, link and delete per build:
# 16 KB (about 8 KB compressed) keeps a 10,000-report index near 80,000 files.
TARGET_SHARD_BYTES = 16 * 1024
GATHER_BYTES = 8 * 1024 * 1024


@dataclass
class ShardFiles:
    shards: int                # the number of g/ files
    files: dict[str, bytes]    # path under search/ -> content (uncompressed)


def shard_count(gram_bytes: int) -> int:
    """Shards for document lists of this many bytes: a power of two, at least 16. The count
    follows the grams alone: word entries (a fifth as many bytes) ride along rather than double
    the number of files to write once they tip the count over a power of two."""
    return 1 << max(4, math.ceil(math.log2(max(1, gram_bytes / TARGET_SHARD_BYTES))))


def shard_files(grams: EncodedGrams, words: EncodedEntries, word_hashes: np.ndarray) -> ShardFiles:
    """g/<n>.bin and p/… (uncompressed): entries sharded by their hashes (`word_hashes`: per word
    entry, the hash of the bigram whose shard holds it), each shard's positions beside it.
    Takes the grams' encoded bytes (`grams.data`, `grams.pos_data` are let go once copied into
    shard order: at 10,000 reports each copy is a few hundred MB)."""
    sizes = np.diff(grams.offsets)
    word_sizes = np.diff(words.offsets)
    shards = shard_count(int(sizes.sum()))
    shard_of = (grams.hashes() % np.uint64(shards)).astype(np.int64)
    word_shard = (word_hashes % np.uint64(shards)).astype(np.int64)
    # Within a shard, entries keep string order: they already are in it, so a stable sort by shard.
    order = np.argsort(shard_of, kind="stable")
    shard_data = _gathered(grams.data, grams.offsets[:-1][order], sizes[order])
    grams.data = None
    word_order = np.argsort(word_shard, kind="stable")
    shard_words = _gathered(words.data, words.offsets[:-1][word_order], word_sizes[word_order])
    shard_counts = np.bincount(shard_of, minlength=shards)
    entries = shard_counts + np.bincount(word_shard, minlength=shards)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(shard_of, weights=sizes, minlength=shards))]).astype(np.int64).tolist()
    word_bounds = np.concatenate([[0], np.cumsum(np.bincount(word_shard, weights=word_sizes, minlength=shards))]).astype(np.int64).tolist()
    files: dict[str, bytes] = {}
    for n in range(shards):
        head = bytearray()
        varint(int(entries[n]), head)
        files[SHARD.path(shard=n)] = (bytes(head) + shard_data[bounds[n] : bounds[n + 1]]
                                      + shard_words[word_bounds[n] : word_bounds[n + 1]])
    del shard_data, shard_words

    # Positions: small lists packed per shard, in the shard's gram order; a large one alone.
    pos_len = grams.pos_len[order]
    pos_start = grams.pos_start[order]
    ordered_shard = shard_of[order]
    packed = (pos_len > 0) & (pos_len <= POSITIONS_PACK_BYTES)
    packed_data = _gathered(grams.pos_data, pos_start[packed], pos_len[packed])
    packed_bounds = np.concatenate([[0], np.cumsum(np.bincount(
        ordered_shard[packed], weights=pos_len[packed], minlength=shards))]).astype(np.int64).tolist()
    for n in range(shards):
        if packed_bounds[n + 1] > packed_bounds[n]:
            files[PACKED_POSITIONS.path(shard=n)] = packed_data[packed_bounds[n] : packed_bounds[n + 1]].tobytes()
    del packed_data
    first_of_shard = np.concatenate([[0], np.cumsum(shard_counts)])
    for i in np.flatnonzero(pos_len > POSITIONS_PACK_BYTES).tolist():
        n = int(ordered_shard[i])
        a = int(pos_start[i])
        files[POSITIONS.path(shard=n, entry=i - int(first_of_shard[n]))] = grams.pos_data[a : a + int(pos_len[i])].tobytes()
    grams.pos_data = None
    return ShardFiles(shards, files)


def _gathered(data: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> memoryview:
    """The byte ranges [starts, starts + sizes) of `data`, one after the other (a view: each file
    copies its own slice). Gathered a few MB at a time: an index of every byte at once would be
    8 bytes per byte."""
    ends = np.cumsum(sizes)
    total = int(ends[-1]) if ends.size else 0
    out = np.empty(total, dtype=np.uint8)
    cuts = [0, *np.searchsorted(ends, np.arange(GATHER_BYTES, total, GATHER_BYTES)).tolist(), sizes.size]
    for a, b in zip(cuts[:-1], cuts[1:]):
        s, st = sizes[a:b], starts[a:b]
        picked = np.repeat(st, s) + (np.arange(int(s.sum()), dtype=np.int64) - np.repeat(np.cumsum(s) - s, s))
        begin = int(ends[a - 1]) if a else 0
        out[begin : begin + picked.size] = data[picked]
    return memoryview(out)
