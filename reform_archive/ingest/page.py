"""A saved speech page: the site's chrome around it and the header that dates it.

Government work reports copied from provincial sites arrive with the page around them: a
toolbar (`下载 打印 全屏 收藏 【字号：加大 还原 减小】`), the outlet and publication time
(`来源：湖南日报`, `时间：2026-02-24`), the speaker's name, a photo caption, and after the speech
`相关报道：` or `打印本页 关闭窗口`. A speech opens with its salutation (`各位代表：`); what comes
before it is the page's preamble, read here for the title, the date and the meeting, and never
kept in the body. The `——2026年2月3日在湖南省第十四届人民代表大会第四次会议上` line dates the
speech and names the meeting; it may be split over two lines, wrapped in （）, or without the dash.
Pages that are not speeches pass through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..language.chinese import normalize_chinese

# The speech opens here; a preamble longer than this is not a page header.
# Web copies may carry zero-width characters after the colon (`各位代表：\u200d` in the 2015 report).
SALUTATION = re.compile(r"^\s*(各位代表|同志们|代表们)\s*[：:！!，,]?[\s\u200b-\u200d\ufeff]*$")
MAX_PREAMBLE_LINES = 60
# `——2026年2月3日在…会议上` (also `（2026年…会议上）`, or the date alone on its line).
# Read on the normalised preamble (NFKC, simplified, Arabic digits: see chinese.py).
SPEECH_DATE = re.compile(
    r"(?:^|[—―－\-(\s])\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*在"
    r"([^\n]{2,60}?(?:\n[^\n]{0,40}?)?会议上|[^\n]*)", re.M)
OUTLET = re.compile(r"^\s*[（(]?来源\s*[:：]\s*(.*?)\s*[）)]?\s*$")
PUBLISHED = re.compile(
    r"^\s*(?:(?:发布|发表)?时间\s*[:：]\s*)?(\d{4})[-年/](\d{1,2})[-月/](\d{1,2})日?(?:\s+\d{1,2}[:时]\d{2}.*)?\s*$")
# Lines that close the article on a news site; the rest of the page after them is chrome.
PAGE_END = re.compile(
    r"^\s*(相关报道|相关文档|相关新闻|打印本页|关闭窗口|扫一扫在手机打开当前页|》》点击图片进入专题《《"
    r"|【\s*打印\s*】|[（(]来源[:：].*[）)]|编辑\s*[:：].*|责任编辑\s*[:：].*)\s*[:：]?\s*$")
TAIL_LINES = 15


@dataclass(frozen=True)
class SpeechHeader:
    title: str = ""       # `2026年湖南省政府工作报告`
    date: str = ""        # YYYY-MM-DD of the speech
    meeting: str = ""     # `湖南省第十四届人民代表大会第四次会议`
    outlet: str = ""      # the newspaper or site named by `来源：`
    published: str = ""   # YYYY-MM-DD the page was published

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


@dataclass(frozen=True)
class SpeechPage:
    header: SpeechHeader
    body: str             # the speech from its salutation on, page chrome removed


def read_speech_page(text: str) -> SpeechPage | None:
    """The speech on a saved page, or None when the page is not one (no salutation near the
    top, or no title, date or meeting before it)."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines[:MAX_PREAMBLE_LINES]) if SALUTATION.match(line)),
                 None)
    if start is None:
        return None
    header = read_header(lines[:start])
    if start and not (header.date or header.title or header.outlet):
        return None
    body = lines[start:]
    # Only the national wikisource pages put a date line after the salutation; a speech page
    # never does, so nothing of the body is read as header.
    return SpeechPage(header, "\n".join(drop_page_end(body)))


def read_header(preamble: list[str]) -> SpeechHeader:
    lines = [normalize_chinese(line).strip() for line in preamble]
    lines = [line for line in lines if line and line != "\u200b"]
    date, meeting = "", ""
    # The date line may be broken in two (`…在广东省第十四届` / `人民代表大会第五次会议上`).
    match = SPEECH_DATE.search("\n".join(lines))
    if match:
        year, month, day, where = match.groups()
        date = f"{year}-{int(month):02d}-{int(day):02d}"
        meeting = where.replace("\n", "").removesuffix("上") if where.endswith("会议上") else ""
    outlet, published = "", ""
    for i, line in enumerate(lines):
        found = OUTLET.match(line)
        if found and not outlet:
            outlet = found.group(1) or (lines[i + 1] if i + 1 < len(lines) else "")
            continue
        stamp = PUBLISHED.match(line)
        if stamp and not published:
            published = f"{stamp.group(1)}-{int(stamp.group(2)):02d}-{int(stamp.group(3)):02d}"
        elif re.fullmatch(r"(发布|发表)?时间\s*[:：]", line) and i + 1 < len(lines) and not published:
            stamp = PUBLISHED.match(lines[i + 1])
            if stamp:
                published = f"{stamp.group(1)}-{int(stamp.group(2)):02d}-{int(stamp.group(3)):02d}"
    return SpeechHeader(_title(lines), date, meeting, outlet if len(outlet) <= 30 else "", published)


def _title(lines: list[str]) -> str:
    """The longest short line naming the report (`2026年湖南省政府工作报告` beats `政府工作报告`)."""
    candidates = [line.lstrip("—-－― ") for line in lines
                  if len(line) <= 40 and re.search(r"(工作报告|报告)$", line) and "。" not in line]
    return max(candidates, key=len) if candidates else ""


def drop_page_end(lines: list[str]) -> list[str]:
    """The lines before the first page-end marker among the last TAIL_LINES non-empty lines."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for i in filled[-TAIL_LINES:]:
        if PAGE_END.match(lines[i]):
            return lines[:i]
    return lines


__all__ = ["SpeechHeader", "SpeechPage", "read_speech_page", "read_header", "drop_page_end"]
