"""Splitting a compilation page (several articles under one page title) into its articles.

A compilation is recognised by its repeated heading pattern: short lines that are identical
but for a trailing number, numbered 1, 2, 3 … in order (`乡镇办公室科员工作篇1` … `篇8`,
`第1篇` …). Nothing about any particular page is hard-coded. A page without such a pattern
is one article.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .clean import is_boilerplate, remove_watermarks

_HEADING = re.compile(
    r"^(?P<prefix>.{0,40}?)(?P<num>\d{1,3}|[一二三四五六七八九十]{1,3})(?P<suffix>[篇章节则]?)$"
)
_CAPTURE_DATE = re.compile(r"^(?:时间|发布时间|日期)\s*[:：]\s*(\d{4}-\d{1,2}-\d{1,2})")
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
MAX_HEADING_LINE = 48
# A compilation's first article starts right under the page title and date; a numbered run
# deep inside one long text (`附件1` `附件2`, a figure's `CPC 1` `CPC 2`) is part of it.
MAX_PREAMBLE_LINES = 12


@dataclass(frozen=True)
class Section:
    label: str    # the heading line as on the page, e.g. 乡镇办公室科员工作篇1
    number: int   # 1-based position in the compilation
    text: str     # raw text of the article, heading excluded


@dataclass(frozen=True)
class Compilation:
    page_title: str
    captured: str          # the page's own date (YYYY-MM-DD), not the report's year
    sections: list[Section]


def split_compilation(text: str) -> Compilation:
    lines = text.split("\n")
    headings = _find_article_headings(lines)
    if headings and sum(1 for line in lines[:headings[0][0]] if line.strip()) > MAX_PREAMBLE_LINES:
        headings = []
    preamble_end = headings[0][0] if headings else len(lines)
    page_title, captured = _read_preamble(lines[:preamble_end])
    if not headings:
        return Compilation(page_title, captured, [Section(page_title, 1, text)])
    sections = []
    bounds = [index for index, _ in headings] + [len(lines)]
    for n, (index, label) in enumerate(headings, start=1):
        body = "\n".join(lines[index + 1 : bounds[n]])
        sections.append(Section(label, n, body))
    return Compilation(page_title, captured, sections)


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _CN_NUM[token[1]]
    if token.endswith("十"):
        return _CN_NUM[token[0]] * 10
    if len(token) == 3:
        return _CN_NUM[token[0]] * 10 + _CN_NUM[token[2]]
    return _CN_NUM[token]


def _find_article_headings(lines: list[str]) -> list[tuple[int, str]]:
    """The longest run of lines sharing a prefix/suffix and numbered 1..N in order."""
    groups: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for index, raw in enumerate(lines):
        line = remove_watermarks(raw).strip()
        if not line or len(line) > MAX_HEADING_LINE:
            continue
        match = _HEADING.match(line)
        if not match or not match.group("prefix").strip():
            continue
        try:
            number = _number(match.group("num"))
        except (KeyError, IndexError):
            continue
        groups[(match.group("prefix"), match.group("suffix"))].append((index, number, line))
    best: list[tuple[int, str]] = []
    for members in groups.values():
        numbers = [number for _, number, _ in members]
        if len(members) >= 2 and numbers == list(range(1, len(members) + 1)) and len(members) > len(best):
            best = [(index, line) for index, _, line in members]
    return best


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
