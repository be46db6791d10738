import re
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from reform_archive.ingest.clean import (
    _CJK, _NUMERAL, _convert_parentheses, clean_paragraphs, escape_markdown, heading_level,
    normalize_punctuation, to_markdown,
)
from reform_archive.ingest.compilation import split_compilation
from reform_archive.ingest.importer import articles_from_source


@pytest.fixture(scope="module")
def cleaned(seed_text):
    return {s.number: "\n".join(clean_paragraphs(s.text)) for s in split_compilation(seed_text).sections}


def test_watermark_removed_everywhere_even_inside_words(cleaned):
    assert all("版权所有" not in text for text in cleaned.values())
    # 篇1 has the watermark inside 工作方式 (`转变工版权所有!作方式`).
    assert "转变工作方式" in cleaned[1]


def test_site_boilerplate_removed(cleaned):
    text = "\n".join(cleaned.values())
    for chrome in ("线上期刊服务咨询", "400-808-1701", "时间:2022-05-03", "2022-05-03 12:20:39", "推荐期刊"):
        assert chrome not in text
    assert not cleaned[8].rstrip().endswith("参考文献：")


def test_non_empty_references_are_kept(cleaned):
    assert "参考文献" in cleaned[7]
    assert "上海三联书店" in cleaned[7]


@pytest.mark.parametrize("raw, expected", [
    ("现就涉及编办的改革试点工作总结如下:", "现就涉及编办的改革试点工作总结如下："),
    ("精简10%,实有人员由++人减为++人", "精简10%，实有人员由++人减为++人"),
    ("(一)完成乡镇撤并任务情况", "（一）完成乡镇撤并任务情况"),
    ("(+发〔2004〕+=号)文件精神", "（+发〔2004〕+=号）文件精神"),
    ("是否到位?如何解决;", "是否到位？如何解决；"),
    ("政事、政企得到分开,,以前", "政事、政企得到分开，以前"),
    ("收入5005.69万元", "收入5005.69万元"),
    ("时间 12:20:39 与 1,000 元", "时间 12:20:39 与 1,000 元"),
    ("see (Smith, 2004) here", "see (Smith, 2004) here"),
])
def test_half_width_punctuation_in_chinese_becomes_full_width(raw, expected):
    assert normalize_punctuation(raw) == expected


@pytest.mark.parametrize("line, level", [
    ("一、工作完成情况", 2),
    ("（一）完成乡镇撤并任务情况：", 3),
    ("1.这是一件规范性的工作。", 4),
    ("2.3.2人员性质繁多，人事管理困难。", 4),
    ("（一）机构设置情况。2008年镇级机构改革后，我区乡镇统一设置了党政工作机构4个", None),
    ("1、内设机构。石门县乡镇卫生院一般设有办公室、财务室", None),
    ("2008年镇级机构改革后", None),
])
def test_outline_numbering_becomes_headings(line, level):
    assert heading_level(line) == level


def test_markdown_output_has_headings_and_paragraphs():
    md = to_markdown(["开头一段。", "一、工作完成情况", "（一）完成情况：", "正文。"])
    assert md == "开头一段。\n\n## 一、工作完成情况\n\n### （一）完成情况\n\n正文。\n"


def test_plain_text_stays_plain():
    # `*年度 … *县` must not turn into emphasis, nor `<script>` into markup.
    assert escape_markdown("*年度，*县") == r"\*年度，\*县"
    assert escape_markdown("<script>alert(1)</script>") == r"&lt;script\>alert(1)&lt;/script\>"
    assert escape_markdown("# 不是标题") == r"\# 不是标题"


# Markdown as the site renders it (mkdocs.yml's extensions), and the text a reader then sees.
_SITE_MARKDOWN = markdown.Markdown(extensions=["toc", "tables", "attr_list", "md_in_html"])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _shown(markdown_text: str) -> tuple[str, str]:
    html = _SITE_MARKDOWN.reset().convert(markdown_text)
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip(), html


_PIECES = ["<", ">", "&", "&copy;", "&#65;", "&lt;", "{: #__config }", "{", "}", "*", "_", "`", "[",
           "]", "(", ")", "!", "#", "-", "+", "=", "|", "\\", ".", "1.", "<b>", "</p>", "<!-- x -->",
           "[x](y)", "![x](y)", "<http://x.y>", "中文", "编制", "a", "2006", "：", " "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join))
@example("工资\u003c3000元的人员 & 编制<5人")
@example("=数字")
@example("1. <")   # `\1.` showed its backslash: a digit has no escape, the period has
@example("&#1.")   # a numeric reference without its `;` showed as the character
@example("&#x41 x")
def test_escaped_text_is_shown_as_it_was(line):
    """What the importer writes shows on the page as the page had it: `<` once showed as `\\<`."""
    line = " ".join(line.split())
    assume(line)
    shown, html = _shown(escape_markdown(line))
    assert shown == line, html


def test_an_attribute_list_in_an_imported_outline_line_is_text():
    """`{: #x }` at the end of a heading is an attribute list to Markdown; in an imported page
    it is text. (The heading's id, made from its text, is prefixed on the page: test_build.)"""
    shown, html = _shown(to_markdown(["一、情况 {: #__config }"]))
    assert shown == "一、情况 {: #__config }" and html.startswith("<h2"), html


def _old_convert_parentheses(text: str) -> str:
    """The conversion as it was before issue 17 (quadratic, and it turned the text's own NUL
    and \\x01 into parentheses): the reference for its output on every other text."""
    pair = re.compile(r"\(([^()\n]*)\)")

    def convert(match: re.Match) -> str:
        inner = match.group(1)
        start, end = match.span()
        around = text_now[max(0, start - 1):start] + text_now[end:end + 1]
        if re.search(f"[{_CJK}]", inner + around) or re.fullmatch(rf"[{_NUMERAL}\d]+", inner):
            return f"（{inner}）"
        return f"\x00{inner}\x01"

    text_now = text
    while True:
        new = pair.sub(convert, text_now)
        if new == text_now:
            break
        text_now = new
    return text_now.replace("\x00", "(").replace("\x01", ")")


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("((()))  \n中文ab12一二,，（）٣"), max_size=30))
@example("see (Smith, 2004) here")
@example("(a)(中)((b))(1)(١)()中()")
def test_parentheses_are_converted_as_before(text):
    assert _convert_parentheses(text) == _old_convert_parentheses(text)


def test_nul_and_control_characters_never_become_parentheses(tmp_path):
    assert normalize_punctuation("a\x00b\x01c") == "a\x00b\x01c"
    page = tmp_path / "page.txt"
    page.write_text("某县工作总结\n全县乡镇机构改革工作\x00总结\x01如下(见附件)，A\x01B\x00C，各项工作进展顺利。\n",
                    encoding="utf-8")
    report, = articles_from_source(page)
    assert report.body == "全县乡镇机构改革工作总结如下（见附件），ABC，各项工作进展顺利。\n"


def test_wikisource_licence_box_is_dropped():
    """Found by the corpus benchmark: the licence's `1931年` became the year of a 1921 report."""
    from reform_archive.ingest.clean import clean_paragraphs

    text = ("同志们，北京共产主义组织仅仅是在十个月以前才产生的。\n这次成立大会应当具体地解决任务。\n"
            "这部作品在1931年1月1日以前以匿名或别名发表，确实作者身份不明（包括仅以法人名义发表），在\n"
            "美国\n以及版权期限是\n匿名别名作品发表起95年\n以下的国家以及地区属于\n公有领域\n。\n"
            "Public domain\nPublic domain\nfalse\nfalse\n")
    assert clean_paragraphs(text) == ["同志们，北京共产主义组织仅仅是在十个月以前才产生的。",
                                      "这次成立大会应当具体地解决任务。"]


def test_forum_jammer_is_removed_and_text_that_looks_alike_is_not():
    """A Discuz forum's anti-copy jammer (benchmarks/wild/29): random ASCII tokens on a line of
    their own or run into the start of a line of text."""
    from reform_archive.ingest.clean import remove_watermarks

    text = "/ ]& ]9 B) y) v' S\n3 V\" z ]5 Q9 q0 w; p调研文章又叫调查研究报告。\n; I' j- v, a L% y\" h- G7 ]一、写法"
    assert remove_watermarks(text) == "\n调研文章又叫调查研究报告。\n一、写法"
    for kept in ("1 2 3 4 5 6", "A B C D 组", "5 . 3 % 增长", "GDP 2 . 3 万亿"):
        assert remove_watermarks(kept) == kept
