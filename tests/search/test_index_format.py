"""The vectorised index writer against a plain one-gram-at-a-time encoder.

`reference_postings` below is the postings format (format.py: the fields of each kind of entry,
in its declared order; as search-worker.js decodes it), in plain Python: a dict of postings per
gram, LEB128 varints gram by gram, and the whole-word entries counted from Python jieba's own
cut (not rjieba, which the writer uses). The numpy writer must produce the same bytes, file for
file (inside the gzip)."""

import gzip
import json
import math
from collections import defaultdict

import pytest

from reform_archive.search.format import (BIGRAM, EXACT_WORD, PACKED_POSITIONS, POSITIONS, POSITIONS_PACK_BYTES,
                                          SHARD, SHORT_WORD, UNIGRAM, WHERE_HEADING, WHERE_SHIFT, WHERE_TITLE,
                                          WORD_MARK, entry_kind, fnv1a, varint)
from reform_archive.search.index import SearchDocument, build_search_index
from reform_archive.search.normalize import normalize_text
from reform_archive.search.shards import TARGET_SHARD_BYTES
from reform_archive.search.words import COMPOUND_SHARE
from reform_archive.language.segment import segmenter
from tests.conftest import REPO
from tests.search.reader import read_shard


def jieba_words(text):
    """Whole words as jieba (Python, HMM off, the archive's dictionary) cuts the normalised
    text: those of two or more characters, each a letter, digit or Chinese character."""
    counts = defaultdict(int)
    for word in segmenter.tokenizer.cut(normalize_text(text), HMM=False):
        if len(word) >= 2 and all(c.isalnum() for c in word):
            counts[word] += 1
    return counts


def encoded_entry(key, kind, items, after=None):
    """An entry as format.py lays it out: key length, key, number of documents, per document
    (ascending) its kind's item fields in order, the document as a delta; then the fields after."""
    assert entry_kind(key) is kind
    out = bytearray()
    raw = key.encode("utf-8")
    varint(len(raw), out)
    out += raw
    varint(len(items), out)
    previous = 0
    for item in sorted(items, key=lambda i: i["doc"]):
        for field in kind.item:
            value = item[field.name]
            if field.name == "doc":
                value, previous = value - previous, value
            varint(value, out)
    for field in kind.after:
        varint(after[field.name], out)
    return out


def where(starts, doc):
    """`where` of occurrences starting at `starts` (ascending) in a document."""
    title = len(doc.title) + 1   # the layout (its own tests: test_layout.py) puts the title first
    body = [p for p in starts if p >= title]
    heading = any(a <= p < b for p in starts for a, b in doc.layout.headings)
    return ((body[0] + 1 if body else 0) << WHERE_SHIFT) + WHERE_HEADING * heading + WHERE_TITLE * (starts[0] < title)


def reference_postings(docs):
    """g/<n>.bin: per gram (a unigram or bigram) its entry; then per word (in string order) its
    entry: of a word of two characters, in its own shard, the documents where it is a whole word;
    of a longer word, exact: every document that contains it as a string, in the shard of its
    least frequent bigram; positions (per document, deltas from the previous one, the first from
    0) in p/<n>.bin when at most POSITIONS_PACK_BYTES, else in p/<n>-<i>.bin (i: the gram's
    place in its shard)."""
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
        if len(gram) == 1:
            items = [{"doc": d, "count": values[0]} for d, values in postings.items()]
            encoded[gram] = (encoded_entry(gram, UNIGRAM, items), bytearray())
            continue
        positions = bytearray()
        items = []
        for doc_id in sorted(postings):
            values = postings[doc_id]
            items.append({"doc": doc_id, "count": len(values), "where": where(values, docs[doc_id])})
            last = 0
            for position in values:
                varint(position - last, positions)
                last = position
        encoded[gram] = (encoded_entry(gram, BIGRAM, items, {"positionBytes": len(positions)}), positions)
    words = defaultdict(dict)
    for doc_id, doc in enumerate(docs):
        for word, count in jieba_words(doc.text).items():
            words[word][doc_id] = count
    # Compounds: two neighbouring jieba words of two or more letters, digits or Chinese
    # characters, in COMPOUND_SHARE of the reports (two at least), and no word themselves.
    in_reports = defaultdict(set)
    for doc_id, doc in enumerate(docs):
        cut = list(segmenter.tokenizer.cut(normalize_text(doc.text), HMM=False))
        for a, b in zip(cut, cut[1:]):
            if len(a) >= 2 and len(b) >= 2 and (a + b).isalnum():
                in_reports[a + b].add(doc_id)
    for compound, found in in_reports.items():
        if len(found) >= max(2, math.ceil(COMPOUND_SHARE * len(docs))) and compound not in words:
            words[compound] = {}
    texts = [normalize_text(doc.text) for doc in docs]
    bigram_count = defaultdict(int)
    for text in texts:
        for i in range(len(text) - 1):
            bigram_count[text[i : i + 2]] += 1
    word_entries, word_shard_key = {}, {}
    for word, whole in words.items():
        if len(word) == 2:   # its own bigram: whole-word counts where there are some
            word_shard_key[word] = word
            items = [{"doc": d, "whole": count} for d, count in whole.items()]
            word_entries[word] = encoded_entry(WORD_MARK + word, SHORT_WORD, items)
            continue
        # exact: every report that has the string, found by plain search
        anchor = min(range(len(word) - 1), key=lambda i: (bigram_count[word[i : i + 2]], i))
        word_shard_key[word] = word[anchor : anchor + 2]
        items = []
        for doc_id, text in enumerate(texts):
            starts = [i for i in range(len(text)) if text.startswith(word, i)]
            if starts:
                items.append({"doc": doc_id, "count": len(starts), "where": where(starts, docs[doc_id]),
                              "whole": whole.get(doc_id, 0)})
        word_entries[word] = encoded_entry(WORD_MARK + word, EXACT_WORD, items)
    total = sum(len(b) for b, _ in encoded.values())   # grams alone set the shard count
    shards = 1 << max(4, math.ceil(math.log2(max(1, total / TARGET_SHARD_BYTES))))
    bufs, counts = [bytearray() for _ in range(shards)], [0] * shards
    packed = [bytearray() for _ in range(shards)]
    files = {}
    for gram in sorted(encoded):
        n = fnv1a(gram) % shards
        out, positions = encoded[gram]
        bufs[n] += out
        if len(positions) > POSITIONS_PACK_BYTES:
            files[POSITIONS.path(shard=n, entry=counts[n])] = bytes(positions)
        else:
            packed[n] += positions
        counts[n] += 1
    for word in sorted(word_entries):
        n = fnv1a(word_shard_key[word]) % shards
        bufs[n] += word_entries[word]
        counts[n] += 1
    for n in range(shards):
        head = bytearray()
        varint(counts[n], head)
        files[SHARD.path(shard=n)] = bytes(head + bufs[n])
        if packed[n]:
            files[PACKED_POSITIONS.path(shard=n)] = bytes(packed[n])
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


def test_word_entries_count_a_words_whole_occurrences():
    """税费 as jieba's word (税费负担 → 税费 负担) counts; inside 农村税费改革, one word of the
    archive's dictionary, it does not, though the bigram 税费 is there. Traditional text counts
    once normalised."""
    docs = _docs(["农村税费改革试点。", "税费负担减轻，减轻税费。", "減輕稅費", "税费改革 农村税费改革"])
    truth = [jieba_words(doc.text).get("税费", 0) for doc in docs]
    assert truth == [0, 2, 1, 0]   # what jieba itself says: 税费改革 is a word of the dictionary too
    files = build_search_index(docs)
    shards = json.loads(files["manifest.json"])["shards"]
    shard = read_shard(gzip.decompress(files[SHARD.path(shard=fnv1a("税费") % shards)]))
    assert shard[WORD_MARK + "税费"].kind is SHORT_WORD
    assert shard[WORD_MARK + "税费"].pairs("whole") == [(1, 2), (2, 1)]
    assert shard["税费"].columns["doc"] == [0, 1, 2, 3]   # the string is in all four
    every = {}
    for name, data in files.items():
        if name.startswith("g/"):
            every.update(read_shard(gzip.decompress(data)))
    # A longer word's entry is exact: every report with the string, and its whole-word count.
    assert every[WORD_MARK + "农村税费改革"].kind is EXACT_WORD
    assert every[WORD_MARK + "农村税费改革"].pairs("count", "whole") == [(0, 1, 1), (3, 1, 1)]
    assert every[WORD_MARK + "税费改革"].pairs("count", "whole") == [(0, 1, 0), (3, 2, 1)]
    # Only words of letters, digits and Chinese characters, of two or more.
    words = {key[1:] for key in every if key.startswith(WORD_MARK)}
    # and compounds of two words in two reports or more: exact entries, never a whole word
    assert words == {w for doc in docs for w in jieba_words(doc.text)} | {"减轻税费"}
    assert every[WORD_MARK + "减轻税费"].pairs("count", "whole") == [(1, 1, 0), (2, 1, 0)]
    assert "税费改革" in words and not any(len(w) < 2 or not w.isalnum() for w in words)


def test_the_index_is_the_same_bytes_every_build():
    """Every file, compressed, is byte for byte what the same documents gave before (no time in
    a gzip header, no compressor state carried over): a rebuild keeps the files it did not change."""
    docs = _docs(_seed_bodies())
    first, second = build_search_index(docs), build_search_index(_docs(_seed_bodies()))
    assert first == second
    assert all(gzip.decompress(data) for name, data in first.items() if name.endswith((".gz", ".bin"))
               and name.startswith(("g/", "p/", "t/")))
