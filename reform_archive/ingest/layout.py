"""Where the article is on a page: its run of sentences, the lines above it, and what the page
says about it (date, outlet), with the site's chrome left out.

A page is read by its structure, not by one pattern per site. An article is the page's main
run of *sentence lines* (lines of Chinese text with sentence punctuation); menus, link lists
and footers are short lines, or lines of chrome vocabulary (chrome.py), around it. So:

1. every line is classified (chrome.classify) and sentence lines are marked;
2. sentence lines form runs; a run ends at a line that closes an article (print/close
   buttons, related lists, footers, pagination: *barriers*) or after a long stretch of short
   lines (a link directory); tables of figures do not end a run;
3. the run with the most text is the article; neighbouring runs with a good share of its text
   and no barrier between them belong to it (an article broken by a long table);
4. the article ends at its last sentence line plus the closing lines after it (signature,
   date, `（记者 胡晓蓉）`, `特此通告。`) up to the first chrome line;
5. above it, up to the page's navigation (breadcrumb, menu), are its *header* lines: title,
   subtitle, byline, caption, or a compilation's title and headings. Date, outlet and author
   lines found there or just after the text are read as the page's fields, never kept.

Inside the article nothing is dropped but lines of chrome that no article writes itself
(navigation, widgets, site prose, list headings, registration numbers). A page without a
sentence line, or not in Chinese, holds no article: `NotAnArticle`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..language.chrome import LineFields, LineKind, classify, cjk_count, is_label_only, matching_form, read_fields
from .clean import heading_level, normalize_punctuation, remove_watermarks
from .formats import SourceError

MIN_SENTENCE_CJK = 10         # a sentence line holds at least this many Chinese characters
MIN_CLAUSE_LINE = 30          # a line with commas but no sentence end is text from this length on
MAX_GAP = 8                   # short lines between two sentence lines of one article
NEIGHBOUR_SHARE = 0.25        # a run this share of the main one, with no barrier between, joins it
MAX_CLOSING_LINES = 6         # lines after the last sentence that may still close the article
MAX_HEADER_LINES = 15         # kept lines above the text that may be its title, byline, headings
MIN_CHINESE_SHARE = 0.3       # of the letters on the page, at least this share must be Chinese
MIN_CHINESE_CHARS = 20
MIN_TEXT_CHARS = 100          # sentence lines without any full stop: an article from this size on

_SENTENCE_END = re.compile(r"[。！？；!?;…]")
# A headline may hold `!` or `？` inside (`迎来曙光!近30省份…`); a sentence line has a full stop,
# or ends like a sentence.
_SENTENCE_LINE = re.compile(r"。|[！？；!?;…][”’」』）)]?\s*$")
_CLAUSE = re.compile(r"[，,、]")
_DATA = re.compile(r"\d")
# Chrome that an article's writer never puts inside it: dropped wherever it is.
NEVER_TEXT = {LineKind.NAVIGATION, LineKind.WIDGET, LineKind.SITE_TEXT, LineKind.END}
# Chrome that ends a run of text: after it comes the rest of the page.
BARRIERS = {LineKind.NAVIGATION, LineKind.WIDGET, LineKind.END, LineKind.FOOTER, LineKind.SITE_TEXT}
# Above the text, these stop the header: what is above them is the site's top.
HEADER_STOPS = {LineKind.NAVIGATION, LineKind.FOOTER}
_REGISTRATION = re.compile(r"ICP备|ICP证|公网安备|网安备|公安备|网站标识码|Copyright|©|All Rights Reserved", re.I)
# Lines that may close an article after its last sentence.
_CLOSING = re.compile(
    r"^[（(【\[].{1,40}[）)】\]]$"                                  # （张巨峰） （记者 胡晓蓉）
    r"|[。！？!?…）)」”]$"                                        # 特此通告。 预祝大会圆满成功！
    r"|^(?:记者|通讯员|作者|撰稿|供稿|摄影|摄|文|图|文/图|图/文)\s*[:：/]?\s*\S"  # bylines
    r"|\S(?:供稿|摄影|摄)\s*$|(?:供稿|摄影/|编辑/)"
    r"|^\S{2,30}(?:人民政府|政府|委员会|办公室|办公厅|局|厅|部|院|会|中心|公司|党委|党组|常委会)$"  # signature
    r"|^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$"          # its date
    r"|^附件\s*\d*\s*[:：]")


class NotAnArticle(SourceError):
    """A page that holds no article to import (a link list, an empty template, another
    language); the message names the file and says why."""


@dataclass
class PageFields:
    """What the page says about the article, outside its text."""

    published: str = ""   # YYYY-MM-DD of the page's 发布日期 / date line
    outlet: str = ""      # 来源
    author: str = ""
    stated_title: str = ""  # a 政务公开 table's `标题：`

    def add(self, found: LineFields) -> None:
        self.published = self.published or found.published
        self.outlet = self.outlet or found.outlet
        self.author = self.author or found.author
        self.stated_title = self.stated_title or found.title


@dataclass
class PageLayout:
    header: list[str] = field(default_factory=list)  # kept lines above the text, in page order
    body: list[str] = field(default_factory=list)    # the text, first sentence line to closing lines
    lines: list[str] = field(default_factory=list)   # header and text, page order, blank lines kept
    # The site's own addresses (from its chrome): inserted into a sentence, they are a watermark.
    site_addresses: list[str] = field(default_factory=list)
    fields: PageFields = field(default_factory=PageFields)


def is_sentence_line(line: str, kind: LineKind | None) -> bool:
    if kind is not None:
        return False
    form = matching_form(line)
    if cjk_count(form) < MIN_SENTENCE_CJK:
        return False
    if _SENTENCE_LINE.search(form):
        return True
    # A paragraph without a sentence end (a list item, a broken line): several clauses.
    return len(_CLAUSE.findall(form)) >= 2 and len(form) >= MIN_CLAUSE_LINE


def _is_data(line: str) -> bool:
    """A row of a table of figures: it does not make the gap between two paragraphs longer."""
    form = matching_form(line)
    return bool(form) and len(_DATA.findall(form)) >= max(2, len(form) // 4)


_KANA = re.compile(r"[\u3040-\u30ff]")
MAX_KANA_SHARE = 0.1   # Japanese writes kanji among kana; Chinese has none


def check_language(text: str, name: str) -> None:
    letters = [c for c in text if c.isalpha()]
    chinese = cjk_count(text)
    kana = len(_KANA.findall(text))
    if chinese < MIN_CHINESE_CHARS or chinese < MIN_CHINESE_SHARE * len(letters) or kana > MAX_KANA_SHARE * chinese:
        raise NotAnArticle(f"{name}: not a Chinese text ({chinese} Chinese characters of {len(letters)} "
                           "letters); the archive holds Chinese reports / 不是中文文本，未导入")


def line_kinds(lines: list[str]) -> list[LineKind | None]:
    # A watermark inside a sentence (`转变工版权所有!作方式`) does not make the line a footer.
    kinds = [classify(remove_watermarks(line)) for line in lines]
    # A 政务公开 table puts a label on one line and its value on the next.
    for i, line in enumerate(lines):
        if kinds[i] is None and is_label_only(line):
            kinds[i] = LineKind.META
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and kinds[j] is None and len(matching_form(lines[j])) <= 40 \
                    and not _SENTENCE_END.search(lines[j]):
                kinds[j] = LineKind.META
    return kinds


def _runs(lines: list[str], kinds: list, sentence: list[bool]) -> list[tuple[int, int, int, bool]]:
    """(first, last sentence line, score, barrier before it) of each run of sentence lines."""
    runs: list[list] = []
    gap, barrier = 0, True
    for i, line in enumerate(lines):
        if sentence[i]:
            if runs and not barrier and gap <= MAX_GAP:
                runs[-1][1] = i
                runs[-1][2] += cjk_count(line)
            else:
                runs.append([i, i, cjk_count(line), barrier])
            gap, barrier = 0, False
        elif kinds[i] in BARRIERS:
            barrier = True
        elif line.strip() and not _is_data(line):
            gap += 1
    return [tuple(run) for run in runs]


def find_article(text: str, name: str) -> PageLayout:
    """The article on a page (see the module's docstring), or NotAnArticle naming `name`."""
    check_language(text, name)
    lines = text.split("\n")
    kinds = line_kinds(lines)
    sentence = [is_sentence_line(line, kind) for line, kind in zip(lines, kinds)]
    runs = _runs(lines, kinds, sentence)
    if not runs or not _has_text(lines, sentence, runs):
        raise NotAnArticle(f"{name}: no article text, only links, menus or site text (no line of "
                           "sentences) / 网页中没有正文，未导入")
    start, end = _article_span(lines, kinds, runs)
    layout = PageLayout()
    layout.header, top = _header(lines, kinds, start, layout.fields)
    layout.body = [line for i, line in enumerate(lines[start : end + 1], start)
                   if kinds[i] is None or not _never_text(kinds[i], line)]
    # The header and the text as one run of lines, blank lines kept (a compilation's headings
    # may be in either).
    layout.lines = [line for i, line in enumerate(lines[top:start], top) if kinds[i] is None] + layout.body
    _read_tail_fields(lines, kinds, end, layout.fields)
    layout.site_addresses = sorted({m.group(1).lower() for i, line in enumerate(lines) if kinds[i] is not None
                                    for m in _ADDRESS.finditer(line)})
    if layout.site_addresses:
        layout.body = remove_addresses(layout.body, layout.site_addresses)
        layout.lines = remove_addresses(layout.lines, layout.site_addresses)
    return layout


_ADDRESS = re.compile(r"(?:https?://)?((?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|cc|info|top)(?![a-z]))", re.I)


def remove_addresses(lines: list[str], addresses: list[str]) -> list[str]:
    """The site's address taken out where it sits inside a sentence (`修通了www.xinde123.com一条`):
    a watermark. Elsewhere (a line of its own) it is left to the chrome rules."""
    pattern = re.compile(r"(?<=[\u4e00-\u9fff，。、；：])\s*(?:https?://)?(?:" + "|".join(map(re.escape, addresses))
                         + r")(?:/[\w./?=&%-]*)?\s*(?=[\u4e00-\u9fff，。、；：])", re.I)
    return [pattern.sub("", line) for line in lines]


def _article_span(lines: list[str], kinds: list, runs: list) -> tuple[int, int]:
    """First and last line of the article: the main run, its neighbours, its closing lines."""
    best = max(range(len(runs)), key=lambda k: runs[k][2])
    first, last = best, best
    while first > 0 and not runs[first][3] and runs[first - 1][2] >= NEIGHBOUR_SHARE * runs[best][2]:
        first -= 1
    while last + 1 < len(runs) and not runs[last + 1][3] and runs[last + 1][2] >= NEIGHBOUR_SHARE * runs[best][2]:
        last += 1
    return runs[first][0], _closing_end(lines, kinds, runs[last][1])


def trim_article(lines: list[str]) -> list[str]:
    """An article's lines (from its first line, which is kept) without the page after its end
    and without lines of chrome no article writes itself."""
    kinds = line_kinds(lines)
    sentence = [is_sentence_line(line, kind) for line, kind in zip(lines, kinds)]
    runs = _runs(lines, kinds, sentence)
    end = _article_span(lines, kinds, runs)[1] if runs else len(lines) - 1
    return [line for i, line in enumerate(lines[: end + 1])
            if kinds[i] is None or not _never_text(kinds[i], line)]


def _has_text(lines: list[str], sentence: list[bool], runs: list) -> bool:
    """A link list's headlines may end in `！`; an article has a full stop somewhere, or at
    least MIN_TEXT_CHARS of sentence lines."""
    best = max(runs, key=lambda run: run[2])
    if best[2] >= MIN_TEXT_CHARS:
        return True
    return any("。" in lines[i] or "．" in lines[i] for i in range(best[0], best[1] + 1) if sentence[i])


def _never_text(kind: LineKind, line: str) -> bool:
    return kind in NEVER_TEXT or kind is LineKind.FOOTER and bool(_REGISTRATION.search(line))


def _closing_end(lines: list[str], kinds: list, last: int) -> int:
    """The last line of the article: its last sentence line, or a closing line after it."""
    end, seen = last, 0
    for i in range(last + 1, len(lines)):
        line = remove_watermarks(lines[i]).strip()
        if not line or len(line) <= 3 and not cjk_count(line):
            continue  # a footnote's `↑`, a `*`: between the text and its notes
        seen += 1
        if seen > MAX_CLOSING_LINES or kinds[i] is not None:
            break
        # An outline heading: the page was cut after it (`（二）目录`, `3.正文`).
        if not (_CLOSING.search(matching_form(line)) or heading_level(normalize_punctuation(line))):
            break
        end = i
    return end


def _header(lines: list[str], kinds: list, start: int, fields: PageFields) -> tuple[list[str], int]:
    """The kept lines above the text, in page order; "" where lines were left out (a blank
    line, a date line), so that a title broken over adjacent lines can be told from a title
    and a subtitle. With the index of the line the header starts at."""
    kept: list[str] = []
    top = start
    for i in range(start - 1, -1, -1):
        line, kind = lines[i], kinds[i]
        if not line.strip():
            if kept and kept[-1]:
                kept.append("")
            continue
        if kind in HEADER_STOPS or sum(1 for k in kept if k) >= MAX_HEADER_LINES:
            break
        top = i
        if kind is LineKind.META:
            fields.add(read_fields(line))
        if kind is None:
            kept.append(line)
        elif kept and kept[-1]:
            kept.append("")
    while kept and not kept[-1]:
        kept.pop()
    return kept[::-1], top


def _read_tail_fields(lines: list[str], kinds: list, end: int, fields: PageFields) -> None:
    seen = 0
    for i in range(end + 1, len(lines)):
        if not lines[i].strip():
            continue
        seen += 1
        if seen > MAX_CLOSING_LINES:
            break
        if kinds[i] is LineKind.META or kinds[i] is LineKind.END:
            fields.add(read_fields(lines[i]))


# --- the header: which of its lines are the title -------------------------------------------

_DOC_TYPE = re.compile(
    r"(?:决议|决定|通告|通知|公告|公报|意见|办法|规定|条例|细则|规则|纲要|规划|计划|方案|报告|批复|函|令|法|讲话|总结"
    r"|纪要|说明|意见书|建议|答复|汇报|致辞|发言)$")
_OPEN_END = re.compile(r"(?:在|的|及|和|与|关于|对|为|暨|、|于|以|将|把|从|向|给|并|或)$")
_SUBTITLE = re.compile(r"^\s*(?:——|--|—|－－|副标题\s*[:：])")
_BYLINE = re.compile(r"(?:^|\s)(?:本报|本网|本台|新华社|新华网)?(?:记者|通讯员|实习生|特约撰稿人)(?:\s|$|[:：])"
                     r"|^(?:文|图|文/图|图/文|作者)\s*[/:：]|^\S{1,8}(?:供稿|摄)$")
_DOC_NUMBER = re.compile(r"[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*第?\s*\d+\s*号\s*$")
_CAPTION = re.compile(r"^(?:图为|图\d*\s*[:：]|▲|△|（图|\(图)")
_COLUMN_PREFIX = re.compile(r"^[^|｜:：]{2,8}[|｜]\s*")
_ORGANISATION = re.compile(
    r"^\S{2,24}(?:局|队|厅|委|委员会|人民政府|政府|办公室|办公厅|组织部|宣传部|统战部|人民法院|检察院|研究院|医院|学院|大学"
    r"|中心|所|站|公司|集团|党委|党组|支部|总支|协会|联合会|研究会|学会|商会|调查队)$")
# `关键词：…`, `【摘要】…`: a labelled line of the text, not its title.
_LABELLED = re.compile(r"^[【\[]?\s*(?:关\s*键\s*词|关键字|主题词|摘\s*要|内容提要|提要|作者|单位|作者单位|题\s*目|引言)\s*[】\]]?\s*[:：]?")
# How a speech or report's first sentence starts; a title never does.
_SENTENCE_OPENING = re.compile(r"^(?:现在|我们|我代表|我受|受.{0,10}委托|根据|按照|依据|今年以来|近年来|同志们|各位|据了解|据悉)")
# `■ 纪检监察`: a site's column name in front of the title.
_COLUMN_LABEL = re.compile(r"^[■□▪▫◆◇●○►▶★☆]")
_TEXT_CONTINUES = re.compile(r"^\s*[。，、；：！？”’」』）)》,.;:!?]")


@dataclass
class HeaderParts:
    title: str = ""
    subtitle: str = ""
    lead: list[str] = field(default_factory=list)   # lines between title and text: the text's own


def is_title_line(line: str) -> bool:
    """A line that can be (part of) a heading: short, Chinese, no sentence, not a label."""
    form = matching_form(line)
    if not 2 <= cjk_count(form) or len(form) > 80 or re.search(r"[。]", form):
        return False
    if form.endswith((":", "：")) or _SUBTITLE.match(line) or _BYLINE.search(form) or _CAPTION.match(form):
        return False
    if _LABELLED.match(form) or _COLUMN_LABEL.match(line.strip()) or _SENTENCE_OPENING.match(form):
        return False
    if _DOC_NUMBER.search(form) or heading_level(form) or classify(line) is not None:
        return False
    if re.fullmatch(r"[（(].*[）)]", form) or all(_ORGANISATION.match(part) for part in form.split()):
        return False  # `（2007年6月29日…通过）`, `万载县统计局 国家统计局万载调查队`
    return not re.search(r"[！？!?；;]", form[:-1])


def split_header(header: list[str], first_text_line: str = "") -> HeaderParts:
    """The title block nearest the text (a title may be broken over adjacent lines; a second
    line that does not complete it is a subtitle), and the lead lines below it. Lines above the
    title (a column name, the site's name) are left out."""
    lines = [line.strip() for line in header]
    continuing: list[str] = []
    if first_text_line and _TEXT_CONTINUES.match(first_text_line):
        # `…听取了国务院总理所作的` / `政府工作报告` / `。会议…`: the lines just above are text.
        while lines and lines[-1]:
            continuing.insert(0, lines.pop())
    parts = _title_block(lines)
    parts.lead += continuing
    return parts


def _title_block(lines: list[str]) -> HeaderParts:
    bottom = next((i for i in range(len(lines) - 1, -1, -1) if lines[i] and is_title_line(lines[i])), None)
    if bottom is None:
        return HeaderParts(lead=[line for line in lines if line])
    top = bottom
    while top > 0 and lines[top - 1] and is_title_line(lines[top - 1]) and bottom - top < 3:
        top -= 1
    block = lines[top : bottom + 1]
    if top > 0 and lines[top - 1] and block[0].startswith("关于") and _ORGANISATION.match(lines[top - 1]):
        block.insert(0, lines[top - 1])   # `全国人民代表大会常务委员会` / `关于批准…的决议`
    if len(block) > 1 and (_DOC_TYPE.search(block[-1]) and not any(_DOC_TYPE.search(b) for b in block[:-1])
                           or all(_OPEN_END.search(b) for b in block[:-1])):
        title, subtitle = "".join(block), ""
    else:
        title, subtitle = block[0], " ".join(block[1:])
    # Above the title: a site's or column's name goes; an editor's note (`（译自…俄文稿）`) or a
    # sentence is the text's own.
    lead = [line for line in lines[:top] if line and (re.fullmatch(r"[（(].+[）)]", line) or "。" in line)]
    for line in lines[bottom + 1 :]:
        if not line or matching_form(line) == matching_form(title):
            continue
        if _SUBTITLE.match(line) and not subtitle:
            subtitle = line.lstrip("—-－ ")
            continue
        lead.append(line)
    return HeaderParts(_COLUMN_PREFIX.sub("", title) if len(title) > 12 else title, subtitle, lead)


__all__ = ["HeaderParts", "NotAnArticle", "is_title_line", "split_header", "trim_article", "PageFields", "PageLayout", "check_language", "find_article",
           "is_sentence_line"]
