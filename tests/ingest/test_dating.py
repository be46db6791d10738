"""Year rules on short excerpts of the corpus's national documents (../shared/corpus)."""

import pytest

from reform_archive.language.chinese import normalize_chinese, to_simplified
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
def test_national_documents_are_about_the_whole_country(text):
    """Before: 48 national work reports were placed in 香港特别行政区 and similar; then they got
    no region; now their region is the whole country, 全国 (issue 12)."""
    assert meta(text).region == "全国"


def test_normalisation_for_extraction():
    assert normalize_chinese("二〇二六年一月二十七日 １９５６年 全國") == "2026年1月27日 1956年 全国"
    assert to_simplified("政府工作報告") == "政府工作报告"


@pytest.mark.parametrize("text, year", [
    # 1987 report: names its own year more than the one it reviews, and plans for it
    ("各位代表：\n1986年是开始执行第七个五年计划并取得显著成就的一年。过去一年里取得了成绩。\n"
     "国务院确定1987年经济体制改革的主要任务是增强企业活力。1987年要继续促进横向联合。"
     "1987年，我们要继续扩大对外开放。今年的改革要稳妥。今年要发展市场。1985年经济过热。", 1987),
    # 1964 report, as a press summary: a span that ends now
    ("周恩来总理在报告中首先指出，从第二届全国人民代表大会第一次会议以来，取得了伟大胜利。\n"
     "周总理说，从一九五九年到现在的五年的事实进一步证明，社会主义革命是推动我国社会前进的伟大动力。"
     "为一九六六年开始的第三个五年计划作好准备。", 1964),
    # a central committee's report that names the congress it looks back on
    ("同志们：\n我代表中央委员会向大会作报告。\n党的十五大以来，我们走过了不平凡的历程。", 2002),
    ("现在我代表中央委员会作关于上届代表会议\n[\n1\n]\n以来的工作报告。\n"
     "在上届代表会议上，我们同意了决议。\n关于第二次代表会议上决定的“民权”运动，各地都成立了同盟。", 1923),
    # a communist group's report to the founding congress
    ("同志们，北京共产主义组织仅仅是在十个月以前才产生的。我们感到非常遗憾，在此次代表大会上，"
     "不能向你们谈更多的经验。\n这次成立大会应当具体地解决摆在我们面前的一切任务。", 1921),
])
def test_report_year_from_indirect_statements(text, year):
    assert meta(text).year == year


@pytest.mark.parametrize("text", [
    # a national text's latest year is a plan's target: before, 1966 for the 1964 report
    "周恩来总理在报告中提出了今后发展国民经济的任务。为一九六六年开始的第三个五年计划作好准备。",
    # a government work report looking back on a party congress is not a report to the next one
    "各位代表：\n党的十五大以来，改革取得重大进展。今年要继续深化改革。今年还要扩大开放。",
    # a congress named as this one is not the one looked back on
    "我代表中央委员会作关于上届代表大会以来的工作报告。这次第三次代表大会通过的决议。",
])
def test_no_year_when_the_text_does_not_say(text):
    assert meta(text).year is None


def test_a_work_report_speaking_for_the_country_is_national():
    """Before: the 1985 report, whose opening does not say who speaks, was placed in 大城县 (by
    `大城市`) and, without that, in 香港 (`解决了香港问题`)."""
    text = ("各位代表：\n刚刚过去的1984年，是我国各族人民取得伟大成就的一年。经过同英国政府的平等协商，"
            "终于圆满地解决了香港问题。" + "全国经济发展，我国国际地位提高。" * 5
            + "\n国务院决定：今年的改革要继续把经济搞活。")
    assert meta(text).region == "全国"


def test_a_local_work_report_keeps_its_region():
    text = ("各位代表：\n过去一年，全省经济稳步发展，我省在全国率先完成改革。" + "我国经济回升向好，全国统一大市场。" * 5
            + "湖南省常德市发展加快。")
    assert meta(text).region == "湖南省常德市"
