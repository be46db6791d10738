"""Splitting a compilation page (several articles under one page title) into its articles.

Compilations are recognised by their structure, whatever the site: a run of article headings
numbered 1, 2, 3 … in order, in one of the styles sites use —

* the collection's title with a number: `乡镇办公室科员工作篇1`, `酒店前台接待岗位说明书篇2`,
  `代理记账公司绩效考核方案1`, `工资管理系统设计(一)`, also run into the text after it
  (`…说明书篇1⑴熟识本组…`);
* a marker with or without the article's own title: `第一篇：…`, `【篇一】…`, `篇1 …`, `范文一：…`,
  with the collection's title in front or not;
* outline-style headings, `（一）标题`, `1、标题`, `一、标题`: these are also how an article
  numbers its own sections (`一、工作完成情况` is not a new article), so they split a page only
  when the page says it is a collection of that many articles (`…3篇`, `(通用3篇)`), or when
  three or more of them open the page and each names a document (`…工作总结`, `…调研报告`).

Lines are matched in one spelling (full-width forms folded, traditional characters simplified:
chrome.matching_form), so `第一篇：`, `第一篇:` and `第一篇：` in a traditional page are one style.
A compilation's first heading comes at its top: a numbered run deep inside one long text
(`附件1` `附件2`, a chart's `CPC 1` `CPC 2`) is part of it. A page whose title says it is a
collection (`…十篇`) but shows only the first article is one article, without the
collection's heading and intro. A page without any of this is one article.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..language.chrome import matching_form
from .clean import is_boilerplate, remove_watermarks

_CAPTURE_DATE = re.compile(r"^(?:时间|发布时间|日期)\s*[:：]\s*(\d{4}-\d{1,2}-\d{1,2})")
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_N = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
MAX_HEADING_LINE = 60
# A compilation's first article starts right under the page title and date; a numbered run
# deep inside one long text (`附件1` `附件2`, a figure's `CPC 1` `CPC 2`) is part of it.
MAX_PREAMBLE_LINES = 12
MIN_UNDECLARED_OUTLINE_ARTICLES = 3

# `乡镇办公室科员工作8篇`, `酒店前台接待岗位说明书(通用3篇)`, `…范文（精选5篇）`, `…合集`: a collection.
_COUNT_WORDS = r"通用|精选|优选|精品|汇总|合集|实用|推荐|优秀|热门|最新|经典|精华|集锦|必备|范文|参考|精编|优质"
COLLECTION_TITLE = re.compile(
    rf"^(?P<stem>.{{2,40}}?)\s*(?:[(（【\[]\s*(?:{_COUNT_WORDS})?\s*(?P<n1>{_N})\s*篇\s*[)）】\]]"
    rf"|(?:{_COUNT_WORDS})?(?P<n2>{_N})\s*篇(?:范文|模板|合集|汇总|精选|大全)?)")
_SAMPLE_WORDS = re.compile(r"(?:范文|模板|例文|大全|精选|汇编|合集)+$")
COLLECTION_WORDS = re.compile(r"(?:范文|汇编|合集|文集|精选)(?:大全)?\s*$")

# Article-heading markers; `num` is the article's number, `title` its own title (may be empty).
_SEP = r"\s*[:：.．、\-—－]*\s*"
STRONG_MARKERS = {
    "第N篇": rf"第\s*(?P<num>{_N})\s*篇",
    "【篇N】": rf"[【\[]\s*(?:第\s*)?(?:篇\s*)?(?P<num>{_N})\s*(?:篇\s*)?[】\]]",
    "篇N": rf"篇\s*(?P<num>{_N})",
    "范文N": rf"(?:精选|优秀|参考|经典|推荐)?范文\s*(?P<num>{_N})",
}
OUTLINE_MARKERS = {
    "(N)": rf"\(\s*(?P<num>{_N})\s*\)",
    "N、": rf"(?P<num>{_N})\s*[、．]|(?P<num2>\d{{1,2}})\.(?!\d)",
}
# An outline heading names a document when it ends like one (`…工作总结`, `…调研报告`).
DOCUMENT_ENDING = re.compile(
    r"(?:总结|报告|讲话|讲话稿|发言|发言稿|致辞|方案|计划|规划|通知|决定|决议|办法|细则|条例|纪要|调研|心得|体会|心得体会"
    r"|演讲稿|讲稿|汇报|述职|说明书|范文|公告|通告|公报|批复|简报|论文)$")
_NOT_HEADING = re.compile(r"[。；;！!？?]")


@dataclass(frozen=True)
class Section:
    label: str        # the heading as on the page, e.g. 乡镇办公室科员工作篇1, 第一篇：调研报告
    number: int       # 1-based position in the compilation
    text: str         # raw text of the article, heading excluded
    title: str = ""   # the heading's own title (`调研报告` of `第一篇：调研报告`), "" when it has none


@dataclass(frozen=True)
class Compilation:
    page_title: str          # the collection's title, as on the page
    captured: str            # the page's own date (YYYY-MM-DD), not the report's year
    sections: list[Section]
    stem: str = ""           # the collection's subject: its title without the count
    declared: int = 0        # how many articles the title says it holds (0: it does not say)

    @property
    def is_compilation(self) -> bool:
        """Whether article headings were found (a page that says it is a collection but shows
        no heading is one article)."""
        return bool(len(self.sections) > 1 or self.sections and self.sections[0].label)


@dataclass
class _Heading:
    index: int        # line
    start: int        # offset in the line where the heading starts (0 unless run in)
    end: int          # offset where the article's text starts
    number: int
    label: str
    title: str
    strong: bool


@dataclass
class _Family:
    headings: list[_Heading] = field(default_factory=list)
    strong: bool = False


def number_value(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    try:
        if token == "十":
            return 10
        if token.startswith("十"):
            return 10 + _CN_NUM[token[1]]
        if token.endswith("十"):
            return _CN_NUM[token[0]] * 10
        if len(token) == 3:
            return _CN_NUM[token[0]] * 10 + _CN_NUM[token[2]]
        if len(token) == 1:
            return _CN_NUM[token]
    except (KeyError, IndexError):
        return None
    return None


def read_collection_title(line: str) -> tuple[str, int] | None:
    """(stem, declared count) of a collection's title line, or None. The count may be 0 when
    the title only says it is a collection (`…范文大全`)."""
    form = matching_form(remove_watermarks(line))
    match = COLLECTION_TITLE.match(form)
    if match:
        stem = _SAMPLE_WORDS.sub("", match.group("stem").strip(" -—:："))
        count = number_value(match.group("n1") or match.group("n2")) or 0
        if count >= 2 and not _NOT_HEADING.search(stem):
            return _original_prefix(line, stem), count
    if len(form) <= 40 and COLLECTION_WORDS.search(form) and not _NOT_HEADING.search(form):
        return _original_prefix(line, COLLECTION_WORDS.sub("", form).strip()), 0
    return None


def _original_prefix(line: str, stem_form: str) -> str:
    """The stem as spelt on the page (traditional characters, pinyin insertions kept)."""
    text = remove_watermarks(line).strip()
    for end in range(len(stem_form), len(text) + 1):
        if matching_form(text[:end]) == stem_form:
            return text[:end].strip()
    return stem_form


def split_compilation(text: str) -> Compilation:
    lines = text.split("\n")
    preamble_limit = _preamble_limit(lines)
    stem, declared, title_line = _declared_collection(lines[:preamble_limit + 1])
    headings, prefix = _choose_family(lines, stem, declared, preamble_limit)
    if prefix:
        stem = prefix  # `春节乡镇工作总结1`, `乡镇年终工作总结 篇1`: the headings' common title
    preamble_end = headings[0].index if headings else len(lines)
    page_title, captured = _read_preamble(lines[:preamble_end])
    if title_line:
        page_title = title_line
    if not headings:
        return Compilation(page_title, captured, [Section("", 1, text)], stem, declared)
    sections = []
    for n, heading in enumerate(headings):
        following = headings[n + 1] if n + 1 < len(headings) else None
        first = lines[heading.index][heading.end:]
        if following is not None and following.index == heading.index:
            body = first[: following.start - heading.end]
        else:
            stop = following.index if following else len(lines)
            tail = lines[heading.index + 1 : stop]
            if following is not None and following.start:
                tail.append(lines[following.index][: following.start])
            body = "\n".join(([first] if first.strip() else []) + tail)
        sections.append(Section(heading.label, n + 1, body, heading.title))
    return Compilation(page_title, captured, sections, stem, declared)


def _preamble_limit(lines: list[str]) -> int:
    """The index of the line up to which a first heading may come: MAX_PREAMBLE_LINES non-empty
    lines, the first of them a page title."""
    seen = 0
    for i, line in enumerate(lines):
        if line.strip():
            seen += 1
            if seen > MAX_PREAMBLE_LINES:
                return i
    return len(lines)


def _declared_collection(lines: list[str]) -> tuple[str, int, str]:
    """(stem, count, title line) of the collection the top of the page names, if any."""
    for line in lines:
        if not line.strip() or is_boilerplate(line):
            continue
        found = read_collection_title(line)
        if found:
            stem, count = found
            # The title as on the page: the line up to the count (a run-in article follows it).
            form = matching_form(line)
            match = COLLECTION_TITLE.match(form)
            title = line.strip() if not match or match.end() >= len(form) else _original_prefix(line, form[: match.end()])
            return stem, count, title
    return "", 0, ""


def _headings(lines: list[str], stem: str) -> dict[tuple, _Family]:
    families: dict[tuple, _Family] = defaultdict(_Family)
    stem_form = matching_form(stem) if stem else ""
    for index, raw in enumerate(lines):
        line = remove_watermarks(raw)
        if not line.strip():
            continue
        if stem:
            for heading in _run_in_headings(index, line, stem):
                families[("stem", stem)].headings.append(heading)
                families[("stem", stem)].strong = True
        form = matching_form(line)
        if len(form) > MAX_HEADING_LINE:
            continue
        for kind, marker in list(STRONG_MARKERS.items()) + list(OUTLINE_MARKERS.items()):
            match = re.match(rf"^(?P<prefix>.{{0,30}}?){_SEP}(?:{marker}){_SEP}(?P<title>.*)$", form)
            if not match:
                continue
            prefix, title = match.group("prefix").strip(), match.group("title").strip()
            strong = kind in STRONG_MARKERS
            if kind == "篇N" and prefix and not title:
                pass  # `乡镇办公室科员工作篇1`: the collection's title and a number
            elif prefix and (not strong or _NOT_HEADING.search(prefix)):
                continue
            if _NOT_HEADING.search(title[:-1]) or kind in OUTLINE_MARKERS and not title:
                continue
            number = number_value(match.group("num") or match.groupdict().get("num2") or "")
            if number is None:
                continue
            if stem_form and prefix == stem_form and title == "":
                key = ("stem", stem)
            else:
                key = (kind, prefix)
            families[key].strong = families[key].strong or strong or key[0] == "stem"
            families[key].headings.append(_Heading(index, 0, len(raw), number, raw.strip(),
                                                   _original_title(raw, title), strong))
            break
        else:
            # `代理记账公司绩效考核方案1`, `第1篇`: a title and a number, nothing else.
            bare = re.match(rf"^(?P<prefix>.{{1,40}}?)(?P<num>{_N})$", form)
            if bare and not _NOT_HEADING.search(bare.group("prefix")):
                number = number_value(bare.group("num"))
                prefix = bare.group("prefix").strip()
                key = ("stem", stem) if stem_form and prefix == stem_form else ("bare", prefix)
                if number is not None:
                    families[key].strong = True
                    families[key].headings.append(_Heading(index, 0, len(raw), number, raw.strip(), "", True))
    return families


def _original_title(raw: str, title_form: str) -> str:
    """The heading's own title as spelt on the page."""
    if not title_form:
        return ""
    text = raw.strip()
    for start in range(len(text), -1, -1):
        if matching_form(text[start:]) == title_form:
            return text[start:].strip()
    return title_form


def _run_in_headings(index: int, line: str, stem: str) -> list[_Heading]:
    """`…(通用3篇)酒店前台接待岗位说明书篇1⑴熟识…`: the collection's title and a number run
    into a line of text, found by the stem the page's title gives."""
    marker = (rf"{re.escape(stem)}\s*(?:篇\s*(?P<a>{_N})|第\s*(?P<b>{_N})\s*篇|[(（]\s*(?P<c>{_N})\s*[)）]"
              rf"|[【\[]\s*篇?\s*(?P<d>{_N})\s*篇?\s*[】\]]|(?P<e>\d{{1,2}})(?![\d.．、,，%]|\s*篇))")
    found = []
    for match in re.finditer(marker, line):
        if match.end() >= len(line.rstrip()):
            continue  # a whole heading line: found by the line rules
        number = number_value(next(g for g in match.group("a", "b", "c", "d", "e") if g))
        if number is not None:
            found.append(_Heading(index, match.start(), match.end(), number, match.group().strip(), "", True))
    return found


def _is_sequence(headings: list[_Heading]) -> bool:
    return [h.number for h in headings] == list(range(1, len(headings) + 1))


def _choose_family(lines: list[str], stem: str, declared: int, preamble_limit: int) -> tuple[list[_Heading], str]:
    families = _headings(lines, stem)
    candidates = []
    for key, family in families.items():
        headings = sorted(family.headings, key=lambda h: (h.index, h.start))
        if not headings or not _is_sequence(headings) or headings[0].index > preamble_limit:
            continue
        if _text_before(lines, headings[0]) and not (stem and key[0] == "stem"):
            continue
        if len(headings) == 1 and not _single_heading_is_article(key, family, stem, declared):
            continue
        if not family.strong and not _outline_headings_are_articles(lines, headings, declared):
            continue
        prefix = key[1] if key[0] == "bare" or key[0] in STRONG_MARKERS and not headings[0].title else ""
        candidates.append((family.strong, len(headings), -headings[0].index, headings, _original_prefix(
            lines[headings[0].index], prefix) if prefix else ""))
    if not candidates:
        return [], ""
    best = max(candidates, key=lambda c: c[:3])
    return best[3], best[4]


def _text_before(lines: list[str], first: _Heading) -> bool:
    """Whether a line of text (a sentence, not a title) comes before the first heading: then the
    headings are the outline of that text."""
    before = lines[: first.index] + ([lines[first.index][: first.start]] if first.start else [])
    for line in before:
        form = matching_form(remove_watermarks(line))
        if len(form) > MAX_HEADING_LINE and re.search(r"[。！？]", form) and not read_collection_title(line):
            return True
    return False


def _single_heading_is_article(key: tuple, family: _Family, stem: str, declared: int) -> bool:
    """One heading alone: the page shows the first article of a collection (`…十篇` with only
    `篇1`, `篇一` alone, `乡镇年终工作总结 篇1` under `关于乡镇年终工作总结范文合集五篇`, or
    `春节乡镇工作总结1` over the text, a document's title numbered as the first of several)."""
    if key[0] == "stem":
        return bool(declared or stem)
    prefix = key[1]
    if key[0] in STRONG_MARKERS:
        return not prefix or bool(stem) and same_subject(prefix, stem)
    return key[0] == "bare" and (bool(stem) and same_subject(prefix, stem)
                                 or bool(DOCUMENT_ENDING.search(prefix)))


def names_a_document(stem: str) -> bool:
    """`酒店前台接待岗位说明书`, `代理记账公司绩效考核方案`: a document's title, not a category
    (`乡镇办公室科员工作`)."""
    return bool(stem) and bool(DOCUMENT_ENDING.search(matching_form(stem)))


def same_subject(prefix: str, stem: str) -> bool:
    """`乡镇年终工作总结` and `关于乡镇年终工作总结范文`: one collection's subject, spelt twice."""
    a, b = matching_form(prefix), matching_form(stem)
    return min(len(a), len(b)) >= 4 and (a in b or b in a)


def _outline_headings_are_articles(lines: list[str], headings: list[_Heading], declared: int) -> bool:
    if declared:
        return len(headings) == declared
    return (len(headings) >= MIN_UNDECLARED_OUTLINE_ARTICLES
            and all(DOCUMENT_ENDING.search(matching_form(h.title)) for h in headings))


def _read_preamble(lines: list[str]) -> tuple[str, str]:
    title, captured = "", ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        date = _CAPTURE_DATE.match(line)
        if date:
            captured = date.group(1)
        elif not title and not is_boilerplate(line):
            title = line
    return title, captured


__all__ = ["COLLECTION_TITLE", "Compilation", "Section", "names_a_document", "number_value", "read_collection_title",
           "split_compilation"]
