"""Year rules on short excerpts of the corpus's national documents (../shared/corpus)."""

import pytest

from reform_archive.ingest.chinese import normalize_chinese, to_simplified
from reform_archive.ingest.metadata import read_metadata


def meta(text: str, **kwargs):
    return read_metadata([p for p in text.split("\n") if p.strip()], **kwargs)


@pytest.mark.parametrize("text, year", [
    # 2025 report: reviews 2024 at length; its own year only in the plan heading
    ("各位代表：\n现在，我代表国务院，向大会报告政府工作。\n一、2024年工作回顾\n2024年是实现目标的关键一年。"
     "2024年国内生产总值增长5%。\n二、2025年经济社会发展总体要求和政策取向", 2025),
    # 2025 resolution: the session it was adopted at
    ("第十四届全国人民代表大会第三次会议听取和审议了国务院总理李强所作的政府工作报告。同意报告提出的"
     "2025年经济社会发展的总体要求。", 2025),
    # 1954 report, traditional characters
    ("各位代表：\n我們第一屆全國人民代表大會第一次會議，在聽了關於憲法草案的報告以後，完成了歷史性的工作。", 1954),
    # 1985 report, full-width digits
    ("各位代表：\n刚刚过去的１９８４年，是我国各族人民取得伟大成就的一年。", 1985),
    # 1981: a meeting dated relative to now
    ("各位代表：\n从去年9月第五届全国人民代表大会第三次会议到现在，已经过去了一年零两个月。", 1981),
    # 1998: 以来的五年
    ("各位代表：\n一、关于过去五年的政府工作\n第八届全国人民代表大会第一次会议以来的五年，我国各族人民解放思想。", 1998),
    # party congress reports
    ("同志们：\n现在，我代表中国共产党第十一届中央委员会，向党的第十二次全国代表大会作报告。", 1982),
    ("同志们：\n我受十二届中央委员会委托，向大会作报告。\n党的第十二次全国代表大会，坚持和发展了路线。", 1987),
    # a work report that speaks of 今年 and names mostly last year
    ("各位代表：\n从今年开始，我国将实施新世纪第一个五年计划。做好今年的工作很重要。\n2000年，国内生产总值增长8%。"
     "2000年财政收入增加。到2010年实现翻番。", 2001),
])
def test_report_year(text, year):
    assert meta(text).year == year


def test_a_target_year_is_not_the_report_year():
    """Before: the latest year, 2030, was taken for the 2026 reports (`到2030年`)."""
    text = "各位代表：\n一、2025年工作回顾\n到2030年，基本实现现代化。"
    assert meta(text).year == 2026


@pytest.mark.parametrize("text", [
    "各位代表：\n现在，我代表国务院，向大会报告政府工作。香港、澳门保持繁荣稳定，浦东新区开发开放。",
    "第十四届全国人民代表大会第三次会议听取和审议了政府工作报告。",
    "同志们：\n现在，我代表第十九届中央委员会向大会作报告。北京、上海、广州等地。",
])
def test_national_documents_get_no_region(text):
    """Before: 48 national work reports were placed in 香港特别行政区 and similar."""
    assert meta(text).region == ""


def test_normalisation_for_extraction():
    assert normalize_chinese("二〇二六年一月二十七日 １９５６年 全國") == "2026年1月27日 1956年 全国"
    assert to_simplified("政府工作報告") == "政府工作报告"
