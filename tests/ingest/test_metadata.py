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


from reform_archive.ingest.metadata import ArticleContext, subject_title  # noqa: E402


def _meta(text: str, **context):
    return read_metadata([p for p in text.split("\n") if p.strip()], context=ArticleContext(**context))


@pytest.mark.parametrize("text, region", [
    # a document the text follows says where it is (seed 篇5)
    ("根据《山东省乡镇分类办法和机构编制核定标准》相关规定，从严核定了乡镇编制。", "山东省"),
    # a document given as an example does not (benchmarks/wild/29: before, 湖北省)
    ("调研文章的标题有两类。例如：《湖北省基层党建工作的现状调查》就是单标题。", ""),
    # a place inside a company's name is where it is registered (before, 北京市)
    ("北京华夏智联科技有限公司中标了全县的智慧政务项目，县委编办负责验收。", ""),
    # visitors' home town is not where the text is (benchmarks/wild/04, constructed c10)
    ("湖北省宜昌市考察团一行十二人莅临我县考察。考察团来到祁阳市文明铺镇。祁阳市委常委表示欢迎。", "湖南省永州市祁阳市"),
])
def test_region_is_the_place_the_text_is_about(text, region):
    assert _meta(text).region == region


def test_national_issuer_in_the_title_is_the_whole_country():
    assert _meta("为巩固改革成果，现就有关事项通知如下。", title="国务院办公厅关于进一步加强乡镇机构编制管理的通知").region == "全国"
    assert _meta("为巩固改革成果，现就有关事项通知如下。", title="国务院关于同意湖南省调整部分行政区划的批复").region == "湖南省"


@pytest.mark.parametrize("text, published, year", [
    ("今天，政协第五届委员会第一次会议隆重开幕。2018年以来，政协围绕中心工作。", "2022-02-11", 2022),  # wild/10
    ("1-10月，全县固定资产投资完成246.79亿元。", "2016-11-22", 2016),   # wild/03: no year in the text
    ("2022年伊始，自治区决定延续政策，预计到2025年末减负180亿元。", "2022-02-11", 2022),  # wild/12: 2025 is a target
    ("近日，工信部发布2021年度绿色制造名单。", "2022-02-13", 2022),   # wild/14: a news item of its day
    ("全年实现生产总值262.6亿元，增长5.3％。", "", None),           # no date on the page, none in the text
])
def test_year_of_a_dated_page(text, published, year):
    assert _meta(text, published=published).year == year


def test_title_year_and_a_collection_does_not_date_its_articles():
    assert _meta("全年实现生产总值262.6亿元。", title="万载县2022年国民经济和社会发展统计公报").year == 2022
    # a 范文 site's upload date is not the date of the texts it re-posts (the seed's 篇3, 4, 6)
    assert _meta("今年以来，我镇推进改革。", published="2022-05-03", in_compilation=True).year is None


@pytest.mark.parametrize("sentence, title", [
    ("秦州區融媒體中心5月9日訊 5月9日,秦州區關子鎮舉行了機構改革揭牌儀式。", "秦州區關子鎮舉行機構改革揭牌儀式"),
    ("根据《通知》要求，上海市N区在2007年下半年开展了乡镇机构改革。", "上海市N区乡镇机构改革"),
    ("备受关注的山东省济南市政府机构改革再有新进展。", "山东省济南市政府机构改革"),
])
def test_subject_title_from_a_first_sentence(sentence, title):
    assert subject_title(sentence) == title


def test_a_subject_without_a_place_gives_way_to_the_collections_title():
    """benchmarks/wild/19: `…说明书篇1⑴熟识…`; before, the first clause was the title."""
    paragraphs = ["⑴熟识本组范围内的全部业务和学问；", "⑵熟悉店内各部门的职能。"]
    assert derive_title(paragraphs, fallback="酒店前台接待岗位说明书") == "酒店前台接待岗位说明书"
