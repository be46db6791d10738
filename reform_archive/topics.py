"""The archive's controlled topic vocabulary and the rules that assign it.

A report gets the topics whose terms it uses often enough. The vocabulary is small on purpose:
an index page per topic is only useful when each holds a meaningful share of the archive.
`docs/topics-vocabulary.md` documents the same list; a test keeps the two in step.

Two sorts of topic:

* a document's kind (政府工作报告, 党代会报告, 人大决议) is what the text says it is at its top:
  `各位代表` to a people's congress, `中央委员会` or `这次代表大会` to a party congress (`同志们`
  alone is any meeting speech), `…会议听取和审议了` in a resolution. The body does not count: a work report names the party's congress and a
  resolution names the work report. A text has at most one kind, the first that applies;
* a subject is what the text speaks of at length, counted over the whole text; at most
  MAX_TOPICS, best supported first, after the kind. A subject's terms count only where they are
  not part of a look-alike (`excludes`: 编制规划 is drawing up a plan, not staffing), and a
  subject gives way to a narrower one it names (`narrower`): in a report on 乡镇机构改革 a bare
  `机构改革` is that township reform, so it is not also filed under 机构改革.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    description: str
    terms: tuple[str, ...]
    min_hits: int = 2  # occurrences of the terms (all together) needed to assign the topic
    excludes: tuple[str, ...] = ()  # look-alikes: terms inside these do not count
    narrower: tuple[str, ...] = ()  # topics that, when assigned, take this one's place
    opening: int = 0  # a document kind: count the terms only in the first `opening` characters

    @property
    def is_kind(self) -> bool:
        return self.opening > 0


KIND_OPENING_CHARS = 1000

VOCABULARY: tuple[Topic, ...] = (
    Topic("乡镇机构改革", "乡镇、镇级机构改革，撤并乡镇，事业站所整合",
          ("乡镇机构改革", "镇级机构改革", "撤并乡镇", "乡镇撤并", "事业站所", "三定方案"), 2),
    Topic("机构改革", "国务院、各级政府和党政机构改革：机构设置、精简、职能调整（乡镇一级见“乡镇机构改革”）",
          ("机构改革", "精简机构", "机构精简", "机构设置"), 4,
          excludes=("乡镇机构改革", "镇级机构改革"), narrower=("乡镇机构改革",)),
    Topic("农村税费改革", "农村税费改革及其配套改革", ("税费改革", "税改"), 2,
          excludes=("营业税改", "增值税改", "资源税改", "消费税改", "所得税改", "房产税改", "关税改",
                    "财税改", "退税改")),
    Topic("机构编制", "编制核定、编制管理、领导职数、编外人员",
          ("机构编制", "行政编制", "事业编制", "人员编制", "编制数", "编制内", "编制总额", "编制管理",
           "编制部门", "精简编制", "紧缩编制", "控制编制", "编办", "领导职数", "编外人员", "超编"), 4),
    Topic("政府职能", "政府职能转变、服务型政府、乡镇政府运行",
          ("政府职能", "职能转变", "服务型政府", "转变职能", "乡镇政府", "镇政府"), 4),
    Topic("医疗卫生", "卫生院、医疗机构、公共卫生", ("卫生院", "医疗机构", "公共卫生", "医疗卫生"), 3),
    Topic("党委办公室工作", "党委系统文件管理、办公室工作、机要",
          ("文件管理", "办公室工作", "秘书长", "机要"), 3),
    Topic("科技工作", "科技示范、科技推广", ("科技示范", "科技工作", "科技推广"), 3),
    Topic("经济体制改革", "经济体制、价格、企业和国有企业改革",
          ("经济体制改革", "价格改革", "企业改革", "计划体制改革", "流通体制改革", "国有企业改革"), 6),
    Topic("扶贫开发", "扶贫开发、脱贫攻坚、贫困地区和贫困人口",
          ("扶贫", "脱贫", "贫困人口", "贫困地区", "贫困县"), 8),
    Topic("人大决议", "人民代表大会关于报告的决议",
          ("听取和审议了", "听取了", "关于政府工作报告的决议", "批准这个报告"), 1,
          opening=KIND_OPENING_CHARS),
    Topic("政府工作报告", "各级人民政府工作报告", ("各位代表", "代表国务院向", "总理在报告中"), 1,
          opening=KIND_OPENING_CHARS),
    Topic("党代会报告", "中国共产党全国和地方代表大会的报告",
          ("代表中央委员会", "受中央委员会", "届中央委员会", "全国代表大会", "这次代表大会",
           "此次代表大会", "党代表大会", "党代表会议"), 1,
          opening=KIND_OPENING_CHARS),
)

TOPIC_NAMES: frozenset[str] = frozenset(t.name for t in VOCABULARY)
MAX_TOPICS = 3  # subjects, after the document's kind


def classify_topics(text: str) -> list[str]:
    """The document's kind, if it says, then its subjects, best supported first."""
    kind = next((t.name for t in VOCABULARY if t.is_kind
                 and _count_terms(text.lstrip()[:t.opening], t.terms) >= t.min_hits), None)
    scored = []
    for order, topic in enumerate(VOCABULARY):
        if topic.is_kind:
            continue
        hits = _count_terms(text, topic.terms, topic.excludes)
        if hits >= topic.min_hits:
            scored.append((-hits / topic.min_hits, order, topic.name))
    assigned = {name for _, _, name in scored}
    by_name = {t.name: t for t in VOCABULARY}
    subjects = [name for _, _, name in sorted(scored)
                if not assigned & set(by_name[name].narrower)]
    return ([kind] if kind else []) + subjects[:MAX_TOPICS]


def _count_terms(text: str, terms: tuple[str, ...], excludes: tuple[str, ...] = ()) -> int:
    """Occurrences of any of the terms; a longer term that contains a shorter one counts once,
    and a term inside one of `excludes` does not count."""
    hits = 0
    covered: set[int] = set()
    for term in sorted(dict.fromkeys(terms + excludes), key=len, reverse=True):  # stable order
        start = text.find(term)
        while start != -1:
            if start not in covered:
                hits += term not in excludes
                covered.update(range(start, start + len(term)))
            start = text.find(term, start + 1)
    return hits
