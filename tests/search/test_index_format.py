"""The vectorised index writer against a plain one-gram-at-a-time encoder.

`reference_index` below is the postings format (format 2, as search-worker.js reads it), in
plain Python: a dict of postings per gram, LEB128 varints gram by gram. The numpy writer must
produce the same bytes, file for file (inside the gzip)."""

import gzip
import math
from collections import defaultdict

import pytest

from reform_archive.search.index import (POSITIONS_PACK_BYTES, TARGET_SHARD_BYTES, SearchDocument,
                                         build_search_index, fnv1a)
from reform_archive.search.normalize import normalize_text
from tests.conftest import REPO


def _varint(n, out):
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def reference_postings(docs):
    """g/<n>.bin: per gram [key length, key, number of documents, per document (doc delta,
    count, and for bigrams `where` = (first position after the title + 1, or 0) * 4 + 2 if one
    starts in a heading line + 1 if the first is in the title), for bigrams the byte length of
    its positions]; positions
    (per document, deltas from the previous one, the first from 0) in p/<n>.bin when at most
    POSITIONS_PACK_BYTES, else in p/<n>-<i>.bin (i: the gram's place in its shard)."""
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
        out, positions = bytearray(), bytearray()
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
            title = len(docs[doc_id].title) + 1
            body = [p for p in values if p >= title]
            heading = any(a <= p - title < b for p in values for a, b in docs[doc_id].headings)
            _varint((body[0] + 1 if body else 0) * 4 + 2 * heading + (values[0] < title), out)
            last = 0
            for position in values:
                _varint(position - last, positions)
                last = position
        if len(gram) == 2:
            _varint(len(positions), out)
        encoded[gram] = (out, positions)
    total = sum(len(b) for b, _ in encoded.values())
    shards = 1 << max(4, math.ceil(math.log2(max(1, total / TARGET_SHARD_BYTES))))
    bufs, counts = [bytearray() for _ in range(shards)], [0] * shards
    packed = [bytearray() for _ in range(shards)]
    files = {}
    for gram in sorted(encoded):
        n = fnv1a(gram) % shards
        out, positions = encoded[gram]
        bufs[n] += out
        if len(positions) > POSITIONS_PACK_BYTES:
            files[f"p/{n}-{counts[n]}.bin"] = bytes(positions)
        else:
            packed[n] += positions
        counts[n] += 1
    for n in range(shards):
        head = bytearray()
        _varint(counts[n], head)
        files[f"g/{n}.bin"] = bytes(head + bufs[n])
        if packed[n]:
            files[f"p/{n}.bin"] = bytes(packed[n])
    return files


def postings_of(files):
    return {k: gzip.decompress(v) for k, v in files.items() if k.startswith(("g/", "p/"))}


def _docs(bodies):
    """Every line that starts with 一 is a heading (ranges as page_text_and_headings gives them)."""
    docs = []
    for i, body in enumerate(bodies):
        headings, offset = [], 0
        for line in body.split("\n"):
            if line.startswith("一"):
                headings.append((offset, offset + len(line)))
            offset += len(line) + 1
        docs.append(SearchDocument(url=f"r/{i}/", title=f"题{i}", body=body, headings=headings))
    return docs


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
    ["题0 only in the title: 题", "题1题1", "no 题 here but 题1 is"],
    ["一、情况\n情况良好", "情况\n一二情况\n一", "一\n\n一、情况 二\n情况"],
], ids=["none", "empty", "one-char", "spaces", "unicode", "long-positions", "title", "headings"])
def test_the_vectorised_index_writes_the_reference_bytes(bodies):
    docs = _docs(bodies)
    assert postings_of(build_search_index(docs)) == reference_postings(docs)


def test_the_seed_archive_indexes_to_the_reference_bytes():
    docs = _docs(_seed_bodies() * 3)
    files = postings_of(build_search_index(docs))
    assert files == reference_postings(docs)
    # Both kinds of position files occur, so both are compared.
    assert any("-" in name for name in files) and any(n.startswith("p/") and "-" not in n for n in files)
