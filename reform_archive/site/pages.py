"""A report's own page: its metadata, its text, and the other versions of it."""

from __future__ import annotations

from ..archive import ArchivedReport
from .html import esc, front_matter, link
from .indexes import region_levels, region_page, topic_page, year_page


def source_label(source: dict) -> str:
    parts = [source.get("page_title"), source.get("section"), source.get("file"), source.get("note")]
    captured = source.get("captured")
    label = " · ".join(str(p) for p in parts if p)
    return f"{label}（采集于 {captured}）" if captured else label


def report_page(r: ArchivedReport) -> str:
    report, url = r.report, r.url
    rows = [("年份", link(url, year_page(report.year_label).url, year_page(report.year_label).title))]
    levels = region_levels(report.region)
    rows.append(("地区", link(url, region_page(levels[0]).url, report.region) if levels else "未标注"))
    if report.topics:
        rows.append(("主题", "、".join(link(url, topic_page(t).url, t) for t in report.topics)))
    if report.keywords:
        rows.append(("关键词", esc("、".join(report.keywords))))
    if report.date:
        rows.append(("日期", esc(report.date)))
    if report.source:
        rows.append(("来源", esc(source_label(report.source))))
    meta = "\n".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    versions = ""
    if r.versions:
        items = "\n".join(
            f"<li>{esc(v.report.title)} <span class=\"ra-list-meta\">{esc(source_label(v.report.source) or v.key)}"
            f" · 文件 {esc(v.key)} · 相似度 {similarity:.0%}</span></li>"
            for v, similarity in r.versions)
        versions = (
            '\n\n<div class="ra-versions" markdown="0">\n<h2 id="other-versions">其他版本</h2>\n'
            f"<p>以下 {len(r.versions)} 个近似重复的版本合并显示为本页，未单独成页，也不参与检索；源文件均保留。</p>\n"
            f"<ul>\n{items}\n</ul>\n</div>\n")
    return (
        front_matter(report.title, search_exclude=True)
        + f'<dl class="ra-report-meta">\n{meta}\n</dl>\n\n'
        + report.body.strip() + "\n" + versions)
