"""Metadata read from an article's own text: title, year, region, topics, keywords.

The rule everywhere: when the text does not say, leave the field empty. A wrong year or
region sends a reader to the wrong index page, which is worse than no value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..language.chinese import normalize_chinese, to_simplified
from ..language.citations import CITATION_LINE, REFERENCES_HEADING
from ..language.gazetteer import NATIONAL_REGION, gazetteer
from ..language.segment import segmenter
from ..topics import classify_topics
from .clean import heading_level
from .compilation import read_collection_title
from .dating import CPC_CONGRESSES, report_year, title_year
from .page import SALUTATION, SpeechHeader

_YEAR = re.compile(r"(?<![\d〔【\[（(])((?:19|20)\d{2})\s*年(?!代)")
_DOC_NUMBER = re.compile(r"[〔【\[（(]\s*(?:19|20)\d{2}\s*[〕】\]）)]")
_ANONYMISED = re.compile(r"[+＋*＊]{1,}|[NＮ](?=[区县市镇乡])")
_SENTENCE_END = "。！？；"
MAX_TITLE_CHARS = 40  # a title the importer finds or makes: longer is a sentence, not a title


@dataclass
class ArticleContext:
    """What the page says about an article outside its text."""

    title: str = ""            # the article's own heading on the page
    collection: str = ""       # the subject of the collection it comes from (its title without the count)
    published: str = ""        # YYYY-MM-DD the page gives (its 发布日期, or the page's date line)
    in_compilation: bool = False
    header: SpeechHeader = field(default_factory=SpeechHeader)

    @property
    def published_year(self) -> int | None:
        return int(self.published[:4]) if self.published[:4].isdigit() else None


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


def derive_title(paragraphs: list[str], region: str = "", fallback: str = "") -> str:
    """A real title drawn from the text, in this order: a title line at the top; an opening
    statement (`现就…总结如下` → `…总结`; `召开…座谈会` → `在…座谈会上的讲话`); for a paper with an
    abstract, an outline heading naming the study (`洋口镇政府管理调研`); an opening outline
    heading qualified by the place; the subject of the first sentence, place first
    (`上海市N区乡镇机构改革`, `秦州区关子镇举行机构改革揭牌仪式`); `fallback` (a collection's
    subject); the first clause. Never a whole sentence: a made title has at most
    MAX_MADE_TITLE characters."""
    body = [p.strip() for p in paragraphs if p.strip()]
    if not body:
        return fallback
    first = body[0]
    if _looks_like_title(first):
        return first
    text = to_simplified("".join(body[:3]))
    for pattern, template in _OPENING_STATEMENTS:
        match = pattern.search(text)
        if match:
            return _trim(template.format(*match.groups()))
    content = [p for p in body if not _KEYWORDS_LINE.match(p)]
    for paragraph in body[:3]:
        abstract = _ABSTRACT.match(paragraph)
        if abstract:
            subject = re.split(f"[，,{_SENTENCE_END}]", abstract.group(1), maxsplit=1)[0]
            return _study_heading(body, subject) or _trim(subject)
    if content and heading_level(content[0]):
        heading = re.sub(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）|^\d+[.、．]", "", content[0])
        place = gazetteer.place_name(region)
        return _trim(place + heading.rstrip("：:") if not heading.startswith(place) else heading)
    opening = next((p for p in content if not heading_level(p) and not SALUTATION.match(p)),
                   content[0] if content else first)
    subject = subject_title(opening)
    if subject and (_names_a_place(subject) or not fallback):
        return subject
    return fallback or _first_clause(opening)


_OPENING_STATEMENTS = (
    # `第十一届全国人民代表大会第一次会议听取并审议了国务院总理温家宝所作的政府工作报告` → its resolution
    (re.compile(r"^(第[一二三四五六七八九十]{1,3}届全国人民代表大会(?:常务委员会)?第[一二三四五六七八九十]{1,3}次会议)"
                r"听取(?:和|并)?(?:审议)?了[^。]{0,30}?(?:所作|作)的\s*(\S{2,12}?报告)"), "{0}关于{1}的决议"),
    (re.compile(r"现(?:就|将)(?:涉及)?(.{4,40}?)(总结|报告|汇报)如下"), "{0}{1}"),
    (re.compile(r"现(?:就|将|对)(.{4,40}?)(?:的)?(?:相关|有关)?事项?通知如下"), "关于{0}的通知"),
    (re.compile(r"召开(?:了)?(.{4,30}?(?:座谈会|工作会议|会议))"), "在{0}上的讲话"),
    # `我代表中央委员会作关于上届代表会议以来的工作报告`
    (re.compile(r"(?:我代表|我受)[^，。]{0,20}?作(关于[^，。]{4,30}?报告)"), "{0}"),
)
_ABSTRACT = re.compile(r"^【?摘\s*要】?\s*[:：]\s*(.+)")
_KEYWORDS_LINE = re.compile(r"^【?关\s*键\s*词】?\s*[:：]")
_STUDY = re.compile(r"^(.{2,24}?(?:调研|调查|研究|考察|分析|思考))")
MAX_MADE_TITLE = 30


def _study_heading(body: list[str], subject: str) -> str:
    """A paper's outline heading that names its study and its subject: `四、洋口镇政府管理调研的
    一些启示` → `洋口镇政府管理调研`."""
    place = _SUBJECT_PLACE.match(subject)
    if not place:
        return ""
    for paragraph in body:
        if heading_level(paragraph):
            heading = re.sub(r"^[一二三四五六七八九十]+、\s*|^（[一二三四五六七八九十]+）\s*|^\d+[.、．]\s*", "", paragraph)
            study = _STUDY.match(heading)
            if study and heading.startswith(place.group()):
                return study.group(1)
    return ""


def _looks_like_title(line: str) -> bool:
    return (
        len(line) <= MAX_TITLE_CHARS
        and not re.fullmatch(r"[（(].*[）)]", line)
        and not any(c in line for c in _SENTENCE_END + "，,：:")
        and heading_level(line) is None
    )


# --- a title made from the first sentence's subject ------------------------------------------

_DATELINE = re.compile(
    r"^(?:本报讯|本站讯|本网讯|[^，,。]{0,20}?\d{1,2}月\d{1,2}日(?:讯|电)|[^，,。]{0,12}讯)\s*(?:[（(][^）)]{0,30}[）)])?\s*")
_TIME = r"(?:(?:19|20)\d{2}\s*年(?:度)?)?(?:上半年|下半年|年初|年底|年末|\d{1,2}\s*(?:-\d{1,2}\s*)?月(?:份)?)?(?:\d{1,2}\s*日)?(?:上午|下午|晚上|晚|期间)?"
_LEADING_TIME = re.compile(rf"^(?:近日|日前|近期|近年来|今年以来|目前|当前|今天|昨天|{_TIME})\s*[，,]?\s*")
_INNER_TIME = re.compile(rf"(?:在|于|从)\s*{_TIME}(?=\S)(?<![在于从])")
_LIGHT_VERB = re.compile(r"(?:开展|进行|实施|推进|启动|展开)了?(?=\S{2})")
_ASPECT = re.compile(r"(?<=举行|召开|举办|公布|发布|印发|出台|成立|完成|通过|组织|开通|建成|签署|签订|审议)了")
_MODIFIER = re.compile(r"^[^，,。的]{1,6}的(?=\S{4})")
_LEADING_CLAUSE = re.compile(r"^(?:根据|按照|依据|为了?|为进一步|随着|在)[^，。]*?[，,]")
_SUBJECT_PLACE = re.compile(r"^(?![我本全该此各])[\u4e00-\u9fff]{1,12}?(?:省|自治区|市|自治州|州|盟|地区|县|区|旗|镇|乡|街道|村)"
                            r"|^[\u4e00-\u9fff]{0,12}?[NＮ*＊+＋]+(?:省|市|县|区|镇|乡)")
_TRAILING_PREDICATE = re.compile(r"(?:再有|又有|取得|迎来|获得)(?:了)?(?:新|重大|明显|积极|显著)?(?:进展|成效|突破|成果)$")


class _Aligned:
    """A text and its simplified spelling, cut together: the rules read the simplified one
    (to_simplified maps one character to one), the title keeps the page's own characters."""

    def __init__(self, text: str) -> None:
        self.text, self.simple = text, to_simplified(text)

    def remove(self, pattern: re.Pattern, count: int = 0) -> None:
        spans = [m.span() for m in pattern.finditer(self.simple)][: count or None]
        for start, end in reversed(spans):
            self.text = self.text[:start] + self.text[end:]
            self.simple = self.simple[:start] + self.simple[end:]

    def cut_at(self, pattern: re.Pattern) -> None:
        match = pattern.search(self.simple)
        if match:
            self.text, self.simple = self.text[: match.start()], self.simple[: match.start()]

    def strip(self, chars: str) -> None:
        lead = len(self.simple) - len(self.simple.lstrip(chars))
        tail = len(self.simple.rstrip(chars))
        self.text, self.simple = self.text[lead:tail], self.simple[lead:tail]


def subject_title(sentence: str) -> str:
    """What a news lede or a report's first sentence is about, as a title: the dateline, time
    adverbials, aspect particles and light verbs taken out (`秦州区融媒体中心5月9日讯 5月9日，秦州区
    关子镇举行了机构改革揭牌仪式` → `秦州区关子镇举行机构改革揭牌仪式`; `上海市N区在2007年下半年开展了
    乡镇机构改革` → `上海市N区乡镇机构改革`), in the page's own characters. "" when nothing
    title-like is left."""
    text = _Aligned(sentence.strip())
    text.remove(_DATELINE, count=1)
    text.cut_at(re.compile(f"[{_SENTENCE_END}]"))
    for _ in range(3):
        text.remove(_LEADING_CLAUSE, count=1)
        text.remove(_LEADING_TIME, count=1)
        text.strip(" ")
    text.cut_at(re.compile(r"[，,；;：:]"))
    for pattern in (_INNER_TIME, _LIGHT_VERB, _ASPECT):
        text.remove(pattern)
    rest = _MODIFIER.sub("", text.simple)
    if rest != text.simple and _SUBJECT_PLACE.match(rest):
        text.remove(_MODIFIER, count=1)
    text.remove(_TRAILING_PREDICATE)
    text.strip(" ，、")
    clause = text.text
    return clause if 4 <= len(clause) <= MAX_MADE_TITLE else ""


def _names_a_place(title: str) -> bool:
    simple = normalize_chinese(title)
    return bool(_SUBJECT_PLACE.match(simple) or gazetteer.mentions(simple))


def _first_clause(text: str) -> str:
    """The first sentence with a leading `根据《…》…，` clause removed, cut to a clause boundary."""
    text = re.sub(r"^(根据|按照|依据)[^，。]*?(要求|精神|规定|部署)，", "", text)
    sentence = re.split(f"[{_SENTENCE_END}]", text, maxsplit=1)[0]
    return _trim(sentence, MAX_MADE_TITLE)


def _trim(title: str, limit: int = MAX_TITLE_CHARS) -> str:
    title = title.strip(" ，、：")
    if len(title) <= limit:
        return title
    clauses = re.split(r"(?<=[，、])", title)
    kept = ""
    for clause in clauses:
        if len(kept + clause) > limit:
            break
        kept += clause
    return (kept or title[:limit]).rstrip("，、")


_COLUMN_PREFIX = re.compile(r"^[^|｜:：]{2,8}[|｜]\s*")


def page_heading(title: str) -> str:
    """A heading as the page gives it, without a column's name in front (`图说洛阳| …`) and
    without a collection's count (`…(通用6篇)`)."""
    title = " ".join(title.split())
    if len(title) > 12:
        title = _COLUMN_PREFIX.sub("", title)
    collection = read_collection_title(title)
    return collection[0] if collection and collection[1] else title


# --- region ----------------------------------------------------------------------------------

# Texts of the central state and party: the State Council's report, the NPC's resolution, a
# report to the party's national congress. They are about the whole country (`全国`); the
# provinces they name are examples, not their subject.
NATIONAL = re.compile(
    r"代表国务院|受[^，,。]{0,8}国务院的?委托|国务院总理|总理在报告中|代表中央人民政府"
    r"|全国人民代表大会|(?:代表|受)(?:第)?[一二三四五六七八九十]*届?中央委员会"
    r"|^\s*(?:中国共产党)?第[一二三四五六七八九十]+次全国代表大会|向(?:党的)?第[一二三四五六七八九十]+次全国代表大会"
    r"|共产主义组织.{0,200}(?:此次|这次)代表大会",
    re.M | re.S)
NATIONAL_OPENING_CHARS = 1000
# A document issued by a central organ (its title starts with it): the State Council, the NPC
# and its standing committee, the party's Central Committee, a ministry; a national law.
CENTRAL_ISSUER = re.compile(
    r"^(?:中华人民共和国|全国人民代表大会|全国人大|国务院|中共中央|中央(?!\S{0,4}[省市县区])|国家(?!级)\S{1,14}?(?:局|委员会|委|署|院|部)"
    r"|最高人民法院|最高人民检察院|中国人民银行|审计署|海关总署"
    r"|(?:外交|国防|教育|科学技术|科技|工业和信息化|公安|国家安全|民政|司法|财政|人力资源和社会保障|人力资源社会保障"
    r"|自然资源|生态环境|住房和城乡建设|住房城乡建设|交通运输|水利|农业农村|农业|商务|文化和旅游|文化|卫生|退役军人事务"
    r"|应急管理|监察)部)")
NATIONAL_LAW = re.compile(r"^中华人民共和国\S{1,30}法$")
# A work report says who speaks by how it names its own place: a local government's report speaks
# of 全省, 我市, 本县; the State Council's of 我国 and 全国 only. (`全市场` is no place: 统一大市场.)
_WORK_REPORT = re.compile(r"^\s*各位代表")
_LOCAL_SELF = re.compile(r"[全我本](?:省|市(?!场)|区(?!域)|县|州|盟|旗|乡|镇)|全自治区")
_OUR_COUNTRY = re.compile(r"我国|全国")
MIN_OUR_COUNTRY = 10
# `吉林省人民政府关于…的通告`: a document is about the place of the government that issues it.
_LOCAL_ISSUER = re.compile(
    r"^(?:中共)?(?P<place>[\u4e00-\u9fff]{2,20}?)(?:人民政府|政府|人民代表大会常务委员会|人大常委会|委员会|党委|委"
    r")(?:办公厅|办公室)?(?:[\u4e00-\u9fff、]{0,20})?关于")
# `佛山顺德区…一行八人到众创金融街调研`: where the visitors come from is not where the text is;
# dropped when the text is the host's (`我区`, `莅临`).
_VISITORS = re.compile(r"[^。！？\n]*?(?:一行|考察团|代表团|调研组|参观团|学习团|考察组)(?:一行)?(?:[\d一二三四五六七八九十]+人)?"
                       r"[^。，,！？\n]{0,6}?(?:莅临|到|赴|来到|前往|走进|来|抵达)")
_HOST = re.compile(r"莅临|[我本](?:省|市|县|区|镇|乡|州)")
# A place inside a company's name (`北京华夏科技有限公司`) says where it is registered, not
# what the text is about.
_COMPANY = re.compile(r"[\u4e00-\u9fff]{2,14}?(?:股份有限公司|有限责任公司|有限公司|集团公司|集团有限公司|公司)")
_EXAMPLE_DOCUMENT = re.compile(r"(?:例如|比如|譬如|诸如|如)\s*[:：]?\s*《[^《》\n]{1,60}》")
_CITY_SELF = re.compile(r"市委|市政府|我市|全市|本市|市民")


def is_national(opening: str, meeting: str = "", text: str = "", title: str = "") -> bool:
    """Whether a text speaks for the whole country: its opening says who speaks, to whom, or,
    for a work report, it speaks of the country as its own and never of a province or county;
    or a central organ issues it (`国务院关于…`, `财政部关于…`, `中华人民共和国监察法`) and its
    title names no place."""
    if meeting:
        return "全国人民代表大会" in meeting or "全国代表大会" in meeting
    if title and (CENTRAL_ISSUER.match(title) or NATIONAL_LAW.match(title)) and not gazetteer.resolve(
            CENTRAL_ISSUER.sub("", title)):
        return True
    if NATIONAL.search(opening):
        return True
    return bool(_WORK_REPORT.match(text) and not _LOCAL_SELF.search(text)
                and len(_OUR_COUNTRY.findall(text)) >= MIN_OUR_COUNTRY)


def resolve_region(text: str, opening: str, meeting: str = "", title: str = "") -> str:
    """`全国` for a national text; for a speech to a local people's congress the place whose
    congress it is (`湖南省第十四届人民代表大会` → 湖南省), however many cities it names; for a
    document a local government issues, its place; anything else is located by the gazetteer
    in the title and text, without visitors' home towns and companies' names; failing that by
    a city's short name the text repeats as its own (`中山`)."""
    if is_national(opening, meeting, text, title):
        return NATIONAL_REGION
    if meeting:
        place = gazetteer.resolve(re.sub(r"第?[一二三四五六七八九十]+届.*$", "", meeting))
        if place:
            return place
    issuer = _LOCAL_ISSUER.match(title)
    if issuer:
        place = gazetteer.resolve(issuer.group("place"))
        if place:
            return place
    located = _ANONYMISED.sub("□", title + "\n" + text)
    if _HOST.search(located):
        located = _VISITORS.sub("□", located)
    located = _COMPANY.sub("□", located)
    # A document given as an example (`如《关于哈尔滨市家电市场调查报告》`) is not the subject (one
    # the text follows, `根据《山东省乡镇分类办法》`, says where it is).
    located = _EXAMPLE_DOCUMENT.sub("□", located)
    # A city's own text calls it by its short name (`为中山经济发展`): then those count too;
    # failing all else, so does a city the title names by its short name and the text again.
    self_named = bool(_CITY_SELF.search(located))
    return (gazetteer.resolve(located, with_city_stems=self_named)
            or gazetteer.resolve_city_stem(located, self_named=self_named, titled=title))


def read_metadata(paragraphs: list[str], *, captured_year: int | None = None,
                  header: SpeechHeader | None = None, page_title: str = "",
                  context: ArticleContext | None = None) -> ArticleMetadata:
    """Everything the importer writes to the front matter, from the cleaned paragraphs and what
    the page says about them (`context`: its heading, date, the speech's header)."""
    context = context or ArticleContext(title=page_title, header=header or SpeechHeader())
    header = context.header
    content = without_references(paragraphs)
    text = "\n".join(content)
    normalized = normalize_chinese(text)
    heading = page_heading(context.title or header.title)
    title_line = normalize_chinese(heading)
    meeting = normalize_chinese(header.meeting)
    year = report_year(normalized, header_year=header.year, title=title_line, meeting=meeting)
    opening = (title_line + "\n" + normalized.lstrip())[:NATIONAL_OPENING_CHARS]
    national = is_national(opening, meeting, normalized.lstrip(), title_line)
    year = year or title_year(title_line)
    cap = context.published_year or captured_year
    if year is None and (not national or context.published_year):
        # A national text's latest year is a plan's target (dating.py, rule 7), unless the
        # page's date bounds it.
        year = extract_year(normalized, not_after=cap)
        if context.published_year and not context.in_compilation and (
                year is None or year < context.published_year - 1 or speaks_of_its_day(normalized)):
            # A dated page (not a collection re-posting old texts) is about its own time: a
            # news item dates itself by its day (`1月20日`, `近日`), and years well before the
            # page's date (`2018年以来`, a biography's `2001年起任现职`) are background.
            year = context.published_year
    region = resolve_region(normalized, opening, meeting, title_line)
    if heading in ("政府工作报告", "工作报告"):
        heading = speech_title("各位代表\n政府工作报告", year, region) or heading  # a bare heading, made whole
    title = (heading or speech_title(normalized, year, region)
             or derive_title(content, region if region != NATIONAL_REGION else "", context.collection))
    return ArticleMetadata(
        title=title,
        year=year,
        region=region,
        topics=classify_topics(normalized),
        keywords=segmenter.keywords(text),
    )


_WORK_REPORT_OPENING = re.compile(r"^\s*各位代表")
_CONGRESS_REPORT_OPENING = re.compile(r"^\s*同志们")


def speech_title(text: str, year: int | None, region: str) -> str:
    """A speech's title when the page gives none: a work report (opening `各位代表`, given by a
    government) is `2015年国务院政府工作报告`; a report to a party congress (`同志们`, by the
    central committee) is `在中国共产党第十九次全国代表大会上的报告`."""
    opening = text.lstrip()[:600]
    if _WORK_REPORT_OPENING.match(opening) and region and ("政府" in opening or "国务院" in opening):
        who = "国务院" if region == NATIONAL_REGION else gazetteer.place_name(region)
        return f"{year}年{who}政府工作报告" if year else f"{who}政府工作报告"
    if _CONGRESS_REPORT_OPENING.match(opening) and region == NATIONAL_REGION and year in _CONGRESS_NUMBER:
        return f"在中国共产党第{_chinese_number(_CONGRESS_NUMBER[year])}次全国代表大会上的报告"
    return ""


_CONGRESS_NUMBER = {year: number for number, year in CPC_CONGRESSES.items()}


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")


# A news item dates itself by its day: `1月20日，…`, `今天`, `近日`, a dateline.
_OWN_DAY = re.compile(r"(?<![年\d])\d{1,2}月\d{1,2}日|今天|今日|昨天|昨日|近日|日前|当天|本报讯|本站讯|本网讯|\d{1,2}日电")


def speaks_of_its_day(text: str) -> bool:
    return bool(_OWN_DAY.search(text[:600]))
