"""The archive's search index: exact substring matching that scales, in static files.

Why not Material's lunr index or Pagefind: both match words, so a query jieba glued into a longer
word (税费 inside 农村税费改革) is missed, and unknown words fall back to prefixes. Here every
report's normalised text is indexed by character bigrams *with positions* (Lucene's CJK
approach): a query part matches a report iff all its bigrams occur there at consecutive
positions, which is exactly "the report contains this string". Single characters are indexed
as unigrams (document lists only). For ranking, the index also counts each report's jieba words
(`words.py`) as whole words: 税费 in 税费负担 is one, in 农村税费改革 (one word) it is not. And
every jieba word of three or more characters of the archive gets an exact entry: the reports
that contain it as a string, with their counts (`occurrences.py`), so the most common kind of
query, a word, is answered from one round of document lists, without positions (those of 社会
or 政府 run to hundreds of kilobytes at 10,000 reports).

Layout under `search/` (format 3; all static, fetched on demand by the worker). Files marked
(gz) are gzip-compressed, whatever their name says, and inflated by the worker
(DecompressionStream; a server that already inflated them on the way is fine too):

* `manifest.json`    — counts, shard count, block and chunk sizes, format version;
* `docinfo.bin` (gz) — every report's title length (u8, with its line break), then every
  report's text length in characters (u32 LE), for ranking;
* `g/<n>.bin` (gz)   — document lists, sharded by a hash of the gram (FNV-1a of its UTF-8, modulo
  the shard count), so a query fetches only the shards of its own grams, never the whole index;
  and the word entries whose bigram (see below) is in the shard;
* `p/<n>.bin` (gz)   — positions of shard n's bigrams whose positions take at most
  `POSITIONS_PACK_BYTES`, one after the other in the shard's gram order;
  `p/<n>-<i>.bin` (gz) — positions of the larger ones, alone (i: the gram's place in shard n).
  A two-character query part needs no positions, nor does a word with an exact entry; any other
  part fetches the positions of the fewest bytes of its bigrams that prove a match (the first,
  the last, no two characters uncovered between), and only when the document lists leave
  candidates;
* `lines.json.gz`    — what a result line shows, for every report: [urls, titles, years,
  regions], while it is at most `lines_table_max` bytes; a larger archive has instead
  `r/<id>.json` (one report's [url, title, year, region]) and `m/<k>.json.gz` (the same for
  `META_CHUNK` reports, for result lists that cover half a chunk or more);
* `t/<id>-<k>.txt.gz` — a report's text in blocks of `TEXT_BLOCK` characters: the snippet of a
  result fetches only the block(s) around its first match;
* `facets.json`      — year, province and topics of every report, for the search page's facets;
* `t2s.json.gz`      — the traditional → simplified table, for queries typed in traditional.

Postings use unsigned LEB128 varints. A shard: the number of its entries (grams and words), then
per gram (in string order) its UTF-8 key length and bytes, its number of documents, per document
the id delta and the occurrence count and, for bigrams, `where` = (first position after the
title + 1, or 0) × 4 + 2 if an occurrence starts in a heading line + 1 if the first is in the
title; then, for bigrams, the byte length of its positions. Then its word entries (in string
order): key (`WORD_MARK`, a tab, then the word: three or more characters, so never a gram's),
number of documents, then per document:
  - a word of two characters (its own bigram, whose shard holds it): the id delta and the number
    of occurrences as a whole word, for the documents with at least one;
  - a longer word, exact: for every document that contains it as a string, the id delta, the
    number of occurrences as a string, `where` (as for bigrams, the heading flag exact), and the
    number of occurrences as a whole word. It is in the shard of its least frequent bigram (the
    first of equals), which a query for it fetches anyway: the shard of a frequent first bigram
    would otherwise gather the entries of hundreds of words (社会主义, 社会保障, …).
A word is a jieba word of two or more letters, digits or Chinese characters of the normalised
text (see `words.py`). Positions: per document, in the gram's document order, the deltas of its
occurrences (the first from 0).
"""

from __future__ import annotations

import gzip
import json
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from . import occurrences
from .normalize import normalize_char, traditional_to_simplified
from .words import WholeWordCounter, WholeWordCounting, WholeWords

FORMAT_VERSION = 3
WORD_MARK = "\t"   # starts the key of a word entry: normalised text has no tab, so no gram does
TEXT_BLOCK = 2048  # characters per text block: a snippet needs one or two blocks, not the report
META_CHUNK = 16  # result lines per chunk, for result lists that cover much of the archive
# Of document lists (uncompressed). Every file is one more to write, link and delete per build:
# 16 KB (about 8 KB compressed) keeps a 10,000-report index near 80,000 files.
TARGET_SHARD_BYTES = 16 * 1024
LINES_TABLE_MAX_BYTES = 256 * 1024  # every result line in one file, up to this size (gzip)
POSITIONS_PACK_BYTES = 1024  # position lists up to this size share their shard's file
# The bulk (document lists, positions, text) compresses to within 2 % at level 1 of level 6, in
# two thirds of the time; the few files every cold query fetches whole get level 9.
GZIP_LEVEL = 1
GZIP_LEVEL_SHARED = 9
GATHER_BYTES = 8 * 1024 * 1024


@dataclass
class SearchDocument:
    url: str
    title: str
    body: str                       # plain text as shown on the page
    year: int | None = None
    region: str = ""
    province: str = ""
    topics: list[str] = field(default_factory=list)
    headings: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in body

    @property
    def text(self) -> str:
        """What is searched and shown in snippets: the title, a line break, the body."""
        return f"{self.title}\n{self.body}"


def fnv1a(key: str) -> int:
    """32-bit FNV-1a over UTF-8 bytes; the worker computes the same hash."""
    h = 0x811C9DC5
    for byte in key.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def _varint(n: int, out: bytearray) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _code_points(docs: list[SearchDocument]) -> tuple[np.ndarray, np.ndarray]:
    """Every document's normalised text, concatenated, as code points (uint32), and each
    document's start offset in it. Normalisation is per character, so it is a table lookup over
    the distinct code points (a few thousand) rather than a Python call per character."""
    texts = [doc.text for doc in docs]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    cps = np.empty(int(starts[-1]), dtype=np.uint32)
    for i, text in enumerate(texts):
        cps[starts[i] : starts[i + 1]] = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    del texts
    if cps.size:
        present = np.zeros(int(cps.max()) + 1, dtype=bool)
        present[cps] = True
        table = np.arange(present.size, dtype=np.uint32)
        for cp in np.flatnonzero(present).tolist():
            table[cp] = ord(normalize_char(chr(cp)))
        np.take(table, cps, out=cps)
    return cps, starts


def _varint_lengths(values: np.ndarray) -> np.ndarray:
    out = np.ones(values.shape, dtype=np.int64)
    for bits in (7, 14, 21, 28, 35, 42, 49, 56):
        out += values >= (1 << bits)
    return out


def _encode_items(values: np.ndarray, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LEB128 varints of `values`, except where `raw` (one byte, as is). Returns the bytes and
    each item's byte offset (with the total as a last element)."""
    values = values.astype(np.uint64)
    sizes = np.where(raw, 1, _varint_lengths(values))
    offsets = np.zeros(values.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    out = np.zeros(int(offsets[-1]), dtype=np.uint8)
    for k in range(int(sizes.max()) if sizes.size else 0):
        mask = sizes > k
        chunk = (values[mask] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (sizes[mask] > k + 1).astype(np.uint64) << np.uint64(7)
        out[offsets[:-1][mask] + k] = (chunk | more).astype(np.uint8)
    out[offsets[:-1][raw]] = values[raw].astype(np.uint8)
    return out, offsets


def _grouped(gram_keys: np.ndarray, doc_ids: np.ndarray):
    """For occurrences sorted by (gram, doc, position): where each (gram, doc) group starts,
    each group's gram, doc, size, and its doc id delta (from the gram's previous document)."""
    n = gram_keys.size
    new_group = np.ones(n, dtype=bool)
    if n:
        new_group[1:] = (gram_keys[1:] != gram_keys[:-1]) | (doc_ids[1:] != doc_ids[:-1])
    group_starts = np.flatnonzero(new_group)
    group_gram = gram_keys[group_starts]
    group_doc = doc_ids[group_starts].astype(np.int64)
    group_size = np.diff(np.append(group_starts, n))
    delta = group_doc.copy()
    same_gram = np.zeros(group_starts.size, dtype=bool)
    same_gram[1:] = group_gram[1:] == group_gram[:-1]
    delta[1:][same_gram[1:]] -= group_doc[:-1][same_gram[1:]]
    return group_starts, group_gram, group_size, delta


def _sort_occurrences(keys: np.ndarray, key_bits: int) -> np.ndarray:
    """Indices of the occurrences ordered by key, ties in index order (positions ascending)."""
    index_bits = max(1, int(keys.size).bit_length())
    if key_bits + index_bits <= 63:
        packed = (keys.astype(np.uint64) << np.uint64(index_bits)) | np.arange(keys.size, dtype=np.uint64)
        packed.sort()
        return (packed & np.uint64((1 << index_bits) - 1)).astype(np.int64)
    return np.argsort(keys, kind="stable")


class _EncodedGrams:
    """All grams of the index: their names (in string order), shard hashes and encoded blocks."""

    def __init__(self, cps_of_rank, key_bytes, key_len, first, second, data, offsets,
                 pos_data, pos_start, pos_len):
        self.cps_of_rank = cps_of_rank
        self.key_bytes, self.key_len = key_bytes, key_len
        self.first, self.second = first, second   # ranks; second = -1 for unigrams
        self.data, self.offsets = data, offsets   # document lists of all grams in string order
        # positions of all bigrams: each gram's start in pos_data and byte length (0: unigram)
        self.pos_data, self.pos_start, self.pos_len = pos_data, pos_start, pos_len

    def names(self) -> list[str]:
        chars = [chr(c) for c in self.cps_of_rank.tolist()]
        return [chars[a] + (chars[b] if b >= 0 else "") for a, b in
                zip(self.first.tolist(), self.second.tolist())]

    def blocks(self):
        data = self.data
        for a, b in zip(self.offsets[:-1].tolist(), self.offsets[1:].tolist()):
            yield data[a:b]

    def hashes(self) -> np.ndarray:
        """FNV-1a (32-bit) of every gram's UTF-8 key, computed for all grams at once."""
        h = np.full(self.first.size, 0x811C9DC5, dtype=np.uint64)
        for k in range(int(self.key_len.max()) if self.key_len.size else 0):
            mask = self.key_len > k
            h[mask] = ((h[mask] ^ self.key_bytes[mask, k]) * np.uint64(0x01000193)) & np.uint64(0xFFFFFFFF)
        return h


PARTITION_OCCURRENCES = 1_000_000  # bigram occurrences sorted at once: bounds the memory used


def _dense_ranks(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each character's rank among the distinct code points (which keeps string order and makes
    gram keys small), and the code point of each rank."""
    if not cps.size:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.uint32)
    present = np.zeros(int(cps.max()) + 1, dtype=bool)
    present[cps] = True
    cps_of_rank = np.flatnonzero(present).astype(np.uint32)
    rank = (np.cumsum(present, dtype=np.int32) - 1)[cps]
    return rank, cps_of_rank


def _title_lengths(docs: list[SearchDocument]) -> np.ndarray:
    """Each document's title length, with its line break: where its body starts."""
    return np.fromiter((len(d.title) + 1 for d in docs), dtype=np.int64, count=len(docs))


def _doc_of(starts: np.ndarray) -> np.ndarray:
    """Each character's document."""
    return np.repeat(np.arange(starts.size - 1, dtype=np.int32), np.diff(starts))


def _in_heading(docs: list[SearchDocument], starts: np.ndarray, title_len: np.ndarray) -> np.ndarray:
    """Which characters are in a heading line (body ranges, shifted past the title's line)."""
    n = int(starts[-1])
    edges = np.zeros(n + 1, dtype=np.int8)   # heading lines never overlap: values stay in -1..1
    for i, doc in enumerate(docs):
        for a, b in doc.headings:
            lo, hi = int(starts[i] + title_len[i] + a), int(starts[i] + title_len[i] + b)
            edges[min(lo, n)] += 1
            edges[min(hi, n)] -= 1
    return np.cumsum(edges[:-1], dtype=np.int8) > 0


def _encoded_grams(docs: list[SearchDocument], rank: np.ndarray, cps_of_rank: np.ndarray,
                   starts: np.ndarray) -> _EncodedGrams:
    """Every gram's encoded postings, in string order. Grams are processed in partitions of
    their first character (in rank order, so partitions come out in string order), each of a
    few million occurrences: memory stays a few bytes per character of the archive. `rank`:
    the archive's normalised text as `_dense_ranks`; `starts`: each document's offset in it."""
    title_len = _title_lengths(docs)
    n = rank.size
    in_heading = _in_heading(docs, starts, title_len)
    doc_of = _doc_of(starts)
    distinct = cps_of_rank.size
    width = distinct + 1
    space = int(np.searchsorted(cps_of_rank, 32)) if n else 0
    if not (n and space < distinct and cps_of_rank[space] == 32):
        space = -1
    # A bigram starts at i when i + 1 is in the same document and the pair is not two spaces.
    pair = np.zeros(n, dtype=bool)
    if n > 1:
        pair[:-1] = doc_of[:-1] == doc_of[1:]
        if space >= 0:
            pair[:-1] &= ~((rank[:-1] == space) & (rank[1:] == space))

    encoded_chars = [chr(c).encode("utf-8", "surrogatepass") for c in cps_of_rank.tolist()]
    char_bytes = np.zeros((max(1, distinct), 4), dtype=np.uint64)
    char_len = np.zeros(max(1, distinct), dtype=np.int64)
    for r, b in enumerate(encoded_chars):
        char_bytes[r, : len(b)] = list(b)
        char_len[r] = len(b)

    per_rank = np.bincount(rank, minlength=distinct)
    cut_points = np.searchsorted(np.cumsum(per_rank), np.arange(PARTITION_OCCURRENCES, n, PARTITION_OCCURRENCES))
    bounds = sorted({0, distinct, *(int(c) + 1 for c in cut_points)})
    # Every occurrence's partition, then all occurrences grouped by partition in one stable
    # sort of a small integer (a radix sort), rather than a scan of the archive per partition.
    part_of = (np.searchsorted(np.asarray(bounds[1:-1], dtype=np.int32), rank, side="right")
               .astype(np.uint8 if len(bounds) < 257 else np.uint16))
    by_part = np.argsort(part_of, kind="stable").astype(np.int32 if n < 2**31 else np.int64)
    part_starts = np.searchsorted(part_of[by_part], np.arange(len(bounds)), side="left")
    del part_of

    def encode(k: int):
        members = by_part[part_starts[k] : part_starts[k + 1]]   # ascending: the sort is stable
        bi_index = members[pair[members]]
        uni_index = members[rank[members] != space] if space >= 0 else members
        return _encode_partition(bi_index, uni_index, rank, doc_of, starts, title_len, in_heading,
                                 width, char_bytes, char_len)

    # Partitions are independent and numpy lets go of the GIL in its sorts: both cores work.
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(encode, range(len(bounds) - 1)))
    by_part = None  # its memory back before the partitions are joined (`encode` still names it)
    data_parts = [p[2] for p in parts]
    sizes = np.array([d.size for d in data_parts], dtype=np.int64)
    base = np.concatenate([[0], np.cumsum(sizes)])
    offsets = np.concatenate([p[3][:-1] + base[i] for i, p in enumerate(parts)] + [base[-1:]])
    keys = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    key_bytes = (np.concatenate([p[1] for p in parts]) if parts
                 else np.zeros((0, 8), dtype=np.uint64))
    key_len = np.concatenate([p[4] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    data = np.concatenate(data_parts) if parts else np.zeros(0, dtype=np.uint8)
    pos_sizes = np.array([p[5].size for p in parts], dtype=np.int64)
    pos_base = np.concatenate([[0], np.cumsum(pos_sizes)])
    pos_data = np.concatenate([p[5] for p in parts]) if parts else np.zeros(0, dtype=np.uint8)
    pos_start = (np.concatenate([p[6] + pos_base[i] for i, p in enumerate(parts)]) if parts
                 else np.zeros(0, dtype=np.int64))
    pos_len = np.concatenate([p[7] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    return _EncodedGrams(cps_of_rank, key_bytes, key_len, keys // width, keys % width - 1, data, offsets,
                         pos_data, pos_start, pos_len)


def _encode_partition(bi_index, uni_index, rank, doc_of, starts, title_len, in_heading, width,
                      char_bytes, char_len):
    """The grams of some first characters, in string order: their keys, UTF-8 key bytes and
    key lengths; the encoded document lists (`data`, with each gram's offset in it); the
    encoded positions (`pos_data`, with each gram's offset and byte length; 0 for unigrams)."""
    distinct = width - 1
    key_bits = max(1, int(distinct * width + distinct).bit_length())
    rank_i = rank[bi_index].astype(np.int64)
    bi_keys = rank_i * width + rank[bi_index + 1] + 1
    del rank_i
    order = _sort_occurrences(bi_keys, key_bits)
    bi_index = bi_index[order]
    bi_keys = bi_keys[order]
    del order
    bi_docs = doc_of[bi_index]
    bi_pos = bi_index - starts[bi_docs]
    bi_heading = in_heading[bi_index]
    del bi_index
    b_starts, b_gram, b_size, b_delta = _grouped(bi_keys, bi_docs)
    # Per (bigram, document): where its first occurrence after the title is (+1; 0 if none),
    # whether it occurs in a heading and whether in the title, as one number: what ranking and
    # snippets need without the positions.
    occurrence_title = title_len[bi_docs]
    del bi_docs
    nb_groups = b_starts.size
    where = _where(bi_pos, occurrence_title, bi_heading, b_starts)
    del occurrence_title, bi_heading
    # Position deltas: from the previous occurrence in the same group, the first from 0.
    pos_delta = bi_pos.copy()
    pos_delta[1:] -= bi_pos[:-1]
    pos_delta[b_starts] = bi_pos[b_starts]
    del bi_pos
    occurrences = bi_keys.size
    del bi_keys
    pos_data, pos_offsets = _encode_items(pos_delta, np.zeros(occurrences, dtype=bool))
    del pos_delta

    # Unigrams: every character but the space, with its number of occurrences per document.
    uni_keys = rank[uni_index].astype(np.int64) * width
    order = _sort_occurrences(uni_keys, key_bits)
    uni_index = uni_index[order]
    uni_keys = uni_keys[order]
    del order
    _, u_gram, u_size, u_delta = _grouped(uni_keys, doc_of[uni_index])
    del uni_index, uni_keys

    # Document list items, per gram in key order: bigram groups are [doc delta, count, where],
    # unigram groups [doc delta, count].
    b_items = np.empty(3 * nb_groups, dtype=np.int64)
    b_items[0::3] = b_delta
    b_items[1::3] = b_size
    b_items[2::3] = where
    u_items = np.empty(2 * u_gram.size, dtype=np.int64)
    u_items[0::2] = u_delta
    u_items[1::2] = u_size

    # Grams: unigram keys (r * width) and bigram keys (r * width + r2 + 1) sort as strings do.
    b_new = np.ones(nb_groups, dtype=bool)
    b_new[1:] = b_gram[1:] != b_gram[:-1]
    b_gram_first = np.flatnonzero(b_new)
    b_gram_docs = np.diff(np.append(b_gram_first, nb_groups))
    b_pos_start = pos_offsets[b_starts[b_gram_first]]
    b_pos_len = np.diff(np.append(b_pos_start, pos_offsets[-1]))
    u_new = np.ones(u_gram.size, dtype=bool)
    u_new[1:] = u_gram[1:] != u_gram[:-1]
    u_gram_first = np.flatnonzero(u_new)
    u_gram_docs = np.diff(np.append(u_gram_first, u_gram.size))

    keys = np.concatenate([u_gram[u_gram_first], b_gram[b_gram_first]])
    docs_per_gram = np.concatenate([u_gram_docs, b_gram_docs])
    body_start = np.concatenate([2 * u_gram_first, 3 * b_gram_first + u_items.size])
    body_count = np.concatenate([2 * u_gram_docs, 3 * b_gram_docs])
    pos_start = np.concatenate([np.zeros(u_gram_first.size, dtype=np.int64), b_pos_start])
    pos_len = np.concatenate([np.zeros(u_gram_first.size, dtype=np.int64), b_pos_len])
    body = np.concatenate([u_items, b_items])
    del u_items, b_items
    by_key = np.argsort(keys, kind="stable")
    keys, docs_per_gram = keys[by_key], docs_per_gram[by_key]
    body_start, body_count = body_start[by_key], body_count[by_key]
    pos_start, pos_len = pos_start[by_key], pos_len[by_key]
    first = keys // width
    second = keys % width - 1

    # UTF-8 keys of the grams, from the UTF-8 of each distinct character.
    grams_n = keys.size
    key_bytes = np.zeros((grams_n, 8), dtype=np.uint64)
    len1 = char_len[first]
    is_bi = second >= 0
    len2 = np.where(is_bi, char_len[np.maximum(second, 0)], 0)
    key_len = len1 + len2
    key_bytes[:, :4] = char_bytes[first]
    for k in range(4):
        rows = np.flatnonzero(is_bi & (k < len2))
        key_bytes[rows, len1[rows] + k] = char_bytes[second[rows], k]

    # Items of each gram: [key length, key bytes (raw)..., number of documents, document
    # list..., (bigrams) byte length of its positions].
    head_count = 2 + key_len
    count = head_count + body_count + is_bi
    item_start = np.zeros(grams_n + 1, dtype=np.int64)
    np.cumsum(count, out=item_start[1:])
    values = np.empty(int(item_start[-1]), dtype=np.int64)
    raw = np.zeros(values.size, dtype=bool)
    values[item_start[:-1]] = key_len
    for k in range(8):
        rows = np.flatnonzero(key_len > k)
        values[item_start[rows] + 1 + k] = key_bytes[rows, k]
        raw[item_start[rows] + 1 + k] = True
    values[item_start[:-1] + 1 + key_len] = docs_per_gram
    # Document list items move from their place in `body` to after their gram's head.
    total_body = int(body_count.sum())
    within = np.arange(total_body, dtype=np.int64) - np.repeat(np.cumsum(body_count) - body_count, body_count)
    values[np.repeat(item_start[:-1] + head_count, body_count) + within] = body[np.repeat(body_start, body_count) + within]
    del body, within
    bi_rows = np.flatnonzero(is_bi)
    values[item_start[1:][bi_rows] - 1] = pos_len[bi_rows]
    data, item_offsets = _encode_items(values, raw)
    return keys, key_bytes, data, item_offsets[item_start], key_len, pos_data, pos_start, pos_len


def _gathered(data: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> bytes:
    """The byte ranges [starts, starts + sizes) of `data`, one after the other. Gathered a few MB
    at a time: an index of every byte at once would be 8 bytes per byte."""
    ends = np.cumsum(sizes)
    total = int(ends[-1]) if ends.size else 0
    out = np.empty(total, dtype=np.uint8)
    cuts = [0, *np.searchsorted(ends, np.arange(GATHER_BYTES, total, GATHER_BYTES)).tolist(), sizes.size]
    for a, b in zip(cuts[:-1], cuts[1:]):
        s, st = sizes[a:b], starts[a:b]
        picked = np.repeat(st, s) + (np.arange(int(s.sum()), dtype=np.int64) - np.repeat(np.cumsum(s) - s, s))
        begin = int(ends[a - 1]) if a else 0
        out[begin : begin + picked.size] = data[picked]
    return out.tobytes()


@dataclass
class _WordPostings:
    """What the word entries hold, per (word, document) pair, ordered by word, then document.
    A word of two characters is its own bigram: its entry adds only the whole-word counts, for
    the documents that have some. A longer word's entry is exact: every document that contains
    the word as a string, with the number of occurrences (`tf`), `where` as for bigrams, and
    the whole-word count; a query for it needs no positions."""

    words: list[str]           # in string order
    exact: np.ndarray          # per word: three or more characters
    shard_hash: np.ndarray     # per word: FNV-1a of the bigram whose shard holds its entry
    word: np.ndarray           # per pair
    doc: np.ndarray
    tf: np.ndarray
    where: np.ndarray
    whole: np.ndarray


def _word_postings(words: WholeWords, docs: list[SearchDocument], rank: np.ndarray,
                   cps_of_rank: np.ndarray, starts: np.ndarray) -> _WordPostings:
    """The word entries' postings: whole-word counts from `words`; for words of three or more
    characters and for frequent compounds (`words.compounds`, never whole words), their
    occurrences as strings, found in the archive (`rank`, as `_dense_ranks`). A long word's
    entry goes to the shard of its anchor bigram (its least frequent): the shards of frequent
    first bigrams (社会…, 发展…) would otherwise gather the entries of hundreds of words each; a
    query fetches the shards of all its bigrams anyway."""
    names = sorted(words.words + words.compounds) if words.compounds else words.words
    if words.compounds:   # the whole words' numbers in the longer list (both in string order)
        place = {w: i for i, w in enumerate(names)}
        renumber = np.fromiter((place[w] for w in words.words), dtype=np.int64, count=len(words.words))
        whole_word = renumber[words.word] if words.word.size else words.word.astype(np.int64)
    else:
        whole_word = words.word.astype(np.int64)
    lengths = np.fromiter(map(len, names), dtype=np.int64, count=len(names))
    exact = lengths >= 3
    shard_hash = np.zeros(len(names), dtype=np.uint64)
    for i in np.flatnonzero(~exact).tolist():
        shard_hash[i] = fnv1a(names[i])
    short = ~exact[whole_word] if whole_word.size else np.zeros(0, dtype=bool)
    zeros = np.zeros(int(short.sum()), dtype=np.int32)
    parts = [(whole_word[short], words.doc[short], zeros, zeros, words.count[short])]

    long_ids = np.flatnonzero(exact)
    if long_ids.size:
        distinct = cps_of_rank.size
        width = distinct + 1
        word_ranks = [np.searchsorted(cps_of_rank, np.frombuffer(names[i].encode("utf-32-le", "surrogatepass"),
                                                                 dtype=np.uint32)).astype(np.int64)
                      for i in long_ids.tolist()]
        doc_of = _doc_of(starts)
        anchor_at, anchor_key = occurrences.anchors(word_ranks, rank, doc_of, width)
        for i, a in zip(long_ids.tolist(), anchor_at.tolist()):
            shard_hash[i] = fnv1a(names[i][a : a + 2])
        keys_sorted, index_sorted = occurrences.anchor_occurrences(rank, doc_of, anchor_key, width)
        title_len = _title_lengths(docs)
        in_heading = _in_heading(docs, starts, title_len)
        batches = [_string_postings(local, start, doc_of, starts, title_len, in_heading)
                   for local, start in occurrences.find(word_ranks, anchor_at, anchor_key, keys_sorted,
                                                        index_sorted, rank, doc_of)]
        del keys_sorted, index_sorted, doc_of, in_heading
        local, long_doc, tf, where = _merged_by_word(batches, len(word_ranks), 4)
        del batches
        long_word = long_ids[local].astype(np.int32)
        # Whole-word counts, joined on (word, document): a whole word is also a string, so
        # every long word's pair in `words` has its string pair here.
        ndocs = max(1, len(docs))
        string_key = long_word.astype(np.int64) * ndocs + long_doc
        whole_key = whole_word[~short] * ndocs + words.doc[~short]
        at = np.searchsorted(string_key, whole_key)
        if at.size and (at.max() >= string_key.size or np.any(string_key[at] != whole_key)):
            raise RuntimeError("search index: a whole word that does not occur as a string")
        del string_key, whole_key
        whole = np.zeros(long_word.size, dtype=np.int32)
        whole[at] = words.count[~short]
        parts.append((long_word, long_doc, tf, where, whole))

    word, doc, tf, where, whole = _merged_by_word(parts, len(names), 5)
    return _WordPostings(names, exact, shard_hash, word, doc, tf, where, whole)


def _merged_by_word(parts, words: int, columns: int) -> list[np.ndarray]:
    """Columns (int32) of postings in parts that are each in (word, ...) order and share no
    word, merged into word order: each posting is placed by its word's count, with no sort and
    no copy beyond the result."""
    counts = np.zeros(words, dtype=np.int64)
    for part in parts:
        counts += np.bincount(part[0], minlength=words)
    word_start = np.cumsum(counts) - counts
    out = [np.empty(int(counts.sum()), dtype=np.int32) for _ in range(columns)]
    for part in parts:
        w = np.asarray(part[0], dtype=np.int64)
        if not w.size:
            continue
        new = np.ones(w.size, dtype=bool)
        new[1:] = w[1:] != w[:-1]
        run = np.flatnonzero(new)
        within = np.arange(w.size, dtype=np.int64) - np.repeat(run, np.diff(np.append(run, w.size)))
        at = word_start[w] + within
        for column, values in zip(out, part):
            column[at] = values
    return out


def _string_postings(local, start, doc_of, starts, title_len, in_heading):
    """Per (word, document) of occurrences ordered by word, then start: the word, the document,
    the number of occurrences, and `where` as for bigrams."""
    doc = doc_of[start].astype(np.int64)
    first, _, size, _ = _grouped(local, doc)
    where = _where(start - starts[doc], title_len[doc], in_heading[start], first)
    return (local[first].astype(np.int32), doc[first].astype(np.int32), size.astype(np.int32),
            where.astype(np.int32))


def _where(position: np.ndarray, title: np.ndarray, heading: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Per group of occurrences (starting at `first`; positions in the document, ascending;
    `title`: the document's title length; `heading`: whether the occurrence starts in a heading
    line), what ranking and snippets need without the positions: (first position after the
    title + 1, or 0) × 4 + 2 if one starts in a heading line + 1 if the first is in the title."""
    if not first.size:
        return np.zeros(0, dtype=np.int64)
    no_body = np.iinfo(np.int64).max
    first_body = np.minimum.reduceat(np.where(position >= title, position, no_body), first)
    in_heading = np.logical_or.reduceat(heading, first).astype(np.int64)
    return (np.where(first_body == no_body, 0, first_body + 1) * 4 + in_heading * 2
            + (position[first] < title[first]))


def _encoded_words(postings: _WordPostings) -> tuple[np.ndarray, np.ndarray]:
    """The word entries, in string order: their encoded blocks (`data`, with each one's offset
    in it)."""
    if not postings.words:
        return np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64)
    keys = [(WORD_MARK + w).encode("utf-8") for w in postings.words]
    key_len = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    key_start = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(key_len, out=key_start[1:])
    key_blob = np.frombuffer(b"".join(keys), dtype=np.uint8)
    del keys
    docs_per_word = np.bincount(postings.word, minlength=len(postings.words)).astype(np.int64)
    first_pair = np.zeros(len(postings.words) + 1, dtype=np.int64)
    np.cumsum(docs_per_word, out=first_pair[1:])
    per_doc = np.where(postings.exact, 4, 2)
    # Items of each word, encoded a few million at a time (as bigrams are): [key length, key bytes
    # (raw)..., number of documents, per document its id delta, (exact entries) its occurrences
    # and `where`, and its whole-word count].
    data_parts, offset_parts, base = [], [], 0
    cuts = np.searchsorted(first_pair, np.arange(0, int(first_pair[-1]), PARTITION_OCCURRENCES), side="right") - 1
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
        same_word[1:] = postings.word[p + 1 : q] == postings.word[p : q - 1]
        delta[1:][same_word[1:]] -= doc[:-1][same_word[1:]]
        within = np.arange(q - p, dtype=np.int64) - np.repeat(first_pair[a:b] - p, ndocs)
        step = np.repeat(k, ndocs)
        at = np.repeat(item_start[:-1] + 2 + lens, ndocs) + step * within
        values[at] = delta
        long = step == 4
        values[at[long] + 1] = postings.tf[p:q][long]
        values[at[long] + 2] = postings.where[p:q][long]
        values[at + step - 1] = postings.whole[p:q]
        data, offsets = _encode_items(values, raw)
        data_parts.append(data)
        offset_parts.append(offsets[item_start[:-1]] + base)
        base += data.size
    return np.concatenate(data_parts), np.concatenate([*offset_parts, [base]])


def _postings_files(grams: _EncodedGrams, words: _WordPostings) -> dict[str, bytes]:
    """g/<n>.bin and p/… (uncompressed): document lists sharded by the grams' hashes, each
    shard's positions beside it; word entries in the shards `_word_postings` chose."""
    sizes = np.diff(grams.offsets)
    word_data, word_offsets = _encoded_words(words)
    word_hashes = words.shard_hash
    word_sizes = np.diff(word_offsets)
    # The shard count follows the grams alone: word entries (a fifth as many bytes) ride along
    # rather than double the number of files to write once they tip the count over a power of two.
    total = int(sizes.sum())
    shards = 1 << max(4, math.ceil(math.log2(max(1, total / TARGET_SHARD_BYTES))))
    shard_of = (grams.hashes() % np.uint64(shards)).astype(np.int64)
    word_shard = (word_hashes % np.uint64(shards)).astype(np.int64)
    # Within a shard, grams keep string order: they already are in it, so a stable sort by shard.
    order = np.argsort(shard_of, kind="stable")
    shard_data = _gathered(grams.data, grams.offsets[:-1][order], sizes[order])
    word_order = np.argsort(word_shard, kind="stable")
    shard_words = _gathered(word_data, word_offsets[:-1][word_order], word_sizes[word_order])
    del word_data
    shard_counts = np.bincount(shard_of, minlength=shards)
    entries = shard_counts + np.bincount(word_shard, minlength=shards)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(shard_of, weights=sizes, minlength=shards))]).astype(np.int64).tolist()
    word_bounds = np.concatenate([[0], np.cumsum(np.bincount(word_shard, weights=word_sizes, minlength=shards))]).astype(np.int64).tolist()
    files: dict[str, bytes] = {}
    for n in range(shards):
        head = bytearray()
        _varint(int(entries[n]), head)
        files[f"g/{n}.bin"] = (bytes(head) + shard_data[bounds[n] : bounds[n + 1]]
                               + shard_words[word_bounds[n] : word_bounds[n + 1]])

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
            files[f"p/{n}.bin"] = packed_data[packed_bounds[n] : packed_bounds[n + 1]]
    first_of_shard = np.concatenate([[0], np.cumsum(shard_counts)])
    for i in np.flatnonzero(pos_len > POSITIONS_PACK_BYTES).tolist():
        n = int(ordered_shard[i])
        a = int(pos_start[i])
        files[f"p/{n}-{i - int(first_of_shard[n])}.bin"] = grams.pos_data[a : a + int(pos_len[i])].tobytes()
    files["_shards"] = shards  # type: ignore[assignment]  # taken out by build_search_index
    return files


def build_search_index(docs: list[SearchDocument], *, lines_table_max: int = LINES_TABLE_MAX_BYTES,
                       words: WholeWordCounting | None = None) -> dict[str, bytes]:
    """Every file of the index, keyed by its path under `search/`. `lines_table_max`: the
    largest lines.json.gz (bytes) to write; a larger archive gets per-report result lines.
    `words`: the whole-word counts of `docs`, under way (`WholeWordCounter.counting`); by
    default they are counted now, in a worker process for a large archive, while the bigrams
    are encoded here."""
    packed = _gzip
    files: dict[str, bytes] = {}
    if words is None:
        words = WholeWordCounter().counting(range(len(docs)), (d.text for d in docs))
    cps, starts = _code_points(docs)
    rank, cps_of_rank = _dense_ranks(cps)
    del cps
    grams = _encoded_grams(docs, rank, cps_of_rank, starts)
    word_postings = _word_postings(words.result(), docs, rank, cps_of_rank, starts)
    del rank
    postings = _postings_files(grams, word_postings)
    del grams, word_postings
    shards = postings.pop("_shards")
    # zlib lets go of the GIL: compress on every core.
    with ThreadPoolExecutor() as pool:
        files.update(zip(postings, pool.map(packed, postings.values(), chunksize=64)))
    del postings

    # Columns compress better than records: all title lengths, then all text lengths.
    title_lengths = bytes(min(255, len(d.title) + 1) for d in docs)   # the title and its line break
    text_lengths = np.array([len(d.text) for d in docs], dtype="<u4").tobytes()
    files["docinfo.bin"] = _gzip(title_lengths + text_lengths, GZIP_LEVEL_SHARED)

    # What a result line shows, nothing more. A result list shows up to 200 reports spread
    # over the whole archive: one table of every line is one request; past a size, lines are
    # fetched one report at a time, or by chunk where a list covers much of one.
    table = _gzip(_json([[d.url for d in docs], [d.title for d in docs], [d.year or 0 for d in docs],
                          [d.region for d in docs]]), GZIP_LEVEL_SHARED)
    lines_table = len(table) <= lines_table_max
    if lines_table:
        files["lines.json.gz"] = table
    else:
        lines = [[d.url, d.title, d.year or 0, d.region] for d in docs]
        for doc_id, line in enumerate(lines):
            files[f"r/{doc_id}.json"] = _json(line)
        for start in range(0, len(docs), META_CHUNK):
            files[f"m/{start // META_CHUNK}.json.gz"] = packed(_json(lines[start : start + META_CHUNK]))
    blocks = {}
    for doc_id, doc in enumerate(docs):
        text = doc.text
        for block in range(0, max(1, -(-len(text) // TEXT_BLOCK))):
            blocks[f"t/{doc_id}-{block}.txt.gz"] = text[block * TEXT_BLOCK:(block + 1) * TEXT_BLOCK].encode("utf-8")
    with ThreadPoolExecutor() as pool:
        files.update(zip(blocks, pool.map(packed, blocks.values(), chunksize=64)))
    del blocks

    provinces = sorted({d.province for d in docs if d.province})
    topics = sorted({t for d in docs for t in d.topics})
    files["facets.json"] = _json({
        "provinces": provinces,
        "topics": topics,
        "docs": [[d.year or 0, provinces.index(d.province) if d.province else -1,
                  [topics.index(t) for t in d.topics]] for d in docs],
    })
    files["t2s.json.gz"] = packed(_json(traditional_to_simplified()))
    files["manifest.json"] = _json({
        "version": FORMAT_VERSION, "docs": len(docs), "shards": shards, "metaChunk": META_CHUNK,
        "textBlock": TEXT_BLOCK, "packBytes": POSITIONS_PACK_BYTES,
        "linesTable": lines_table,
        "avgLength": (sum(len(d.text) for d in docs) / len(docs)) if docs else 0,
    })
    return files


def doc_file_prefixes(doc_id: int) -> tuple[str, ...]:
    """The starts of the paths of the files that belong to one report alone (its text blocks,
    its result line). Text blocks share one folder: a folder per report would be 10,000 folders
    to create and delete per build."""
    return (f"t/{doc_id}-", f"r/{doc_id}.json")


def _gzip(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
