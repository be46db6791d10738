import re

from reform_archive.ingest.clean import clean_paragraphs, normalize_punctuation, remove_watermarks
from reform_archive.ingest.compilation import split_compilation


def test_seed_splits_into_its_eight_articles(seed_text):
    compilation = split_compilation(seed_text)
    assert [s.label for s in compilation.sections] == [f"乡镇办公室科员工作篇{n}" for n in range(1, 9)]
    assert compilation.page_title == "乡镇办公室科员工作8篇"
    assert compilation.captured == "2022-05-03"


def test_heading_pattern_is_detected_not_hard_coded():
    page = "某网站\n\n调研报告选编\n\n第1篇\n\n甲文。\n\n第2篇\n\n乙文。\n\n第3篇\n\n丙文。\n"
    compilation = split_compilation(page)
    assert [s.label for s in compilation.sections] == ["第1篇", "第2篇", "第3篇"]
    assert [s.text.strip() for s in compilation.sections] == ["甲文。", "乙文。", "丙文。"]


def test_numbers_out_of_sequence_are_not_article_headings():
    page = "标题\n\n附件2\n\n正文一。\n\n附件1\n\n正文二。\n"
    assert len(split_compilation(page).sections) == 1


def test_a_page_without_the_pattern_is_one_article():
    page = "关于某县机构改革的报告\n\n一、基本情况\n\n正文。\n"
    compilation = split_compilation(page)
    assert len(compilation.sections) == 1
    assert compilation.page_title == "关于某县机构改革的报告"


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[。；！？])", text)
    return [p.strip() for p in parts if len(p.strip()) > 4]


def test_every_sentence_of_every_article_is_kept(seed_text):
    """What the importer keeps is the raw article minus watermarks and boilerplate, with
    punctuation normalised: every sentence of the raw text is found in the cleaned text."""
    for section in split_compilation(seed_text).sections:
        cleaned = "\n".join(clean_paragraphs(section.text))
        raw = normalize_punctuation(remove_watermarks(section.text))
        raw = re.sub(r"([，、])\1+", r"\1", raw)
        # The page's trailing chrome (推荐期刊, an empty 参考文献:) is all that may go.
        raw = re.sub(r"(参考文献：|推荐期刊|\s)*$", "", raw)
        for line in raw.split("\n"):
            for sentence in _sentences(line):
                assert sentence in cleaned, f"{section.label}: lost sentence {sentence!r}"


def test_a_numbered_run_deep_inside_one_text_does_not_split_it():
    """A provincial work report ends with `附件1` … `附件2`; a congress report has a chart's
    `CPC 1` `CPC 2`: found by the corpus benchmark, they split one report in two."""
    body = "\n".join(f"第{n}段正文，内容较长，讲述工作情况。" for n in range(40))
    text = f"政府工作报告\n各位代表：\n{body}\n附件1\n名词解释一\n附件2\n名词解释二\n"
    compilation = split_compilation(text)
    assert len(compilation.sections) == 1
