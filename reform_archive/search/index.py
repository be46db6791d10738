"""The archive's search index: exact substring matching that scales, in static files.

Why not Material's lunr index or Pagefind: both match words, so a query jieba glued into a longer
word (税费 inside 农村税费改革) is missed, and unknown words fall back to prefixes. Here every
report's normalised text is indexed by character bigrams *with positions* (Lucene's CJK
approach): a query part matches a report iff all its bigrams occur there at consecutive
positions, which is exactly "the report contains this string". Single characters are indexed
as unigrams (document lists only).

Layout under `search/` (all static, fetched on demand by the worker):

* `manifest.json`  — counts, shard count, format version;
* `docinfo.bin`    — per report: title length (u8) and text length in chars (u32), for ranking;
* `g/<n>.bin`      — postings, sharded by a hash of the gram, so a query fetches only the
  shards of its own grams (a few KB each) and never the whole index;
* `m/<n>.json`     — metadata of reports in chunks of `META_CHUNK` (url, title, year, region,
  topics) for the result list;
* `t/<id>.txt`     — a report's text, for the snippets of the first results;
* `facets.json`    — year, province and topics of every report, for the search page's facets;
* `t2s.json`       — the traditional → simplified table, for queries typed in traditional.

Binary postings use unsigned LEB128 varints: per gram, the number of documents, then for each
document the id delta and the occurrence count, then (bigrams only) the position deltas.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field

from .normalize import normalize_text, traditional_to_simplified

FORMAT_VERSION = 1
META_CHUNK = 64
TARGET_SHARD_BYTES = 8 * 1024


@dataclass
class SearchDocument:
    url: str
    title: str
    body: str                       # plain text as shown on the page
    year: int | None = None
    region: str = ""
    province: str = ""
    topics: list[str] = field(default_factory=list)

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


def _postings(docs: list[SearchDocument]) -> dict[str, dict[int, list[int]]]:
    grams: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for doc_id, doc in enumerate(docs):
        text = normalize_text(doc.text)
        seen_chars: dict[str, int] = defaultdict(int)
        for i, char in enumerate(text):
            if char != " ":
                seen_chars[char] += 1
            if i + 1 < len(text):
                gram = text[i : i + 2]
                if gram != "  ":
                    grams[gram].setdefault(doc_id, []).append(i)
        for char, count in seen_chars.items():
            grams[char][doc_id] = [count]  # unigrams: an occurrence count, no positions
    return grams


def _encode_gram(gram: str, postings: dict[int, list[int]], out: bytearray) -> None:
    key = gram.encode("utf-8")
    _varint(len(key), out)
    out += key
    _varint(len(postings), out)
    previous = 0
    unigram = len(gram) == 1
    for doc_id in sorted(postings):
        _varint(doc_id - previous, out)
        previous = doc_id
        values = postings[doc_id]
        if unigram:
            _varint(values[0], out)
            continue
        _varint(len(values), out)
        last = 0
        for position in values:
            _varint(position - last, out)
            last = position


def build_search_index(docs: list[SearchDocument]) -> dict[str, bytes]:
    """Every file of the index, keyed by its path under `search/`."""
    grams = _postings(docs)
    encoded: dict[str, bytearray] = {}
    for gram, postings in grams.items():
        buf = bytearray()
        _encode_gram(gram, postings, buf)
        encoded[gram] = buf
    total = sum(len(b) for b in encoded.values())
    shards = 1 << max(4, math.ceil(math.log2(max(1, total / TARGET_SHARD_BYTES))))
    shard_bufs = [bytearray() for _ in range(shards)]
    shard_counts = [0] * shards
    for gram in sorted(encoded):
        n = fnv1a(gram) % shards
        shard_bufs[n] += encoded[gram]
        shard_counts[n] += 1
    files: dict[str, bytes] = {}
    for n, buf in enumerate(shard_bufs):
        head = bytearray()
        _varint(shard_counts[n], head)
        files[f"g/{n}.bin"] = bytes(head + buf)

    info = bytearray()
    for doc in docs:
        info.append(min(255, len(doc.title) + 1))          # title and its line break
        info += len(doc.text).to_bytes(4, "little")
    files["docinfo.bin"] = bytes(info)

    for start in range(0, len(docs), META_CHUNK):
        chunk = [[d.url, d.title, d.year, d.region, d.topics] for d in docs[start : start + META_CHUNK]]
        files[f"m/{start // META_CHUNK}.json"] = _json(chunk)
    for doc_id, doc in enumerate(docs):
        files[f"t/{doc_id}.txt"] = doc.text.encode("utf-8")

    provinces = sorted({d.province for d in docs if d.province})
    topics = sorted({t for d in docs for t in d.topics})
    files["facets.json"] = _json({
        "provinces": provinces,
        "topics": topics,
        "docs": [[d.year or 0, provinces.index(d.province) if d.province else -1,
                  [topics.index(t) for t in d.topics]] for d in docs],
    })
    files["t2s.json"] = _json(traditional_to_simplified())
    files["manifest.json"] = _json({
        "version": FORMAT_VERSION, "docs": len(docs), "shards": shards, "metaChunk": META_CHUNK,
        "avgLength": (sum(len(d.text) for d in docs) / len(docs)) if docs else 0,
    })
    return files


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
