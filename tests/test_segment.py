"""rjieba (jieba-rs) must cut exactly as jieba does, HMM off, with the archive's dictionary: the
search index counts whole words with rjieba, and its meaning is jieba's cut."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reform_archive.search.normalize import normalize_text
from reform_archive.language.segment import PlainCutter, segmenter
from tests.conftest import REPO


def jieba_cut(text: str) -> list[str]:
    return list(segmenter.tokenizer.cut(text, HMM=False))


def _repository_texts() -> dict[str, str]:
    paths = sorted((REPO / "reports").glob("*.md")) + sorted((REPO / "reports" / "_sources").glob("*.txt"))
    assert len(paths) >= 9
    return {path.name: path.read_text(encoding="utf-8") for path in paths}


@pytest.fixture(scope="module")
def cutter() -> PlainCutter:
    cutter = segmenter.plain_cutter()
    assert cutter.fast, "rjieba is a dependency (pyproject.toml): install it"
    return cutter


@pytest.mark.parametrize("normalised", [False, True], ids=["as-written", "normalised"])
def test_rjieba_cuts_the_repositorys_reports_as_jieba_does(cutter, normalised):
    for name, text in _repository_texts().items():
        if normalised:
            text = normalize_text(text)
        ours, theirs = cutter(text), jieba_cut(text)
        if ours != theirs:
            at = next(i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b)
            pytest.fail(f"{name}: rjieba {ours[at - 3 : at + 4]} != jieba {theirs[at - 3 : at + 4]}")
        assert len(ours) == len(theirs), name


@pytest.mark.parametrize("text", [
    # Two cuts of equal probability (乡+乡乡, 乡乡+乡), rounded apart by the rest of the text:
    # with the dictionaries' totals unequal, these two fall the other way in jieba-rs.
    "(c乡乡乡县中费南%", "人人人县湖院院了镇人", "乡乡乡", "省省省石门县县县",
    # Characters jieba-rs reads as Chinese and jieba does not (extension A, U+9FD6…, plane 2).
    "人人人鿖y", "㐀乡镇机构改革㐁", "乡镇𠀀𠀁卫生院", "乡乡乡\u9fd6乡乡乡",
])
def test_ties_and_rare_characters_fall_as_in_jieba(cutter, text):
    assert cutter(text) == jieba_cut(text)


ALPHABET = list("乡镇机构改革税费卫生院编制石门县湖南省的了和在是中国人民") + list("abcXYZ019 .%+#&_-:：，。、（）") + [
    "㐀", "𠀀", "鿿", "\u9fd6", "é", "ß", "Ⅻ", "\u3000", "\n", "\t", "豈"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=24))
def test_rjieba_cuts_any_text_as_jieba_does(cutter, text):
    assert cutter(text) == jieba_cut(text)


def test_without_rjieba_jieba_cuts_the_same(monkeypatch):
    monkeypatch.setitem(sys.modules, "rjieba", None)   # `import rjieba` raises ImportError
    slow = PlainCutter(segmenter.user_dictionary())
    assert not slow.fast
    text = normalize_text(_repository_texts()["石门县乡镇医院基本情况.md"])
    assert slow(text) == jieba_cut(text) == segmenter.plain_cutter()(text)
