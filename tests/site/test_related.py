"""Related reports (site/related.py): the reports sharing the most distinctive words, never a
merged duplicate, bounded work, and a cache that is used and invalidated."""

from __future__ import annotations

from reform_archive.archive import load_archive
from reform_archive.site import related as related_module
from reform_archive.site.related import MAX_POSTINGS, compute_related, related_reports


def test_documents_sharing_rare_words_rank_first():
    counts = [
        {"卫生院": 3, "编制": 2, "乡镇": 1},       # 0
        {"卫生院": 2, "编制": 1, "乡镇": 1},       # 1: shares the rare 卫生院 and 编制 with 0
        {"乡镇": 1, "税费": 3},                    # 2: only the common 乡镇 with 0
        {"税费": 2, "乡镇": 1, "农民": 1},         # 3
        {"乡镇": 1},                               # 4
    ]
    result = compute_related(counts)
    assert result[0][0] == 1 and result[1][0] == 0
    assert result[2][0] == 3 and result[3][0] == 2
    assert all(i not in r for i, r in enumerate(result))   # never itself


def test_no_shared_word_no_related():
    assert compute_related([{"甲乙": 1}, {"丙丁": 1}]) == [[], []]
    assert compute_related([]) == []


def test_at_most_count_and_ties_are_stable():
    counts = [{"改革": 1} for _ in range(8)]
    first = compute_related(counts, count=5)
    assert all(len(r) == 5 for r in first)
    assert first[0] == [1, 2, 3, 4, 5] and first == compute_related(counts, count=5)


def test_a_word_links_at_most_max_postings_reports():
    """Work is bounded: a word in every report connects only MAX_POSTINGS of them."""
    n = MAX_POSTINGS * 3
    counts = [{"共同词": 1, f"独有词{i}": 1} for i in range(n)]
    linked = sum(1 for r in compute_related(counts) if r)
    assert linked == MAX_POSTINGS


def _write(folder, name, title, body):
    (folder / name).write_text(f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")


def test_duplicates_are_neither_listed_nor_given_a_list(tmp_path):
    text = "乡镇卫生院人员编制核定办法，床位与编制之比，公共卫生服务编制标准。" * 20
    _write(tmp_path, "a.md", "乡镇卫生院编制核定", text)
    _write(tmp_path, "a-copy.md", "乡镇卫生院编制核定", text + "转载自某网站")
    _write(tmp_path, "b.md", "卫生院编制调研", "卫生院编制不足，床位紧张。" * 10)
    _write(tmp_path, "c.md", "农村税费改革", "农民负担减轻，税费改革试点。" * 10)
    archive = load_archive(tmp_path)
    hidden = {r.key for r in archive.reports if not r.shown}
    assert hidden == {"a-copy.md"}
    result = related_reports(archive).by_key
    assert set(result) == {"a.md", "b.md", "c.md"}
    assert result["a.md"][0] == "b.md" and "a-copy.md" not in sum(result.values(), [])


def test_cached_result_is_reused_and_a_new_report_recomputes(tmp_path, monkeypatch):
    reports, cache = tmp_path / "reports", tmp_path / "cache"
    reports.mkdir()
    _write(reports, "a.md", "乡镇卫生院编制", "卫生院编制核定。" * 10)
    _write(reports, "b.md", "卫生院编制调研", "卫生院编制不足。" * 10)
    first = related_reports(load_archive(reports), cache).by_key
    assert (cache / related_module.CACHE_FILE).is_file()
    cut_texts = []
    original = related_module.word_counts
    monkeypatch.setattr(related_module, "word_counts", lambda r, cut: cut_texts.append(r.key) or original(r, cut))
    assert related_reports(load_archive(reports), cache).by_key == first and cut_texts == []
    _write(reports, "c.md", "卫生院编制新报告", "卫生院编制另议。" * 10)
    after = related_reports(load_archive(reports), cache).by_key
    assert cut_texts == ["c.md"]            # only the new text is cut again
    assert "c.md" in after["a.md"]


def test_lex_order_is_numpys_lexsort_with_ties_and_float_keys():
    import numpy as np

    from reform_archive.site.related import _lex_order

    rng = np.random.default_rng(3)
    for size in (0, 1, 7, 5_000):
        doc = np.sort(rng.integers(0, 40, size))
        word = rng.integers(0, 300, size)
        weight = rng.choice([0.5, 1.0, 1.0 + 1e-15, 2.25, np.log(3.0)], size)   # ties, and near-ties
        for keys in ((word, -weight, doc), (doc, -weight, word), (word, doc)):
            assert np.array_equal(_lex_order(*keys), np.lexsort(keys))
    # Keys too wide to pack into one int64: numpy's lexsort itself.
    big = np.array([2**40, 1, 2**40 - 1], dtype=np.int64)
    assert np.array_equal(_lex_order(big, big[::-1].copy()), np.lexsort((big, big[::-1].copy())))


def test_related_from_an_earlier_builds_word_table_equals_the_counts_computed_afresh(tmp_path):
    """Word ids of the kept table follow an earlier build's vocabulary (other words first, some
    gone); renumbered in first-seen order, the lists are those of `compute_related` itself."""
    reports, cache = tmp_path / "reports", tmp_path / "cache"
    reports.mkdir()
    texts = ["卫生院编制核定。", "卫生院编制不足。", "税费改革试点。", "税费改革与乡镇财政。", "乡镇卫生院改革。"]
    for i, text in enumerate(texts):
        _write(reports, f"r{i}.md", f"报告{i}：{text[:4]}", text * 8)
    _write(reports, "old.md", "旧报告：机构编制", "机构编制精简。" * 8)
    related_reports(load_archive(reports), cache)
    (reports / "old.md").unlink()
    _write(reports, "new.md", "新报告：卫生院税费", "卫生院税费改革。" * 8)
    archive = load_archive(reports)
    (cache / related_module.CACHE_FILE).unlink()   # the result recomputed, from the kept word table
    got = related_reports(archive, cache).by_key
    shown = sorted(archive.shown, key=lambda r: r.key)
    counts = [related_module.word_counts(r, related_module.CUTTER) for r in shown]
    expected = compute_related(counts)
    assert got == {r.key: [shown[j].key for j in expected[i]] for i, r in enumerate(shown)}
    assert any(got.values())
