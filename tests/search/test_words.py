"""Whole-word counts for the ranking boost, in this process and in a worker process, against
Python jieba's own cut."""

from collections import Counter
from pathlib import Path

import pytest

from reform_archive.search import words
from reform_archive.search.normalize import normalize_text
from reform_archive.language.segment import segmenter
from tests.conftest import REPO


def _texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "reports").glob("*.md"))]
    return texts + ["", "税费负担 税费 农村税费改革", "GDP 7.5% gdp2006 𠀀𠀁 稅費負擔"] + texts[:3]


def _truth(texts):
    pairs = {}
    for doc, text in enumerate(texts):
        for word, count in Counter(segmenter.tokenizer.cut(normalize_text(text), HMM=False)).items():
            if len(word) >= 2 and all(c.isalnum() for c in word):
                pairs[word, doc] = count
    return pairs


def _pairs(found):
    assert found.words == sorted(found.words)
    order = list(zip(found.word.tolist(), found.doc.tolist()))
    assert order == sorted(order)   # by word, then document
    return {(found.words[w], d): c for w, d, c in zip(found.word.tolist(), found.doc.tolist(), found.count.tolist())}


@pytest.mark.parametrize("in_process_below", [10**9, 0], ids=["this-process", "worker-process"])
def test_whole_words_are_jiebas_words_counted_per_document(monkeypatch, in_process_below):
    monkeypatch.setattr(words, "CHUNK_CHARACTERS", 5000)   # several chunks, merged
    texts = _texts()
    counter = words.WholeWordCounter(in_process_below=in_process_below)
    counted = _pairs(counter.counting([f"k{i}" for i in range(len(texts))], texts).result())
    assert counted == _truth(texts)
    assert counted["税费", len(texts) - 5] == 2 and counted["农村税费改革", len(texts) - 5] == 1
    assert counted["gdp", len(texts) - 4] == 1 and counted["税费", len(texts) - 4] == 1   # normalised


@pytest.mark.parametrize("in_process_below", [10**9, 0], ids=["this-process", "worker-process"])
def test_texts_added_in_any_order_are_counted_as_documents_of_the_index(monkeypatch, in_process_below):
    """As the builder does: every rendered page's text added as it comes, then an index of some
    of them (a delta's), in its own order."""
    monkeypatch.setattr(words, "CHUNK_CHARACTERS", 3000)
    texts = _texts()
    counter = words.WholeWordCounter(in_process_below=in_process_below)
    for i in reversed(range(len(texts))):
        counter.add(f"k{i}", texts[i])
    chosen = [9, 2, 12, 0]
    counted = _pairs(counter.counting([f"k{i}" for i in chosen] + ["new"], [texts[i] for i in chosen] + ["减轻税费负担"]).result())
    assert counted == _truth([texts[i] for i in chosen] + ["减轻税费负担"])


def test_the_last_index_lets_the_counts_go_and_gets_the_same_words(monkeypatch):
    """A delta's index, then the whole archive's (as the builder falls back to it): the last
    one takes every chunk's counts (half a gigabyte at 10,000 reports, once kept to the end)."""
    monkeypatch.setattr(words, "CHUNK_CHARACTERS", 3000)
    texts = _texts()
    counter = words.WholeWordCounter(in_process_below=10**9)
    keys = [f"k{i}" for i in range(len(texts))]
    for key, text in zip(keys, texts):
        counter.add(key, text)
    delta = _pairs(counter.counting(keys[:3], texts[:3]).result())
    assert delta == _truth(texts[:3]) and all(chunk is not None for chunk in counter._chunks)
    whole = counter.counting(keys, texts, last=True).result()
    assert _pairs(whole) == _truth(texts) and len(counter._chunks) > 1
    assert all(chunk is None for chunk in counter._chunks)
    with pytest.raises(RuntimeError):
        counter.counting(keys, texts).result()


def test_no_text_no_words():
    found = words.WholeWordCounter().counting([], []).result()
    assert found.words == [] and found.word.size == found.doc.size == found.count.size == 0


def test_the_builders_background_counts_make_the_same_index(tmp_path, monkeypatch):
    """Texts handed to a worker process as pages are added give the index that counting them
    here, at the end, gives."""
    from reform_archive.search.builder import SearchIndexBuilder
    from reform_archive.search.index import SearchDocument, build_search_index

    monkeypatch.setattr(words, "CHUNK_CHARACTERS", 4000)
    texts = _texts()
    builder = SearchIndexBuilder()
    builder.words = words.WholeWordCounter(in_process_below=0)
    for i, text in enumerate(texts):
        builder.add_text(f"reports/r{i:02}/", f"报告{i}", text)
    assert builder.words._pool is not None     # the texts went to a worker as they came
    builder.write(tmp_path)
    expected = build_search_index([SearchDocument(url=f"reports/r{i:02}/", title=f"报告{i}", body=text)
                                   for i, text in enumerate(texts)])
    for name, content in expected.items():
        assert (tmp_path / "search" / name).read_bytes() == content, name


@pytest.mark.parametrize("rows,largest", [(0, 5), (1, 5), (1000, 3), (50000, 70000)])
def test_distinct_compound_rows_are_numpys_unique_rows(rows, largest):
    import numpy as np

    rng = np.random.default_rng(rows)
    text = np.sort(rng.integers(0, 300, rows))
    first, second = rng.integers(0, largest, rows), rng.integers(0, largest, rows)
    expected = np.unique(np.stack([text, first, second], axis=1), axis=0) if rows else np.zeros((0, 3))
    assert np.array_equal(words._distinct_rows(text, first, second), expected)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_counting_worker_stops_when_its_build_is_killed(tmp_path):
    """A build killed outright never shuts its pool down: its worker must not go on counting."""
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import sys, time\n"
        "from reform_archive.search.words import WholeWordCounter\n"
        "counter = WholeWordCounter(processes=1, in_process_below=0)\n"
        "counter.counting(list(range(200)), ['乡镇机构改革的调查报告。' * 2000] * 200)\n"
        "print('started', flush=True)\n"
        "time.sleep(120)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert build.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 60
        workers = []
        while not workers and time.monotonic() < deadline:
            workers = [pid for pid in _children(build.pid)
                       if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
            time.sleep(0.1)
        assert workers
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)
