"""Index pages: by topic, by year, by region (province, then finer), and the home page.

Reports are reached through these pages, never through the sidebar: a navigation with
thousands of entries would be copied into every page of the site.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from ..archive import UNKNOWN_REGION, Archive, ArchivedReport, province_of
from ..language.gazetteer import NATIONAL_REGION, region_levels
from ..report import UNKNOWN_YEAR
from ..slug import RESERVED_SLUGS, slugify
from ..theme import BUTTON_CLASS, PRIMARY_BUTTON_CLASS
from ..topics import VOCABULARY
from .charts import known_years, sparkline, timeline
from .china_map import province_map
from .feeds import JSON_FEED, RSS_FEED, newest
from .html import esc, front_matter, href, link, md_text
from .page_digests import Deferred, PageDigests

NATIONAL_NOTE = "全国性文件：国务院、全国人大、党中央、国家部委"
LATEST_ON_HOME = 10
PAGE_SIZE = 500  # reports per index page: a topic of 3,000 reports is 6 pages, none of them megabytes


@dataclass(frozen=True)
class IndexPage:
    src_uri: str   # e.g. topics/乡镇机构改革.md
    url: str       # e.g. topics/乡镇机构改革/
    title: str


def topic_page(name: str) -> IndexPage:
    slug = slugify(name)  # archive.py checks that no two names, and no name and `index`, share one
    return IndexPage(f"topics/{slug}.md", f"topics/{slug}/", name)


def year_page(label: str) -> IndexPage:
    return IndexPage(f"years/{label}.md", f"years/{label}/", f"{label}年" if label != UNKNOWN_YEAR else "年份未知")


def region_page(province: str) -> IndexPage:
    slug = slugify(province)
    return IndexPage(f"regions/{slug}.md", f"regions/{slug}/", province)


KEYWORDS_INDEX = IndexPage("keywords/index.md", "keywords/", "关键词")
KEYWORD_PAGE_MIN = 2   # reports a keyword needs for a page of its own; one report's is a search


def keyword_page(name: str) -> IndexPage:
    slug = slugify(name)
    return IndexPage(f"keywords/{slug}.md", f"keywords/{slug}/", name)


def keyword_groups(archive: Archive) -> dict[str, list[ArchivedReport]]:
    """Keyword → the reports shown that carry it, for every keyword with a page: used by at
    least KEYWORD_PAGE_MIN reports, and its page name its own (keywords that share a slug,
    `GDP` and `gdp`, share the page of the first in sorted order)."""
    by_name: dict[str, list[ArchivedReport]] = defaultdict(list)
    for r in archive.shown:
        for keyword in dict.fromkeys(r.report.keywords):
            if keyword.strip():
                by_name[keyword].append(r)
    by_slug: dict[str, list[str]] = defaultdict(list)
    for name in sorted(by_name):
        by_slug[slugify(name)].append(name)
    groups = {}
    for slug, names in by_slug.items():
        members = list({id(r): r for n in names for r in by_name[n]}.values())
        if slug not in RESERVED_SLUGS and len(members) >= KEYWORD_PAGE_MIN:
            groups[names[0]] = members
            groups.update({n: members for n in names[1:]})
    return groups


def keyword_link(page_url: str, name: str, pages: frozenset[str]) -> str:
    """A keyword on a report's page: its page, or (a keyword of one report) a search for it."""
    if name in pages:
        return link(page_url, keyword_page(name).url, name)
    # Chinese stays readable in the address, as in `href`; the rest is percent-encoded.
    target = href(page_url, "find/") + "?query=" + "".join(c if ord(c) > 127 else quote(c, safe="") for c in name)
    return f'<a href="{esc(target)}">{esc(name)}</a>'


def keyword_pages(archive: Archive, digests: PageDigests | None = None,
                  groups: dict[str, list[ArchivedReport]] | None = None) -> dict[str, str | Deferred]:
    """`groups`: `keyword_groups(archive)`, if made already."""
    groups = keyword_groups(archive) if groups is None else groups
    pages, rows = {}, []
    for name, reports in groups.items():
        page = keyword_page(name)
        if page.src_uri in pages:
            continue   # another spelling of a keyword already paged
        rows.append((page, len(reports), ""))
        pages.update(paginated(
            IndexPage(page.src_uri, page.url, f"关键词：{name}"),
            f"# 关键词：{md_text(name)}\n\n共 {len(reports)} 篇报告。\n\n",
            _sorted(reports), lambda url, chunk: report_list(url, chunk, presorted=True), digests=digests))
    rows.sort(key=lambda row: (-row[1], row[0].title))
    pages[KEYWORDS_INDEX.src_uri] = (
        front_matter("按关键词浏览") + "# 按关键词浏览\n\n"
        + f"用于 {KEYWORD_PAGE_MIN} 篇及以上报告的关键词各有一页；只见于一篇报告的关键词在报告页上链接到搜索。\n\n"
        + (_count_table(KEYWORDS_INDEX.url, rows, ("关键词", "报告数")) if rows else "尚无关键词。\n"))
    return pages


def sub_page(page: IndexPage, number: int) -> IndexPage:
    """Page `number` (1-based) of an index page that is split: the first is the page itself,
    the others `topics/<slug>/2/`, `topics/<slug>/3/` …"""
    if number == 1:
        return page
    stem = page.src_uri.removesuffix(".md")
    return IndexPage(f"{stem}/{number}.md", f"{page.url}{number}/", f"{page.title}（第 {number} 页）")


def _chunks(items: list, size: int = PAGE_SIZE) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def pager(page: IndexPage, number: int, count: int) -> str:
    """Links between the pages of a split index page: previous, every page, next."""
    if count <= 1:
        return ""
    here = sub_page(page, number).url
    parts = []
    if number > 1:
        parts.append(link(here, sub_page(page, number - 1).url, "上一页", "ra-page-prev"))
    for k in range(1, count + 1):
        parts.append(f'<span class="ra-page-current">{k}</span>' if k == number
                     else link(here, sub_page(page, k).url, str(k)))
    if number < count:
        parts.append(link(here, sub_page(page, number + 1).url, "下一页", "ra-page-next"))
    return (f'<nav class="ra-pager" aria-label="分页">第 {number} / {count} 页：'
            + " ".join(parts) + "</nav>\n")


def paginated(page: IndexPage, head: str, reports: list[ArchivedReport], render,
              elsewhere: list[ArchivedReport] = (), digests: PageDigests | None = None) -> dict[str, str | Deferred]:
    """An index page, split into pages of PAGE_SIZE reports when it holds more. `head` is the
    Markdown above the list (front matter excluded), `render(url, reports)` the list itself;
    `elsewhere`, hidden versions that belong here, are listed on the first page. With
    `digests`, each page is `Deferred`: made only if asked for, known by what it lists."""
    chunks = _chunks(reports)
    pages: dict[str, str | Deferred] = {}
    for number, chunk in enumerate(chunks, 1):
        current = sub_page(page, number)
        nav = pager(page, number, len(chunks))
        title = page.title if number == 1 else current.title
        top = front_matter(title) + head + (nav + "\n" if nav else "")
        hidden = list(elsewhere) if number == 1 else []

        def make(top=top, url=current.url, chunk=chunk, nav=nav, hidden=hidden) -> str:
            return top + render(url, chunk) + ("\n" + nav if nav else "") + other_versions(url, hidden)

        pages[current.src_uri] = (make() if digests is None else
                                  Deferred(make, digests.listing_inputs(current.src_uri, top + nav, chunk, hidden)))
    return pages


def other_versions(page_url: str, hidden: list[ArchivedReport]) -> str:
    """Hidden versions whose year, topic or region is this page's while their shown version's
    is not: listed with a link to the version shown, so that no index page a report was ever
    listed on vanishes when a duplicate of it arrives."""
    if not hidden:
        return ""
    items = [f'<li>{link(page_url, r.shown_version.url, r.shown_version.report.title)} '
             f'<span class="ra-list-meta">另一版本：{esc(r.key)}</span></li>'
             for r in sorted(hidden, key=lambda r: r.key)]
    return ("\n## 其他版本\n\n以下报告另有一个版本属于此处；报告显示在其保留版本的页面上。\n\n"
            '<ul class="ra-report-list">\n' + "\n".join(items) + "\n</ul>\n")


def _hidden(archive: Archive) -> list[ArchivedReport]:
    return [r for r in archive.reports if not r.shown]


def _sorted(reports: list[ArchivedReport]) -> list[ArchivedReport]:
    """Newest first; unknown years last; then by title."""
    return sorted(reports, key=lambda r: (-(r.report.year or 0), r.report.title, r.key))


def report_list(page_url: str, reports: list[ArchivedReport], *, presorted: bool = False) -> str:
    items = []
    for r in (reports if presorted else _sorted(reports)):
        details = " · ".join(x for x in (r.report.year_label, r.report.region) if x)
        items.append(
            f'<li>{link(page_url, r.url, r.report.title)} '
            f'<span class="ra-list-meta">{esc(details)}</span></li>')
    return '<ul class="ra-report-list">\n' + "\n".join(items) + "\n</ul>\n"


def _count_table(page_url: str, rows: list[tuple[IndexPage, int, str]], head: tuple[str, ...]) -> str:
    """Name, count and (when `head` names a third column) a note. A name with no report shown
    is text, not a link: its page has nothing to list."""
    notes = len(head) > 2

    def row(page: IndexPage, count: int, note: str) -> str:
        name = link(page_url, page.url, page.title) if count else esc(page.title)
        cells = f'<td class="ra-counts-name">{name}</td><td class="ra-counts-n">{count}</td>'
        return f"<tr>{cells}<td>{esc(note)}</td></tr>" if notes else f"<tr>{cells}</tr>"

    titles = "".join(f'<th{cls}>{esc(title)}</th>' for title, cls in
                     zip(head, ('', ' class="ra-counts-n"', '')))
    body = "\n".join(row(*r) for r in rows)
    return (f'<table class="ra-counts">\n<thead><tr>{titles}</tr></thead>\n'
            f"<tbody>\n{body}\n</tbody>\n</table>\n")


def topic_pages(archive: Archive, digests: PageDigests | None = None) -> dict[str, str | Deferred]:
    shown = archive.shown
    by_topic: dict[str, list[ArchivedReport]] = defaultdict(list)
    for r in shown:
        for topic in r.report.topics:
            by_topic[topic].append(r)
    elsewhere: dict[str, list[ArchivedReport]] = defaultdict(list)
    for r in _hidden(archive):
        for topic in dict.fromkeys(r.report.topics):
            if topic not in r.shown_version.report.topics:
                elsewhere[topic].append(r)
    descriptions = {t.name: t.description for t in VOCABULARY}
    names = [t.name for t in VOCABULARY] + sorted((set(by_topic) | set(elsewhere)) - set(descriptions))
    pages = {}
    rows = []
    years = known_years(Counter(r.report.year_label for r in shown))
    span = (years[0], years[-1]) if years else (0, -1)
    for name in names:
        page = topic_page(name)
        reports = by_topic.get(name, [])
        if reports or name in descriptions:
            rows.append((page, len(reports), descriptions.get(name, "（词表外）")))
        pages.update(paginated(
            IndexPage(page.src_uri, page.url, f"主题：{name}"),
            f"# 主题：{md_text(name)}\n\n{md_text(descriptions.get(name, ''))}\n\n"
            + f"共 {len(reports)} 篇报告。\n\n" + topic_sparkline(name, reports, span),
            _sorted(reports), lambda url, chunk: report_list(url, chunk, presorted=True),
            elsewhere.get(name, []), digests))
    untagged = sum(1 for r in shown if not r.report.topics)
    pages["topics/index.md"] = (
        front_matter("按主题浏览")
        + "# 按主题浏览\n\n主题词表见 [主题词表](../topics-vocabulary.md)。\n\n"
        + _count_table("topics/", rows, ("主题", "报告数", "说明"))
        + (f"\n另有 {untagged} 篇报告未标注主题。\n" if untagged else ""))
    return pages


def topic_sparkline(name: str, reports: list[ArchivedReport], span: tuple[int, int]) -> str:
    """A topic's reports per year over the archive's years (site/charts.py), as a paragraph."""
    line = sparkline(Counter(r.report.year for r in reports if r.report.year), *span, label=name)
    return f'<p class="ra-topic-years">各年报告数 {line}</p>\n\n' if line else ""


def year_pages(archive: Archive, digests: PageDigests | None = None) -> dict[str, str | Deferred]:
    by_year: dict[str, list[ArchivedReport]] = defaultdict(list)
    for r in archive.shown:
        by_year[r.report.year_label].append(r)
    elsewhere: dict[str, list[ArchivedReport]] = defaultdict(list)
    for r in _hidden(archive):
        if r.report.year_label != r.shown_version.report.year_label:
            elsewhere[r.report.year_label].append(r)
    known = set(by_year) | set(elsewhere)
    labels = sorted((y for y in known if y != UNKNOWN_YEAR), reverse=True)
    labels += [UNKNOWN_YEAR] if UNKNOWN_YEAR in known else []
    pages, rows = {}, []
    for label in labels:
        page = year_page(label)
        if by_year[label]:
            rows.append((page, len(by_year[label]), ""))
        pages.update(paginated(
            page, f"# {md_text(page.title)}\n\n共 {len(by_year[label])} 篇报告。\n\n",
            _sorted(by_year[label]), lambda url, chunk: report_list(url, chunk, presorted=True),
            elsewhere.get(label, []), digests))
    pages["years/index.md"] = (
        front_matter("按年份浏览") + "# 按年份浏览\n\n"
        + _count_table("years/", rows, ("年份", "报告数")))
    return pages


def region_pages(archive: Archive, digests: PageDigests | None = None) -> dict[str, str | Deferred]:
    by_province: dict[str, list[ArchivedReport]] = defaultdict(list)
    for r in archive.shown:
        by_province[province_of(r.report)].append(r)
    elsewhere: dict[str, list[ArchivedReport]] = defaultdict(list)
    for r in _hidden(archive):
        if province_of(r.report) != province_of(r.shown_version.report):
            elsewhere[province_of(r.report)].append(r)
    pages, rows = {}, []
    # The whole country first, as an entry of its own; then the provinces; unlabelled last.
    for province in sorted(set(by_province) | set(elsewhere),
                           key=lambda p: (p != NATIONAL_REGION, p == UNKNOWN_REGION, p)):
        page = region_page(province)
        reports = by_province[province]
        if reports:
            rows.append((page, len(reports), NATIONAL_NOTE if province == NATIONAL_REGION else ""))
        pages.update(paginated(
            page, f"# {md_text(province)}\n\n共 {len(reports)} 篇报告。\n\n",
            _by_finer_region(province, reports),
            lambda url, chunk, province=province: _finer_regions(url, province, chunk),
            elsewhere.get(province, []), digests))
    pages["regions/index.md"] = (
        front_matter("按地区浏览") + "# 按地区浏览\n\n"
        + _count_table("regions/", rows, ("省级地区", "报告数", "") if any(r[2] for r in rows)
                       else ("省级地区", "报告数")))
    return pages


def _finer_region(province: str, r: ArchivedReport) -> str:
    levels = region_levels(r.report.region)
    return levels[-1] if len(levels) > 1 else province


def _by_finer_region(province: str, reports: list[ArchivedReport]) -> list[ArchivedReport]:
    """The province's reports in the order its page lists them: by finer region (the
    province-wide ones first), then as `report_list` sorts."""
    groups: dict[str, list[ArchivedReport]] = defaultdict(list)
    for r in reports:
        groups[_finer_region(province, r)].append(r)
    return [r for region in sorted(groups, key=lambda g: (g != province, g)) for r in _sorted(groups[region])]


def _finer_regions(page_url: str, province: str, reports: list[ArchivedReport]) -> str:
    """Sections for each finer region inside a province, in the order of `_by_finer_region`."""
    groups: dict[str, list[ArchivedReport]] = {}
    for r in reports:
        groups.setdefault(_finer_region(province, r), []).append(r)
    out = []
    for region, members in groups.items():
        if province == NATIONAL_REGION:
            label = NATIONAL_NOTE
        else:
            label = "全省（市、区）" if region == province else region.removeprefix(province)
        out.append(f"## {md_text(label)}（{len(members)}）\n\n" + report_list(page_url, members, presorted=True))
    return "\n".join(out)


# The home page's ways in: (heading, [(url, text)]); the first group's links are buttons.
HOME_BROWSE = (("topics/", "按主题浏览"), ("years/", "按年份浏览"), ("regions/", "按地区浏览"),
               (KEYWORDS_INDEX.url, "按关键词浏览"))
HOME_HELP = (("adding-reports/", "添加报告"), ("importing/", "导入网页"), ("search/", "搜索说明"),
             ("duplicates/", "重复检测"))
HOME_DATA = (("data/reports.csv", "报告目录 CSV（Excel 可直接打开）"), ("data/reports.json", "报告目录 JSON"))


def home_ways_in() -> str:
    """Search, browse, help and the data export, visible on the home page at every width."""
    form = ('<form class="ra-home-search" action="find/" method="get" role="search">'
            '<input type="search" name="query" placeholder="全文搜索：输入词语，多个词用空格分开" '
            'aria-label="全文搜索">'
            f'<button type="submit" class="{PRIMARY_BUTTON_CLASS}">搜索</button></form>')

    def links(items, cls: str = "") -> str:
        return " ".join(link("", url, text, cls) for url, text in items)

    return ('<div class="ra-home-ways" markdown="0">\n'
            + form + "\n"
            + f'<p class="ra-browse">{links(HOME_BROWSE, BUTTON_CLASS)}</p>\n'
            + f'<p class="ra-home-help"><strong>使用说明：</strong>{links(HOME_HELP)}</p>\n'
            + f'<p class="ra-home-data"><strong>数据导出：</strong>{links(HOME_DATA)}</p>\n'
            + "</div>\n")


def home_page(archive: Archive) -> str:
    shown = archive.shown
    hidden = len(archive.reports) - len(shown)
    years = Counter(r.report.year_label for r in shown)
    known = sorted(int(y) for y in years if y != UNKNOWN_YEAR)
    provinces = {region_levels(r.report.region)[0] for r in shown
                 if r.report.region and r.report.region != NATIONAL_REGION}
    topics = {t for r in shown for t in r.report.topics}
    span = f"{known[0]}–{known[-1]} 年" if known else "—"
    stats = [
        ("报告", len(shown)), ("年份跨度", span), ("省级地区", len(provinces)), ("主题", len(topics)),
    ]
    stat_html = "".join(
        f'<div class="ra-stat"><span class="ra-stat-value">{esc(v)}</span>'
        f'<span class="ra-stat-label">{esc(k)}</span></div>' for k, v in stats)
    note = (f"另有 {hidden} 篇近似重复的版本合并显示在其保留版本的页面上。" if hidden else "")
    return (
        front_matter("中国改革报告档案", hide_toc=True)
        + "# 中国改革报告档案\n\n"
        + "乡镇机构改革总结、政府工作报告、调研报告的全文档案：可按主题、年份、地区浏览，可全文检索。\n\n"
        + f'<div class="ra-stats">{stat_html}</div>\n\n'
        + (f"{note}\n\n" if note else "")
        + home_ways_in()
        + "\n## 每年报告数\n\n" + timeline("", years, lambda label: year_page(label).url)
        + "\n## 各地报告数\n\n" + home_map(archive)
        + "\n## 最新报告\n\n" + latest_added(archive))


def home_map(archive: Archive) -> str:
    """Reports per province on the map (site/china_map.py); 全国 and unlabelled apart."""
    counts = Counter(province_of(r.report) for r in archive.shown)
    return province_map("", counts, lambda name: region_page(name).url)


def latest_added(archive: Archive, count: int = LATEST_ON_HOME) -> str:
    """The reports that entered the archive last (added.py), each with that date, and the feeds
    that follow them."""
    items = [f'<li>{link("", r.url, r.report.title)} <span class="ra-list-meta">'
             f'{esc(" · ".join(x for x in (r.report.year_label, r.report.region) if x))} · 收录于 {esc(r.added)}</span></li>'
             for r in newest(archive, count)]
    feeds = (f'<p class="ra-feeds">订阅新收录的报告：<a href="{RSS_FEED}" type="application/rss+xml">RSS</a>'
             f' · <a href="{JSON_FEED}" type="application/feed+json">JSON Feed</a></p>\n')
    return '<ul class="ra-report-list">\n' + "\n".join(items) + "\n</ul>\n" + feeds
