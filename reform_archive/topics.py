"""The archive's controlled topic vocabulary and the rules that assign it.

A report gets the topics whose terms it uses often enough. The vocabulary is small on purpose:
an index page per topic is only useful when each holds a meaningful share of the archive.
`docs/topics.md` documents the same list; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    description: str
    terms: tuple[str, ...]
    min_hits: int = 2  # occurrences of the terms (all together) needed to assign the topic


VOCABULARY: tuple[Topic, ...] = (
    Topic("乡镇机构改革", "乡镇、镇级机构改革，撤并乡镇，事业站所整合",
          ("乡镇机构改革", "镇级机构改革", "撤并乡镇", "乡镇撤并", "事业站所", "三定方案"), 2),
    Topic("农村税费改革", "农村税费改革及其配套改革", ("税费改革", "税改"), 2),
    Topic("机构编制", "编制核定、编制管理、领导职数、编外人员",
          ("行政编制", "事业编制", "人员编制", "编制", "编办", "领导职数", "编外人员"), 4),
    Topic("政府职能", "政府职能转变、服务型政府、乡镇政府运行",
          ("政府职能", "职能转变", "服务型政府", "转变职能", "乡镇政府", "镇政府"), 4),
    Topic("医疗卫生", "卫生院、医疗机构、公共卫生", ("卫生院", "医疗机构", "公共卫生", "医疗卫生"), 3),
    Topic("党委办公室工作", "党委系统文件管理、办公室工作、机要",
          ("文件管理", "办公室工作", "秘书长", "机要"), 3),
    Topic("科技工作", "科技示范、科技推广", ("科技示范", "科技工作", "科技推广"), 3),
    Topic("政府工作报告", "各级人民政府工作报告", ("政府工作报告", "各位代表"), 2),
    Topic("党代会报告", "中国共产党全国和地方代表大会的报告", ("代表大会上的报告", "全国代表大会"), 2),
    Topic("人大决议", "人民代表大会关于报告的决议", ("关于政府工作报告的决议", "批准这个报告"), 1),
)

TOPIC_NAMES: frozenset[str] = frozenset(t.name for t in VOCABULARY)
MAX_TOPICS = 3


def classify_topics(text: str) -> list[str]:
    """Topics for a text, best supported first, at most MAX_TOPICS."""
    scored = []
    for order, topic in enumerate(VOCABULARY):
        hits = _count_terms(text, topic.terms)
        if hits >= topic.min_hits:
            scored.append((-hits / topic.min_hits, order, topic.name))
    return [name for _, _, name in sorted(scored)[:MAX_TOPICS]]


def _count_terms(text: str, terms: tuple[str, ...]) -> int:
    """Occurrences of any of the terms; a longer term that contains a shorter one counts once."""
    hits = 0
    covered: set[int] = set()
    for term in sorted(terms, key=len, reverse=True):
        start = text.find(term)
        while start != -1:
            if start not in covered:
                hits += 1
                covered.update(range(start, start + len(term)))
            start = text.find(term, start + 1)
    return hits
