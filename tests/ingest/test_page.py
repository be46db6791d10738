"""Provincial pages (excerpts of the 2026 reports in ../shared/corpus, kept small here)."""

from pathlib import Path

import pytest

from reform_archive.ingest.importer import articles_from_source
from reform_archive.ingest.page import read_speech_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
TOOLBAR = ("下载", "打印", "全屏", "收藏", "【字号：", "加大", "还原", "减小")

GUANGDONG = """政府工作报告
——2026年1月26日在广东省第十四届
人民代表大会第五次会议上
广东省省长 孟凡利
各位代表：
现在，我代表省人民政府，向大会报告工作，请予审议。
"""
GANSU = """下载
2026年甘肃省政府工作报告
——二〇二六年一月二十七日在甘肃省十四届
来源：甘肃日报
时间：2026-02-10
任振鹤作政府工作报告。新甘肃·甘肃日报记者 盛学卿 摄
各位代表：
现在，我代表省人民政府，向大会报告工作。
"""
SICHUAN = """2026年四川省人民政府工作报告
2026年02月10日 07时41分
来源:
四川日报
【字体：
大
中
小
】
分享：
2026年2月3日在四川省第十四届人民代表大会第五次会议上
四川省人民政府省长 施小琳
各位代表：
过去一年，面对复杂严峻形势，我们做了以下工作。
打印本页
关闭窗口
2026年四川省人民政府工作报告
各位代表：过去一年，面对复杂严峻形势，我们做了以下工作。
"""


def test_provincial_page_comes_out_clean():
    report, = articles_from_source(FIXTURES / "hunan_2026_page.txt")
    for word in TOOLBAR + ("来源：", "时间：", "摄", "相关报道", "毛伟明"):
        assert word not in report.body, word
    assert report.body.startswith("各位代表：")
    assert report.title == "2026年湖南省政府工作报告"
    assert (report.year, report.date, report.region) == (2026, "2026-02-03", "湖南省")
    assert report.source["meeting"] == "湖南省第十四届人民代表大会第四次会议"
    assert report.source["outlet"] == "湖南日报" and report.source["captured"] == "2026-02-24"
    assert "政府工作报告" in report.topics


@pytest.mark.parametrize("page, date, meeting, outlet, published", [
    (GUANGDONG, "2026-01-26", "广东省第十四届人民代表大会第五次会议", "", ""),
    (GANSU, "2026-01-27", "", "甘肃日报", "2026-02-10"),
    (SICHUAN, "2026-02-03", "四川省第十四届人民代表大会第五次会议", "四川日报", "2026-02-10"),
])
def test_header_variants(page, date, meeting, outlet, published):
    """The date line split over two lines, in Chinese numerals, without its dash; the outlet
    on the line after `来源:`."""
    header = read_speech_page(page).header
    assert (header.date, header.meeting, header.outlet, header.published) == (date, meeting, outlet, published)


def test_what_follows_the_page_end_is_dropped():
    body = read_speech_page(SICHUAN).body
    assert "打印本页" not in body and body.count("各位代表") == 1


def test_a_page_without_a_salutation_is_not_a_speech():
    assert read_speech_page("关于乡镇机构改革的调研报告\n一、基本情况\n全县共有乡镇19个。\n") is None


def test_html_and_docx_give_the_same_report_as_the_text_page():
    """A saved .html page (trafilatura drops the navigation, toolbar and footer) and a .docx."""
    text, = articles_from_source(FIXTURES / "hunan_2026_page.txt")
    for name in ("hunan_2026_page.html", "hunan_2026_report.docx"):
        report, = articles_from_source(FIXTURES / name)
        assert report.body == text.body, name
        assert (report.title, report.year, report.region, report.date) == (
            text.title, text.year, text.region, text.date)
        assert "首页" not in report.body and "网站标识码" not in report.body


def test_markdown_source_loses_its_front_matter(tmp_path):
    source = tmp_path / "note.md"
    source.write_text("---\ntitle: x\n---\n\n石门县乡镇卫生院调研\n全县共有卫生院19个，编制核定工作已完成。\n",
                      encoding="utf-8")
    report, = articles_from_source(source)
    assert "title:" not in report.body and "19个" in report.body


def test_a_salutation_with_a_zero_width_joiner_is_a_salutation():
    """The 2015 report opens `各位代表：\\u200d`; before, that line was read as a title."""
    from reform_archive.ingest.page import SALUTATION

    assert SALUTATION.match("各位代表：\u200d") and SALUTATION.match("同志们！\u200b")
