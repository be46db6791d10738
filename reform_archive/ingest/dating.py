"""The year a report belongs to, read from what the text says about itself.

Counting years does not work on work reports: they review the previous year at length and
name their own year far less (the 2025 report names 2024 more than 2025), so "the first date,
else the most frequent year" is right for about a third of them. The rules, in order; the first
that applies decides:

1. the speech's own date line, `——2026年2月3日在…会议上` (page.py);
2. a title naming the year: `2026年湖南省政府工作报告`, `陕西省2026年政府工作报告`;
3. the meeting the text is addressed to or adopted at: `第十四届全国人民代表大会第三次会议`
   (terms of the National People's Congress are fixed: the 14th began in 2023), `向第四届全国人民
   代表大会作…报告`, and party congresses (`党的第十二次全国代表大会`, `我受十二届中央委员会委托`);
   a central committee's report to a congress that names only the congress it looks back on
   (`党的十五大以来`, `上届代表大会以来…第二次代表大会上决定的`) is to the next one; a communist
   group's report to `这次成立大会` is to the founding, first, congress;
4. a meeting or a year the text places relative to its own: `去年9月第五届全国人民代表大会第三次
   会议`, `今年党的十二大`, `第八届全国人民代表大会第一次会议以来的五年`, `从1959年到现在的五年`;
5. the report's look back and ahead: `一、2024年工作回顾` and `刚刚过去的1984年` give the next
   year; `2025年经济社会发展总体要求`, `同意报告提出的2025年…` give that year;
6. a work report (opening `各位代表`) that speaks of `今年` but names no year of its own: the
   year it mentions most is the one it reviews, so the next one, unless the report plans for
   that year (`1987年要`, `确定1987年…的主要任务`): then it is the report's own;
7. otherwise the latest year the text reports on, never after the page's capture year
   (`extract_year`), which is right for the seed's summaries and surveys. Not for a national
   text (metadata.py): the State Council and the party plan years ahead (`为1966年开始的第三个
   五年计划作好准备` in the 1964 report), so their latest year is a target, not their own.

All rules read the normalised text (NFKC, simplified characters, Arabic digits: chinese.py).
"""

from __future__ import annotations

import re
from collections import Counter

_NUM = "一二三四五六七八九十"
_CN = {c: i for i, c in enumerate(_NUM, start=1)}

# Year each National People's Congress term opened (first session).
NPC_TERMS = {1: 1954, 2: 1959, 3: 1964, 4: 1975, 5: 1978, 6: 1983, 7: 1988, 8: 1993, 9: 1998,
             10: 2003, 11: 2008, 12: 2013, 13: 2018, 14: 2023}
# Year of each national congress of the Communist Party of China.
CPC_CONGRESSES = {1: 1921, 2: 1922, 3: 1923, 4: 1925, 5: 1927, 6: 1928, 7: 1945, 8: 1956,
                  9: 1969, 10: 1973, 11: 1977, 12: 1982, 13: 1987, 14: 1992, 15: 1997, 16: 2002,
                  17: 2007, 18: 2012, 19: 2017, 20: 2022}

OPENING_CHARS = 400  # where a text names the meeting it is addressed to
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年.{0,20}报告")
# Only the meeting the text is addressed to or adopted at counts, not one it looks back on.
_NPC_SESSION = re.compile(rf"(?:^|在|向|我们|这次|本次)第([{_NUM}]+)届全国人民代表大会第([{_NUM}]+)次会议")
_NPC_TERM_ONLY = re.compile(rf"向第([{_NUM}]+)届全国人民代表大会作")
_CPC_CONGRESS = re.compile(
    rf"(?:向(?:党的)?|在中国共产党|^\s*中国共产党)第([{_NUM}]+)次全国代表大会(?!精神)(?:上|作|[,，])", re.M)
_CPC_OUTGOING = re.compile(rf"(?:受|代表)(?:第)?([{_NUM}]+)届中央委员会")
# A central committee reports to a congress on the time since the previous one.
_CC_REPORT = re.compile(rf"(?:受|代表)(?:第?[{_NUM}]+届)?中央委员会")
_CONGRESS_NAMED = rf"(?:第([{_NUM}]+)次(?:全国)?代表(?:大会|会议)|(?<![{_NUM}])([{_NUM}]+)大)"
_SINCE_CONGRESS = re.compile(rf"{_CONGRESS_NAMED}以来")
_PREVIOUS_CONGRESS = re.compile(r"上届(?:党的?)?(?:全国)?代表(?:大会|会议)")
# A numbered congress spoken of as past: what it decided, or what has happened since.
_PAST_CONGRESS = re.compile(
    rf"(?<!这次)(?<!本次)(?<!此次){_CONGRESS_NAMED}(?:上)?(?:所)?(?:决定|通过|提出|确定|制定|以来|以后)")
_FOUNDING_CONGRESS = re.compile(r"(?:这次|此次|本次)(?:党的)?成立大会")
_COMMUNIST_GROUP = re.compile(r"共产(?:主义)?(?:组织|小组)|共产党(?:小组|支部)")
_REVIEW = re.compile(r"((?:19|20)\d{2})\s*年(?:国内)?(?:的)?工作(?:的)?回顾|刚刚过去的\s*((?:19|20)\d{2})\s*年")
# A plan is named in a heading (`二、2025年经济社会发展总体要求`) or in the resolution adopting it.
_PLAN = re.compile(
    r"同意报告提出的((?:19|20)\d{2})\s*年"
    r"|^\s*[一二三四五六七八九十]+、\s*((?:19|20)\d{2})\s*年(?:的)?(?:经济社会发展|国民经济和社会发展)?(?:的)?"
    r"(?:总体要求|主要任务|重点工作任务|工作总体部署|工作部署|工作安排)", re.M)
_SALUTATION = re.compile(r"^\s*各位代表")
_YEAR = re.compile(r"(?<![\d〔【\[（(])((?:19|20)\d{2})\s*年(?!代)")
MIN_THIS_YEAR_MENTIONS = 2
# A meeting placed relative to now: `去年9月第五届全国人民代表大会第三次会议`, `去年五届人大四次会议`,
# `今年党的十二大`, `第八届全国人民代表大会第一次会议以来的五年`.
_NPC_REF = rf"(?:第)?([{_NUM}]+)届(?:全国人民代表大会|人大)第?([{_NUM}]+)次会议"
_RELATIVE_NPC = re.compile(rf"(去年|今年)[^。，,;；]{{0,8}}?{_NPC_REF}")
_RELATIVE_CPC = re.compile(
    rf"(去年|今年)(?:召开的|举行的)?(?:党的)?(?:第([{_NUM}]+)次全国代表大会|([{_NUM}]+)大)")
_SINCE_NPC = re.compile(rf"{_NPC_REF}以来的([{_NUM}]+)年")
# `从1959年到现在的五年`: a span that ends now.
_SPAN_TO_NOW = re.compile(rf"从((?:19|20)\d{{2}})\s*年(?:到|至)(?:现在|今天|目前)(?:的|这)?([{_NUM}]+)年")
# A year the report plans for: `1987年要`, `1987年,我们要`, `确定1987年经济体制改革的主要任务`.
_PLANNED = r"(?<![到\d])({year})\s*年(?:[,，]?\s*(?:我们)?(?:还)?要|[^。,，]{{0,12}}的主要任务)|确定{year}\s*年"


def _number(token: str) -> int | None:
    try:
        if len(token) == 1:
            return 10 if token == "十" else _CN[token]
        if token.startswith("十"):
            return 10 + _CN[token[1]]
        tens, _, ones = token.partition("十")
        return _CN[tens] * 10 + (_CN[ones] if ones else 0)
    except KeyError:
        return None


def npc_session_year(text: str) -> int | None:
    """`第十四届全国人民代表大会第三次会议` → 2025."""
    match = _NPC_SESSION.search(text)
    if match:
        term, session = _number(match.group(1)), _number(match.group(2))
        if term in NPC_TERMS and session:
            return NPC_TERMS[term] + session - 1
    match = _NPC_TERM_ONLY.search(text)
    if match and _number(match.group(1)) in NPC_TERMS:
        return NPC_TERMS[_number(match.group(1))]
    return None


def party_congress_year(opening: str) -> int | None:
    """`向党的第十二次全国代表大会作报告` → 1982; `我受十二届中央委员会委托` → the 13th, 1987."""
    match = _CPC_OUTGOING.search(opening)
    if match and (_number(match.group(1)) or 0) + 1 in CPC_CONGRESSES:
        return CPC_CONGRESSES[_number(match.group(1)) + 1]
    match = _CPC_CONGRESS.search(opening)
    if match and _number(match.group(1)) in CPC_CONGRESSES:
        return CPC_CONGRESSES[_number(match.group(1))]
    return None


def congress_looked_back_on_year(text: str, opening: str) -> int | None:
    """A central committee's report that names only the congress it looks back on is to the
    next: `党的十五大以来` → the 16th, 2002; `上届代表大会以来…第二次代表大会上决定的` → the 3rd.
    A communist group's report to `这次成立大会` is to the founding congress, the first."""
    if _FOUNDING_CONGRESS.search(text) and _COMMUNIST_GROUP.search(opening):
        return CPC_CONGRESSES[1]
    if not _CC_REPORT.search(opening):
        return None
    named = [m.group(1) or m.group(2) for m in _SINCE_CONGRESS.finditer(text)]
    if _PREVIOUS_CONGRESS.search(text):
        named += [m.group(1) or m.group(2) for m in _PAST_CONGRESS.finditer(text)]
    numbers = [n for n in map(_number, named) if n]
    if numbers and max(numbers) + 1 in CPC_CONGRESSES:
        return CPC_CONGRESSES[max(numbers) + 1]
    return None


def _session_year(term: str, session: str) -> int | None:
    t, n = _number(term), _number(session)
    return NPC_TERMS[t] + n - 1 if t in NPC_TERMS and n else None


def relative_meeting_year(text: str) -> int | None:
    """A meeting the text dates relative to its own year (去年, 今年, 以来的五年)."""
    for match in _RELATIVE_NPC.finditer(text):
        year = _session_year(match.group(2), match.group(3))
        if year:
            return year + (1 if match.group(1) == "去年" else 0)
    for match in _RELATIVE_CPC.finditer(text):
        number = _number(match.group(2) or match.group(3))
        if number in CPC_CONGRESSES:
            return CPC_CONGRESSES[number] + (1 if match.group(1) == "去年" else 0)
    match = _SINCE_NPC.search(text)
    if match:
        year, span = _session_year(match.group(1), match.group(2)), _number(match.group(3))
        if year and span:
            return year + span
    match = _SPAN_TO_NOW.search(text)
    if match and _number(match.group(2)):
        return int(match.group(1)) + _number(match.group(2))
    return None


def review_or_plan_year(text: str) -> int | None:
    review = _REVIEW.search(text)
    if review:
        return int(review.group(1) or review.group(2)) + 1
    plan = _PLAN.search(text)
    if plan:
        return int(plan.group(1) or plan.group(2))
    return None


def work_report_year(text: str) -> int | None:
    """A work report speaks of its own year as 今年; the year it names most is the one before,
    unless the report plans for that year (`1987年要`): then that year is its own."""
    if not _SALUTATION.match(text) or text.count("今年") < MIN_THIS_YEAR_MENTIONS:
        return None
    counts = Counter(int(y) for y in _YEAR.findall(text))
    if not counts:
        return None
    most = max(counts.values())
    year = max(y for y, n in counts.items() if n == most)
    if re.search(_PLANNED.format(year=year), text):
        return year
    return year + 1


# A year in a title, unless it is a target (`到2035年`, `2035年远景目标`) or a starting point.
_TITLE_YEARS = re.compile(r"(?<![\d〔【\[（(到至迈向面向展望])((?:19|20)\d{2})\s*年(?!代|以来|起|远景|愿景|目标)")
# `（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）`, `2018年3月20日…表决通过`.
_ADOPTED = re.compile(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^。；\n]{0,60}?(?:审议通过|表决通过|通过|公布|发布|印发)")


def title_year(title: str) -> int | None:
    """The one year a title names (`万载县2022年国民经济和社会发展统计公报`, `…调整2007年末国债余额
    限额的决议`); None when it names none or several (`2021—2025年规划`)."""
    years = {int(y) for y in _TITLE_YEARS.findall(_DOC_NUMBER_IN_TITLE.sub(" ", title))}
    return years.pop() if len(years) == 1 else None


_DOC_NUMBER_IN_TITLE = re.compile(r"[〔【\[（(]\s*(?:19|20)\d{2}\s*[〕】\]）)]")


def adoption_year(opening: str) -> int | None:
    """The year a law or resolution was adopted, as its opening dates it."""
    match = _ADOPTED.search(opening)
    return int(match.group(1)) if match else None


def report_year(text: str, *, header_year: int | None = None, title: str = "",
                meeting: str = "") -> int | None:
    """The year by rules 1–6 above, or None (then the caller falls back to rule 7).
    `text` must be normalised (chinese.normalize_chinese)."""
    if header_year:
        return header_year
    found = _TITLE_YEAR.search(title)
    if found:
        return int(found.group(1))
    opening = text.lstrip()[:OPENING_CHARS]
    for year in (npc_session_year(meeting) if meeting else None, npc_session_year(title),
                 npc_session_year(opening), party_congress_year(opening),
                 congress_looked_back_on_year(text, opening), adoption_year(opening), relative_meeting_year(text),
                 review_or_plan_year(text), work_report_year(text)):
        if year:
            return year
    return None


__all__ = ["CPC_CONGRESSES", "NPC_TERMS", "adoption_year", "report_year", "title_year"]
