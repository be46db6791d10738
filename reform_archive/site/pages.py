"""A report's own page: its metadata, its text, the other versions of it, related reports and
how to cite it."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

from ..archive import ArchivedReport
from .citation import bibtex, bibtex_key, citation_data, gbt7714
from .html import esc, front_matter, link
from ..language.gazetteer import region_levels
from .indexes import keyword_link, region_page, topic_page, year_page
from .sanitize import block_mark


def source_label(source: dict) -> str:
    """Where a report comes from, as text: the page's title, outlet, section and note, and when
    it was captured. Not the raw page's file name (the report file is named apart)."""
    title = source.get("page_title")
    parts = [title, source.get("outlet"), source.get("section") if source.get("section") != title else None,
             source.get("note")]
    captured = source.get("captured")
    label = " · ".join(str(p) for p in parts if p)
    return f"{label}（采集于 {captured}）" if captured else label


def source_url(source: dict) -> str:
    """The original page's address, when the importer or the author gave one (http/https only)."""
    url = str(source.get("url") or "").strip()
    return url if url.startswith(("http://", "https://")) else ""


def source_line(source: dict) -> str:
    """The 来源 row (raw HTML): the original page's title linked to its address when known."""
    url, label = source_url(source), source_label(source)
    if not url:
        return esc(label)
    title = source.get("page_title") or url
    rest = label.removeprefix(str(source.get("page_title") or "")).lstrip(" ·")
    anchor = f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(title)}</a>'
    return anchor + (f" · {esc(rest)}" if rest else "") + f' <span class="ra-list-meta">{esc(url)}</span>'


MAX_DIFF_BLOCKS = 200  # a diff longer than this is cut, with a note: the page stays readable


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def _inline_diff(old: str, new: str) -> str:
    """One changed paragraph, character by character: deleted text in <del>, added in <ins>."""
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            parts.append(esc(old[a0:a1]))
        if op in ("delete", "replace"):
            parts.append(f"<del>{esc(old[a0:a1])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{esc(new[b0:b1])}</ins>")
    return "".join(parts)


def version_diff(kept: str, other: str) -> str:
    """A collapsible, readable diff from the shown text to another version: only the paragraphs
    that differ, each with its changes marked; every piece of text is HTML-escaped."""
    old, new = _paragraphs(kept), _paragraphs(other)
    blocks = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and a1 - a0 == b1 - b0:
            blocks += [f"<p>{_inline_diff(o, n)}</p>" for o, n in zip(old[a0:a1], new[b0:b1])]
            continue
        blocks += [f"<p><del>{esc(p)}</del></p>" for p in old[a0:a1]]
        blocks += [f"<p><ins>{esc(p)}</ins></p>" for p in new[b0:b1]]
    if not blocks:
        return '<p class="ra-diff-none">正文相同（仅空白或格式不同）</p>'
    note = ""
    if len(blocks) > MAX_DIFF_BLOCKS:
        note = f"<p>……另有 {len(blocks) - MAX_DIFF_BLOCKS} 处差异未显示</p>"
        blocks = blocks[:MAX_DIFF_BLOCKS]
    return ('<details class="ra-diff"><summary>与本页正文的差异（<del>删去</del> / <ins>增加</ins>）</summary>\n'
            + "\n".join(blocks) + note + "\n</details>")


def report_header(r: ArchivedReport, keyword_pages: frozenset[str] = frozenset()) -> str:
    """The metadata block above a report's text (raw HTML; every value escaped). Keywords link
    to their pages (`keyword_pages`: the keywords that have one), else to a search for them."""
    report, url = r.report, r.url
    rows = [("年份", link(url, year_page(report.year_label).url, year_page(report.year_label).title))]
    levels = region_levels(report.region)
    rows.append(("地区", link(url, region_page(levels[0]).url, report.region) if levels else "未标注"))
    if report.topics:
        rows.append(("主题", "、".join(link(url, topic_page(t).url, t) for t in report.topics)))
    if report.keywords:
        rows.append(("关键词", "、".join(keyword_link(url, k, keyword_pages)
                                         for k in dict.fromkeys(report.keywords) if k.strip())))
    if report.date:
        rows.append(("日期", esc(report.date)))
    if report.source and (source_label(report.source) or source_url(report.source)):
        rows.append(("来源", source_line(report.source)))
    if r.versions:
        rows.append(("其他版本", "、".join(
            f'<a href="#version-{n}">{esc(v.key)}</a>（相似度 {similarity:.0%}）'
            for n, (v, similarity) in enumerate(r.versions, 1))))
    meta = "\n".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="ra-report-meta">\n{meta}\n</dl>\n\n'


def report_versions(r: ArchivedReport) -> str:
    """The other versions below a report's text (raw HTML; every value escaped), or ""."""
    if not r.versions:
        return ""
    items = "\n".join(
        f"<li id=\"version-{n}\">{esc(v.report.title)} <span class=\"ra-list-meta\">{esc(source_label(v.report.source) or v.key)}"
        f" · 文件 {esc(v.key)} · 相似度 {similarity:.0%}</span>\n{version_diff(r.report.body, v.report.body)}</li>"
        for n, (v, similarity) in enumerate(r.versions, 1))
    return ('\n\n<div class="ra-versions" markdown="0">\n<h2 id="other-versions">其他版本</h2>\n'
            f"<p>以下 {len(r.versions)} 个近似重复的版本合并显示为本页，不参与检索；源文件均保留，"
            "其原有网址转到本页。</p>\n"
            f"<ul>\n{items}\n</ul>\n</div>\n")


def related_block(r: ArchivedReport, related: list[ArchivedReport]) -> str:
    """The reports that share this one's most distinctive words (site/related.py), or ""."""
    if not related:
        return ""
    items = "\n".join(
        f'<li>{link(r.url, other.url, other.report.title)} <span class="ra-list-meta">'
        f'{esc(" · ".join(x for x in (other.report.year_label, other.report.region) if x))}</span></li>'
        for other in related)
    return ('\n\n<div class="ra-related" markdown="0">\n<h2 id="related">相关报告</h2>\n'
            f'<ul class="ra-report-list">\n{items}\n</ul>\n</div>\n')


_ACCESSED, _URL = "\x00accessed\x00", "\x00url\x00"   # placeholders, replaced once escaped


def citation_block(r: ArchivedReport, base_url: str = "/") -> str:
    """How to cite the report (site/citation.py): GB/T 7714-2015 and BibTeX. The access date
    and, on a site without an absolute `site_url`, the address are in spans that
    report-tools.js sets to today's date and the page's address; the copy buttons are its own."""
    data = citation_data(r.report, _URL, _ACCESSED)
    url = base_url.rstrip("/") + "/" + r.url

    def marked(text: str) -> str:
        return (esc(text).replace(esc(_ACCESSED), f'<span class="ra-cite-date">{esc(r.added)}</span>')
                .replace(esc(_URL), f'<span class="ra-cite-url">{esc(url)}</span>'))

    return ('\n\n<div class="ra-cite" markdown="0">\n<h2 id="cite">引用本报告</h2>\n'
            '<p class="ra-cite-label">GB/T 7714-2015</p>\n'
            f'<p class="ra-cite-text">{marked(gbt7714(data))}</p>\n'
            '<p class="ra-cite-label">BibTeX</p>\n'
            f'<pre class="ra-cite-text"><code>{marked(bibtex(data, bibtex_key(replace(data, url=url))))}</code></pre>\n</div>\n')


def report_tail(r: ArchivedReport, related: list[ArchivedReport], base_url: str = "/") -> str:
    """Everything below a report's text: other versions, related reports, the citation."""
    # One blank line between blocks, as Markdown writes them out: the plugin finds the tail in
    # the rendered page by its text (site/sanitize.py), and keeps its classes only then.
    blocks = [b.strip() for b in (report_versions(r), related_block(r, related), citation_block(r, base_url))]
    return "\n\n" + "\n\n".join(b for b in blocks if b) + "\n"


def report_page(r: ArchivedReport, related: list[ArchivedReport] | None = None, base_url: str = "/",
                keyword_pages: frozenset[str] = frozenset()) -> str:
    """The page's Markdown: the mark of our metadata block, the report's own text, then the
    mark of `report_tail`. The plugin puts the blocks in place of their marks and cleans the
    text apart from them (site/sanitize.py)."""
    head, tail = report_header(r, keyword_pages), report_tail(r, related or [], base_url)
    return (front_matter(r.report.title) + block_mark(head) + "\n\n"
            + r.report.body.strip() + "\n\n" + block_mark(tail) + "\n")
