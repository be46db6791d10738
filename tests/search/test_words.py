"""Whole-word counts for the ranking boost, in this process and in worker processes, against
Python jieba's own cut."""

from collections import Counter

import pytest

from reform_archive.search import words
from reform_archive.search.normalize import normalize_text
from reform_archive.segment import segmenter
from tests.conftest import REPO


def _texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "reports").glob("*.md"))]
    texts += ["", "税费负担 税费 农村税费改革", "GDP 7.5% gdp2006 𠀀𠀁"] + texts[:3]
    return [normalize_text(text) for text in texts]


def _truth(texts):
    pairs = {}
    for doc, text in enumerate(texts):
        for word, count in Counter(segmenter.tokenizer.cut(text, HMM=False)).items():
            if len(word) >= 2 and all(c.isalnum() for c in word):
                pairs[word, doc] = count
    return pairs


@pytest.mark.parametrize("in_process_below", [10**9, 0], ids=["this-process", "worker-processes"])
def test_whole_words_are_jiebas_words_counted_per_document(monkeypatch, in_process_below):
    monkeypatch.setattr(words, "CHUNK_CHARACTERS", 5000)   # several chunks, merged
    texts = _texts()
    found = words.WholeWordCounter(processes=2, in_process_below=in_process_below).start(iter(texts)).result()
    assert found.words == sorted(found.words)
    order = list(zip(found.word.tolist(), found.doc.tolist()))
    assert order == sorted(order)   # by word, then document
    counted = {(found.words[w], d): c for w, d, c in zip(found.word.tolist(), found.doc.tolist(), found.count.tolist())}
    assert counted == _truth(texts)
    assert counted["税费", len(texts) - 5] == 2 and counted["农村税费改革", len(texts) - 5] == 1
    assert ("gdp", len(texts) - 4) in counted and ("gdp2006", len(texts) - 4) in counted


def test_no_text_no_words():
    found = words.WholeWordCounter().start([]).result()
    assert found.words == [] and found.word.size == found.doc.size == found.count.size == 0
