"""Cleaning an article's text: site boilerplate out, punctuation normalised, outline to headings.

What is removed is listed here, as patterns, so a reviewer can see exactly what the importer
may drop; everything else of the article is kept, sentence for sentence.
"""

from __future__ import annotations

import re

from ..language.citations import REFERENCES_HEADING

# Anti-copy watermarks injected at random points, also inside words.
WATERMARKS = (re.compile(r"版权所有\s*[!！]"),)

# Whole lines that belong to the site, not to the article.
BOILERPLATE_LINES = (
    re.compile(r"^.{0,20}(服务咨询|发表咨询|订阅咨询).*\d{3}-\d{3}-\d{4}"),  # advertising line
    re.compile(r"^(时间|发布时间|日期)\s*[:：]\s*\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?\s*$"),
)
# Lines that are site chrome only when they close the page (possibly followed by nothing).
TRAILING_LINES = (re.compile(r"^推荐期刊\s*$"), re.compile(r"^相关(文章|推荐|阅读)\s*$"),
                  re.compile(r"^(Public domain|false|true)\s*$"))
# Wikisource's licence box (`这部作品在1931年1月1日以前…属于公有领域`), broken over several lines:
# everything from its first line on is dropped when it starts among the last lines.
LICENCE_START = re.compile(r"^这部作品在")
LICENCE_TAIL_LINES = 20
# Section headings that are dropped when nothing follows them.
EMPTY_TRAILING_HEADINGS = (REFERENCES_HEADING,)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》【】〔〕…—"
_CJK_OR_PUNCT = f"[{_CJK}{_CJK_PUNCT}]"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}

_NUMERAL = "一二三四五六七八九十"
OUTLINE_LEVELS = (
    (re.compile(rf"^[{_NUMERAL}]+、"), 2),
    (re.compile(rf"^（[{_NUMERAL}]+）"), 3),
    (re.compile(r"^\d+(\.\d+)+(?=\D)"), 4),
    (re.compile(r"^\d+[.、．](?=\D)"), 4),
)
MAX_HEADING_CHARS = 30


# Forum software's anti-copy "jammer" (Discuz): a run of one- or two-character ASCII tokens,
# with punctuation among them, at the start of a line (`3 V" z ]5 Q9 q0 w; p调研文章…`) or as a
# line of its own (`/ ]& ]9 B) y) v' S`).
_JAMMER = re.compile(r"(?m)^(?:[!-~]{1,2} ){3,}[!-~]{1,2}(?= ?(?:[\u3400-\u9fff]|$))")
_JAMMER_MIN_PUNCTUATION = 2


def _jammer(match: re.Match) -> str:
    tokens = match.group().split()
    punctuation = sum(1 for t in tokens for c in t if not c.isalnum())
    return "" if punctuation >= _JAMMER_MIN_PUNCTUATION and any(c.isalpha() for t in tokens for c in t) \
        else match.group()


def remove_watermarks(text: str) -> str:
    for pattern in WATERMARKS:
        text = pattern.sub("", text)
    return _JAMMER.sub(_jammer, text)


def is_boilerplate(line: str) -> bool:
    return any(p.search(line.strip()) for p in BOILERPLATE_LINES)


def drop_trailing_chrome(paragraphs: list[str]) -> list[str]:
    """Drop a trailing `推荐期刊` and an empty trailing `参考文献:`, in any order."""
    paragraphs = list(paragraphs)
    for i in range(max(0, len(paragraphs) - LICENCE_TAIL_LINES), len(paragraphs)):
        if LICENCE_START.match(paragraphs[i].strip()):
            paragraphs = paragraphs[:i]
            break
    changed = True
    while paragraphs and changed:
        last = paragraphs[-1].strip()
        changed = any(p.match(last) for p in TRAILING_LINES + EMPTY_TRAILING_HEADINGS)
        if changed:
            paragraphs.pop()
    return paragraphs


def normalize_punctuation(text: str) -> str:
    """Half-width punctuation next to Chinese becomes full-width; numbers (1,000  12:20  66.5)
    and Latin text are left alone; doubled commas and enumeration commas are collapsed."""
    text = _convert_parentheses(text)
    chars = list(text)
    for i, char in enumerate(chars):
        if char in _HALF_TO_FULL:
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if re.match(_CJK_OR_PUNCT, before or " ") or re.match(f"[{_CJK}]", after or " "):
                chars[i] = _HALF_TO_FULL[char]
    text = "".join(chars)
    return re.sub(r"([，、])\1+", r"\1", text)


def _convert_parentheses(text: str) -> str:
    """Half-width parentheses around or beside Chinese, or around a bare number (`(一)`, `(3)`),
    become full-width; Latin ones such as `(Smith, 2004)` stay.

    A pair decides on what it encloses, nested pairs included, and on the character just
    outside it; parentheses pair up within a line, innermost first. One pass with a stack of
    the open ones, and counts of Chinese characters so far: linear in the text (a page of
    32 KB of nested brackets once took 12 s)."""
    cjk_before = [0]
    for char in text:
        cjk_before.append(cjk_before[-1] + bool(_CJK_CHAR.match(char)))
    out = list(text)
    opened: list[list] = []   # [position of "(", whether it encloses a pair]
    for i, char in enumerate(text):
        if char == "(":
            opened.append([i, False])
        elif char == "\n":
            opened.clear()
        elif char == ")" and opened:
            start, encloses = opened.pop()
            if opened:
                opened[-1][1] = True
            inner = text[start + 1:i]
            beside = (start > 0 and _CJK_CHAR.match(text[start - 1])
                      or i + 1 < len(text) and _CJK_CHAR.match(text[i + 1]))
            if (cjk_before[i] > cjk_before[start + 1] or beside
                    or not encloses and inner and all(c in _NUMERAL or c.isdecimal() for c in inner)):
                out[start], out[i] = "（", "）"
    return "".join(out)


def heading_level(paragraph: str) -> int | None:
    """The Markdown heading level of an outline line such as `一、工作完成情况`, or None when the
    line is a paragraph that merely starts with a number (`1、内设机构。石门县乡镇…`)."""
    line = paragraph.strip()
    if len(line) > MAX_HEADING_CHARS:
        return None
    for pattern, level in OUTLINE_LEVELS:
        if pattern.match(line):
            # A heading is one phrase: no sentence end before its last character.
            if re.search(r"[。；！？]", line[:-1]):
                return None
            return level
    return None


_ESCAPE_INLINE = re.compile(r"([\\`*_\[\]{}>])")
_ESCAPE_LINE_START = re.compile(r"^(\s*)(?:([#>+\-|])|(\d+)([.)])(?=\s))")
# An `&` that a page would read as a character: a named or numeric reference, and a numeric one
# even without its `;` (Markdown passes `&#65.` through, and a browser shows `A.`).
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;|#[0-9]|#[xX][0-9A-Fa-f])")


def escape_markdown(line: str) -> str:
    """Plain text must stay plain: `*年度 … *县` would otherwise become emphasis, `{: #x }` an
    attribute list, `<b>` markup and `&copy;` a character. Markdown has no backslash escape
    for `<` (`\\<` shows the backslash): it is written `&lt;`."""
    line = _ENTITY_LIKE.sub("&amp;", line).replace("<", "&lt;")
    line = _ESCAPE_INLINE.sub(r"\\\1", line)
    # A list marker's digits have no escape (`\1.` shows the backslash): its `.` or `)` has.
    return _ESCAPE_LINE_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2)
                                                          else f"{m.group(3)}\\{m.group(4)}"), line)


def to_markdown(paragraphs: list[str]) -> str:
    blocks = []
    for paragraph in paragraphs:
        text = paragraph.strip()
        level = heading_level(text)
        if level:
            blocks.append("#" * level + " " + escape_markdown(text.rstrip("：:")))
        else:
            blocks.append(escape_markdown(text))
    return "\n\n".join(blocks) + "\n"


def clean_paragraphs(text: str) -> list[str]:
    """The article's paragraphs with watermarks, boilerplate and trailing chrome removed and
    punctuation normalised. One non-empty input line is one paragraph."""
    text = remove_watermarks(text)
    paragraphs = []
    for line in text.split("\n"):
        line = line.strip().replace("\u3000", " ").strip()
        if not line or is_boilerplate(line):
            continue
        paragraphs.append(normalize_punctuation(line))
    return drop_trailing_chrome(paragraphs)
