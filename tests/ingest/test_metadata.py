"""Metadata on the seed. Expected values were read off the articles by a person:
篇1/2 report on work finished in 2006 (至2006年3月…已全部结束); 篇3, 4 and 6 give no usable
year (only `*年度`, `20*年`); 篇5's latest event is the 2016 adjustment; 篇7 mentions 2002 and
2005 (its bibliography's years do not count); 篇8 is about 2007."""

import pytest

from reform_archive.ingest.clean import clean_paragraphs
from reform_archive.ingest.compilation import split_compilation
from reform_archive.ingest.metadata import derive_title, extract_year, read_metadata

EXPECTED = {
    1: (2006, ""),
    2: (2006, ""),
    3: (None, "湖南省常德市"),
    4: (None, "湖南省常德市石门县"),
    5: (2016, "山东省"),
    6: (None, ""),
    7: (2005, "江西省上饶市广丰区"),
    8: (2007, "上海市"),
}


@pytest.fixture(scope="module")
def metadata(seed_text):
    compilation = split_compilation(seed_text)
    return {s.number: read_metadata(clean_paragraphs(s.text), captured_year=2022)
            for s in compilation.sections}


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_seed_year_and_region(metadata, number):
    assert (metadata[number].year, metadata[number].region) == EXPECTED[number]


def test_seed_titles_are_drawn_from_the_text_not_the_page_label(metadata):
    for number, meta in metadata.items():
        assert meta.title and "篇" not in meta.title, number
        assert len(meta.title) <= 40
    assert metadata[3].title == "在县乡党委系统文件管理工作座谈会上的讲话"
    assert metadata[4].title.startswith("石门县")
    assert metadata[6].title == "关于科技示范乡镇建设工作的通知"


def test_seed_topics(metadata):
    assert "乡镇机构改革" in metadata[1].topics and "农村税费改革" in metadata[1].topics
    assert "医疗卫生" in metadata[4].topics
    assert metadata[6].topics == ["科技工作"]
    assert "党委办公室工作" in metadata[3].topics


def test_keywords_are_words_of_the_text(metadata, seed_text):
    for meta in metadata.values():
        assert 3 <= len(meta.keywords) <= 8
        assert all(k in seed_text for k in meta.keywords)


@pytest.mark.parametrize("text, not_after, year", [
    ("2005年乡镇机构改革，至2006年3月已全部结束", None, 2006),
    ("（+发〔2004〕+=号）文件，20*年*县", None, None),
    ("自2002年以来，到2030年要实现", 2022, 2002),   # a target after the capture date is no report year
    ("上世纪90年代以来", None, None),
    ("沪委办发【2007】17号", None, None),
])
def test_extract_year(text, not_after, year):
    assert extract_year(text, not_after) == year


def test_title_from_a_title_line_at_the_top():
    assert derive_title(["关于深化乡镇机构改革的调研报告", "一、基本情况", "正文。"]) == "关于深化乡镇机构改革的调研报告"
