"""The vectorised index writer against the original, one-gram-at-a-time encoder.

`reference_index` below is the index format as first written (and as search-worker.js reads
it), in plain Python: a dict of postings per gram, LEB128 varints gram by gram. The numpy
writer must produce the same bytes, file for file."""

import math
from collections import defaultdict

import pytest

from reform_archive.search.index import SearchDocument, TARGET_SHARD_BYTES, build_search_index, fnv1a
from reform_archive.search.normalize import normalize_text
from tests.conftest import REPO


def _varint(n, out):
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def reference_shards(docs):
    grams = defaultdict(dict)
    for doc_id, doc in enumerate(docs):
        text = normalize_text(doc.text)
        seen = defaultdict(int)
        for i, char in enumerate(text):
            if char != " ":
                seen[char] += 1
            if i + 1 < len(text):
                gram = text[i : i + 2]
                if gram != "  ":
                    grams[gram].setdefault(doc_id, []).append(i)
        for char, count in seen.items():
            grams[char][doc_id] = [count]
    encoded = {}
    for gram, postings in grams.items():
        out = bytearray()
        key = gram.encode("utf-8")
        _varint(len(key), out)
        out += key
        _varint(len(postings), out)
        previous = 0
        for doc_id in sorted(postings):
            _varint(doc_id - previous, out)
            previous = doc_id
            values = postings[doc_id]
            if len(gram) == 1:
                _varint(values[0], out)
                continue
            _varint(len(values), out)
            last = 0
            for position in values:
                _varint(position - last, out)
                last = position
        encoded[gram] = out
    total = sum(len(b) for b in encoded.values())
    shards = 1 << max(4, math.ceil(math.log2(max(1, total / TARGET_SHARD_BYTES))))
    bufs, counts = [bytearray() for _ in range(shards)], [0] * shards
    for gram in sorted(encoded):
        n = fnv1a(gram) % shards
        bufs[n] += encoded[gram]
        counts[n] += 1
    files = {}
    for n in range(shards):
        head = bytearray()
        _varint(counts[n], head)
        files[f"g/{n}.bin"] = bytes(head + bufs[n])
    return files


def _docs(bodies):
    return [SearchDocument(url=f"r/{i}/", title=f"题{i}", body=b) for i, b in enumerate(bodies)]


def _seed_bodies():
    from reform_archive.archive import load_archive

    archive = load_archive(REPO / "reports")
    return [r.report.body for r in archive.reports]


@pytest.mark.parametrize("bodies", [
    [],
    [""],
    ["a"],
    ["  两个  空格  ", "\t\n", " "],
    ["政府工作報告 ＧＤＰ增長７．５％", "𠀀𠀁 emoji 😀😀 é ü", "abc" * 300, "a" * 20000],
    ["一二" * 5000 + "一", "二一" * 70, "位置" * 10000],
], ids=["none", "empty", "one-char", "spaces", "unicode", "long-positions"])
def test_the_vectorised_index_writes_the_reference_bytes(bodies):
    docs = _docs(bodies)
    files = build_search_index(docs)
    expected = reference_shards(docs)
    assert {k: v for k, v in files.items() if k.startswith("g/")} == expected


def test_the_seed_archive_indexes_to_the_reference_bytes():
    docs = _docs(_seed_bodies() * 3)
    files = build_search_index(docs)
    assert {k: v for k, v in files.items() if k.startswith("g/")} == reference_shards(docs)
