"""Metadata read from an article's own text: title, year, region, topics, keywords.

The rule everywhere: when the text does not say, leave the field empty. A wrong year or
region sends a reader to the wrong index page, which is worse than no value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..language.segment import segmenter
from ..topics import classify_topics
from ..language.chinese import normalize_chinese
from ..language.citations import CITATION_LINE, REFERENCES_HEADING
from .clean import heading_level
from .dating import report_year
from ..language.gazetteer import gazetteer
from .page import SpeechHeader

_YEAR = re.compile(r"(?<![\d〔【\[（(])((?:19|20)\d{2})\s*年(?!代)")
_DOC_NUMBER = re.compile(r"[〔【\[（(]\s*(?:19|20)\d{2}\s*[〕】\]）)]")
_ANONYMISED = re.compile(r"[+＋*＊]{1,}|[NＮ](?=[区县市镇乡])")
_SENTENCE_END = "。！？；"
MAX_TITLE_CHARS = 40  # a title the importer finds or makes: longer is a sentence, not a title


@dataclass
class ArticleMetadata:
    title: str
    year: int | None
    region: str
    topics: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


def without_references(paragraphs: list[str]) -> list[str]:
    """The article without its bibliography: cited books are not what the report is about."""
    kept = []
    for paragraph in paragraphs:
        if REFERENCES_HEADING.match(paragraph):
            break
        if not CITATION_LINE.match(paragraph):
            kept.append(paragraph)
    return kept


def extract_year(text: str, not_after: int | None = None) -> int | None:
    """The latest year the text reports on: `NNNN年` mentions, minus document numbers such as
    〔2005〕 and decades (`90年代`); never later than the page's capture year. Anonymised years
    (`20*年`) do not count, so a text with only those gets no year."""
    text = _DOC_NUMBER.sub(" ", text)
    years = [int(y) for y in _YEAR.findall(text)]
    if not_after:
        years = [y for y in years if y <= not_after]
    return max(years) if years else None


def derive_title(paragraphs: list[str], region: str = "") -> str:
    """A real title drawn from the text, in this order: a title line at the top; an opening
    statement (`现就…总结如下` → `…总结`; `召开…座谈会` → `在…座谈会上的讲话`); the first sentence
    of the 【摘要】; an opening outline heading qualified by the place; the first sentence."""
    body = [p.strip() for p in paragraphs if p.strip()]
    if not body:
        return ""
    first = body[0]
    if _looks_like_title(first):
        return first
    text = "".join(body[:3])
    for pattern, template in _OPENING_STATEMENTS:
        match = pattern.search(text)
        if match:
            return _trim(template.format(*match.groups()))
    for paragraph in body[:3]:
        abstract = re.match(r"^【?摘\s*要】?\s*[:：]\s*(.+)", paragraph)
        if abstract:
            # An abstract opens with its subject: 洋口镇位于江西广丰县城西部，… → its first clause.
            return _trim(re.split(f"[，{_SENTENCE_END}]", abstract.group(1), maxsplit=1)[0])
    content = [p for p in body if not re.match(r"^【?关\s*键\s*词】?\s*[:：]", p)]
    if content and heading_level(content[0]):
        heading = re.sub(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）|^\d+[.、．]", "", content[0])
        place = gazetteer.place_name(region)
        return _trim(place + heading.rstrip("：:") if not heading.startswith(place) else heading)
    return _first_clause(content[0] if content else first)


_OPENING_STATEMENTS = (
    (re.compile(r"现(?:就|将)(?:涉及)?(.{4,40}?)(总结|报告|汇报)如下"), "{0}{1}"),
    (re.compile(r"现(?:就|将|对)(.{4,40}?)(?:的)?(?:相关|有关)?事项?通知如下"), "关于{0}的通知"),
    (re.compile(r"召开(?:了)?(.{4,30}?(?:座谈会|工作会议|会议))"), "在{0}上的讲话"),
)


def _looks_like_title(line: str) -> bool:
    return (
        len(line) <= MAX_TITLE_CHARS
        and not any(c in line for c in _SENTENCE_END + "，,：:")
        and heading_level(line) is None
    )


def _first_clause(text: str) -> str:
    """The first sentence with a leading `根据《…》…，` clause removed, cut to a clause boundary."""
    text = re.sub(r"^(根据|按照|依据)[^，。]*?(要求|精神|规定|部署)，", "", text)
    sentence = re.split(f"[{_SENTENCE_END}]", text, maxsplit=1)[0]
    return _trim(sentence)


def _trim(title: str) -> str:
    title = title.strip(" ，、：")
    if len(title) <= MAX_TITLE_CHARS:
        return title
    clauses = re.split(r"(?<=[，、])", title)
    kept = ""
    for clause in clauses:
        if len(kept + clause) > MAX_TITLE_CHARS:
            break
        kept += clause
    return (kept or title[:MAX_TITLE_CHARS]).rstrip("，、")


# Texts of the central state and party: the State Council's report, the NPC's resolution, a
# report to the party's national congress. They are about the whole country, so they get no
# region; the provinces they name are examples, not their subject.
NATIONAL = re.compile(
    r"代表国务院|受[^，,。]{0,8}国务院的?委托|国务院总理|总理在报告中|代表中央人民政府"
    r"|全国人民代表大会|(?:代表|受)(?:第)?[一二三四五六七八九十]*届?中央委员会"
    r"|^\s*(?:中国共产党)?第[一二三四五六七八九十]+次全国代表大会|向(?:党的)?第[一二三四五六七八九十]+次全国代表大会"
    r"|共产主义组织.{0,200}(?:此次|这次)代表大会",
    re.M | re.S)
NATIONAL_OPENING_CHARS = 1000
# A work report says who speaks by how it names its own place: a local government's report speaks
# of 全省, 我市, 本县; the State Council's of 我国 and 全国 only. (`全市场` is no place: 统一大市场.)
_WORK_REPORT = re.compile(r"^\s*各位代表")
_LOCAL_SELF = re.compile(r"[全我本](?:省|市(?!场)|区(?!域)|县|州|盟|旗|乡|镇)|全自治区")
_OUR_COUNTRY = re.compile(r"我国|全国")
MIN_OUR_COUNTRY = 10


def is_national(opening: str, meeting: str = "", text: str = "") -> bool:
    """Whether a text speaks for the whole country: its opening says who speaks, to whom, or,
    for a work report, it speaks of the country as its own and never of a province or county."""
    if meeting:
        return "全国人民代表大会" in meeting or "全国代表大会" in meeting
    if NATIONAL.search(opening):
        return True
    return bool(_WORK_REPORT.match(text) and not _LOCAL_SELF.search(text)
                and len(_OUR_COUNTRY.findall(text)) >= MIN_OUR_COUNTRY)


def resolve_region(text: str, opening: str, meeting: str = "") -> str:
    """A national text has no region; a speech to a local people's congress is about the place
    whose congress it is (`湖南省第十四届人民代表大会` → 湖南省), however many cities it names;
    anything else is located by the gazetteer."""
    if is_national(opening, meeting, text):
        return ""
    if meeting:
        place = gazetteer.resolve(re.sub(r"第?[一二三四五六七八九十]+届.*$", "", meeting))
        if place:
            return place
    return gazetteer.resolve(_ANONYMISED.sub("□", text))


def read_metadata(paragraphs: list[str], *, captured_year: int | None = None,
                  header: SpeechHeader | None = None, page_title: str = "") -> ArticleMetadata:
    """Everything the importer writes to the front matter, from the cleaned paragraphs and,
    for a speech page, the header above its salutation."""
    header = header or SpeechHeader()
    content = without_references(paragraphs)
    text = "\n".join(content)
    normalized = normalize_chinese(text)
    title_line = normalize_chinese(header.title or page_title)
    meeting = normalize_chinese(header.meeting)
    year = report_year(normalized, header_year=header.year, title=title_line, meeting=meeting)
    opening = (title_line + "\n" + normalized.lstrip())[:NATIONAL_OPENING_CHARS]
    if year is None and not is_national(opening, meeting, normalized.lstrip()):
        # A national text's latest year is a plan's target (dating.py, rule 7), not its own.
        year = extract_year(normalized, not_after=captured_year)
    region = resolve_region(normalized, opening, meeting)
    title = derive_title(content, region)
    return ArticleMetadata(
        title=title,
        year=year,
        region=region,
        topics=classify_topics(normalized),
        keywords=segmenter.keywords(text),
    )
