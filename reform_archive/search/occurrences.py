"""Where whole strings occur in the archive, found from its sorted bigram occurrences.

A query part of three or more characters is proved, report by report, by the positions of its
bigrams, and the positions of the most frequent bigrams (社会, 政府, 发展) run to hundreds of
kilobytes at 10,000 reports. For the archive's own words the index stores instead, per report,
the exact number of occurrences of the whole string (`word_entries.py`'s exact entries), found
here at build time with array operations rather than a search per word and report.

Each word is looked up by one of its bigrams (its anchor: its least frequent in the archive, so
few candidates), among the occurrences of that bigram sorted by position; the candidates are
checked character by character, every word of one length at once, in batches.
"""

from __future__ import annotations

import numpy as np

SELECT_CHUNK = 8_000_000      # characters whose bigram keys are computed at once (8 bytes each)
FIND_CANDIDATES = 4_000_000   # candidate starts checked at once (a few arrays of 8 bytes each)


def anchors(word_ranks: list[np.ndarray], rank: np.ndarray, doc_of: np.ndarray,
            width: int) -> tuple[np.ndarray, np.ndarray]:
    """Per word (as character ranks, two or more): the offset and the key of its anchor, the
    least frequent of its bigrams in the archive (the first of equals). Keys as `Corpus.width`
    says: first rank × width + second rank + 1."""
    keys = [r[:-1] * width + r[1:] + 1 for r in word_ranks]
    distinct_keys = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    count = np.zeros(distinct_keys.size, dtype=np.int64)
    slot = np.full(width * width + 1, -1, dtype=np.int32)
    slot[distinct_keys] = np.arange(distinct_keys.size, dtype=np.int32)
    for key, _ in _bigram_keys(rank, doc_of, width):
        found = slot[key]
        count += np.bincount(found[found >= 0], minlength=distinct_keys.size)
    at = np.fromiter((int(np.argmin(count[slot[k]])) for k in keys), dtype=np.int64, count=len(keys))
    key = np.fromiter((int(k[a]) for k, a in zip(keys, at.tolist())), dtype=np.int64, count=len(keys))
    return at, key


def _bigram_keys(rank: np.ndarray, doc_of: np.ndarray, width: int):
    """The archive's bigram keys, a few million characters at a time: (keys, first index), the
    key of a pair that spans two documents being 0 (no bigram's)."""
    n = rank.size
    for a in range(0, max(0, n - 1), SELECT_CHUNK):
        b = min(n - 1, a + SELECT_CHUNK)
        key = rank[a:b].astype(np.int64) * width + rank[a + 1 : b + 1] + 1
        key[doc_of[a:b] != doc_of[a + 1 : b + 1]] = 0
        yield key, a


def find(word_ranks: list[np.ndarray], anchor_at: np.ndarray, anchor_key: np.ndarray,
         keys_sorted: np.ndarray, index_sorted: np.ndarray, rank: np.ndarray, doc_of: np.ndarray):
    """Every occurrence of every word, in batches of whole words (of about FIND_CANDIDATES
    candidates each, so memory stays bounded): (word numbers, starts in the archive), each batch
    ordered by word, then start. `keys_sorted`, `index_sorted`: the archive's bigram occurrences
    (key, start) sorted by key and, within a key, by start, holding at least the anchors' keys
    (`anchor_key`, at offset `anchor_at` of each word); `rank`: the archive as character ranks;
    `doc_of`: each character's document. An occurrence lies within one document."""
    lo = np.searchsorted(keys_sorted, anchor_key, side="left")
    hi = np.searchsorted(keys_sorted, anchor_key, side="right")
    lengths = np.fromiter((r.size for r in word_ranks), dtype=np.int64, count=len(word_ranks))
    for length in np.unique(lengths).tolist():
        of_length = np.flatnonzero(lengths == length)
        ends = np.cumsum((hi - lo)[of_length])
        cuts = np.searchsorted(ends, np.arange(FIND_CANDIDATES, int(ends[-1]) if ends.size else 0, FIND_CANDIDATES))
        for members in np.split(of_length, sorted(set(cuts.tolist()) - {0})):
            found = _find_batch(members, length, word_ranks, anchor_at, lo, hi, index_sorted, rank, doc_of)
            if found[0].size:
                yield found


def _find_batch(members, length, word_ranks, anchor_at, lo, hi, index_sorted, rank, doc_of):
    """`find` for the words `members`, all of `length` characters."""
    sizes = (hi - lo)[members]
    total = int(sizes.sum())
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    word = np.repeat(members, sizes)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    start = index_sorted[np.repeat(lo[members], sizes) + within].astype(np.int64) - anchor_at[word]
    del within
    ok = (start >= 0) & (start + length <= rank.size)
    word, start = word[ok], start[ok]
    table = np.stack([word_ranks[m] for m in members.tolist()])   # (words, length)
    row = np.searchsorted(members, word)
    # Character by character, keeping only the candidates still in the running: most fail at
    # the first character checked.
    for k in range(length):
        ok = rank[start + k] == table[row, k]
        word, start, row = word[ok], start[ok], row[ok]
    ok = doc_of[start] == doc_of[start + length - 1]
    return word[ok], start[ok]


def anchor_occurrences(rank: np.ndarray, doc_of: np.ndarray, anchor_key: np.ndarray,
                       width: int) -> tuple[np.ndarray, np.ndarray]:
    """The occurrences of the anchor bigrams, (key, start) sorted by key, then start: what
    `find` looks words up in. Keys as `Corpus.width` says (first rank × width + second rank + 1); a
    bigram never spans two documents."""
    wanted = np.zeros(width * width + 1, dtype=bool)
    wanted[anchor_key] = True
    keys, index = [], []
    for key, a in _bigram_keys(rank, doc_of, width):
        hit = np.flatnonzero(wanted[key])
        keys.append(key[hit])
        index.append(hit + a)
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys, index = np.concatenate(keys), np.concatenate(index)
    order = np.argsort(keys, kind="stable")   # starts ascending within a key: they came in order
    return keys[order], index[order]
