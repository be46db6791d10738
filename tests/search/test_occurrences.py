"""Finding whole strings from the sorted bigram occurrences, against a plain search."""

import random

import numpy as np
import pytest

from reform_archive.search import occurrences


def _archive(texts):
    cps = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    alphabet = np.unique(cps)
    rank = np.searchsorted(alphabet, cps).astype(np.int32)
    doc_of = np.repeat(np.arange(len(texts), dtype=np.int32), [len(t) for t in texts])
    return alphabet, rank, doc_of


@pytest.mark.parametrize("batch", [occurrences.FIND_CANDIDATES, 7])
def test_every_occurrence_is_found_and_none_across_documents(monkeypatch, batch):
    monkeypatch.setattr(occurrences, "FIND_CANDIDATES", batch)
    rng = random.Random(5)
    texts = ["".join(rng.choice("乡镇机构改革乡乡") for _ in range(rng.randint(0, 120))) for _ in range(60)]
    texts += ["乡乡乡乡", "镇机", "构改"]   # overlapping occurrences; 镇机|构改 only across two documents
    words = sorted({t[i : i + k] for t in texts for k in (2, 3, 4, 6) for i in range(0, len(t) - k + 1, 11)}
                   | {"乡乡乡", "镇机构改"})
    alphabet, rank, doc_of = _archive(texts)
    width = alphabet.size + 1
    ranks = [np.searchsorted(alphabet, np.frombuffer(w.encode("utf-32-le"), dtype=np.uint32)).astype(np.int64)
             for w in words]
    at, key = occurrences.anchors(ranks, rank, doc_of, width)
    keys, index = occurrences.anchor_occurrences(rank, doc_of, key, width)
    batches = list(occurrences.find(ranks, at, key, keys, index, rank, doc_of))
    assert all(np.all(np.diff(w) >= 0) for w, _ in batches)   # each batch in word order
    word, start = np.concatenate([w for w, _ in batches]), np.concatenate([s for _, s in batches])
    order = np.lexsort((start, word))
    word, start = word[order], start[order]

    offset = np.concatenate([[0], np.cumsum([len(t) for t in texts])])
    truth = [(w, int(offset[d] + i)) for w_i, w in enumerate(words) for d, t in enumerate(texts)
             for i in range(len(t)) if t.startswith(w, i)]
    assert [(words[w], s) for w, s in zip(word.tolist(), start.tolist())] == sorted(
        truth, key=lambda pair: (words.index(pair[0]), pair[1]))
    assert ("乡乡乡", int(offset[60])) in truth and ("乡乡乡", int(offset[60]) + 1) in truth


def test_the_anchor_is_the_least_frequent_bigram():
    texts = ["社会主义社会社会发展社会主义"]
    alphabet, rank, doc_of = _archive(texts)
    width = alphabet.size + 1
    ranks = [np.searchsorted(alphabet, np.frombuffer("社会主义".encode("utf-32-le"), dtype=np.uint32)).astype(np.int64)]
    at, _ = occurrences.anchors(ranks, rank, doc_of, width)
    assert at.tolist() == [1]   # 会主 (twice) over 社会 (four times) and 主义 (twice, but later)
