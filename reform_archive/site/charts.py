"""Charts drawn at build time as inline SVG: no script, no library, no request.

`timeline` is the home page's reports per year on a real time axis: one slot per calendar year
from the first to the last, so the years with no report show as gaps; decades labelled; each
bar a link to its year page; the reports without a year counted apart, beside the axis.
`sparkline` is a topic's reports per year over the archive's span, on the topic's page.
"""

from __future__ import annotations

from collections import Counter

from ..report import UNKNOWN_YEAR
from .html import esc, href, link

SLOT, BAR, HEIGHT, AXIS = 12, 9, 120, 20   # px: one year's slot and bar, plot height, label band


def known_years(counts: Counter) -> list[int]:
    return sorted(int(y) for y in counts if y != UNKNOWN_YEAR)


def timeline(page_url: str, counts: Counter, year_url) -> str:
    """`counts`: {year label: reports}; `year_url(label)`: the site URL of a year's page."""
    years = known_years(counts)
    unknown = counts.get(UNKNOWN_YEAR, 0)
    if not years:
        return ""
    first, last = years[0], years[-1]
    span = last - first + 1
    width = span * SLOT + 2 * SLOT
    peak = max(counts[str(y)] for y in years)
    plot = HEIGHT - AXIS
    parts = [f'<line x1="0" y1="{plot}" x2="{width}" y2="{plot}" class="ra-axis"/>']
    for offset in range(span):
        year = first + offset
        x = SLOT + offset * SLOT
        if year % 10 == 0 or offset == 0 or year == last:
            # Decades, and the two ends, are labelled; a decade also gets a tick.
            parts.append(f'<line x1="{x + BAR / 2}" y1="{plot}" x2="{x + BAR / 2}" y2="{plot + 4}" class="ra-axis"/>')
            parts.append(f'<text x="{x + BAR / 2}" y="{HEIGHT - 4}" text-anchor="middle" '
                         f'class="ra-bar-label">{year}</text>')
        n = counts.get(str(year), 0)
        if not n:
            continue
        h = max(2, round(n / peak * (plot - 14)))
        target = esc(href(page_url, year_url(str(year))))
        parts.append(f'<a href="{target}" aria-label="{year}年：{n} 篇"><g><title>{year}年：{n} 篇</title>'
                     f'<rect x="{x}" y="{plot - h}" width="{BAR}" height="{h}" class="ra-bar"/></g></a>')
    label = f"每年报告数，{first}–{last} 年（空白为没有报告的年份）"
    svg = (f'<svg role="img" aria-label="{esc(label)}" width="{width}" height="{HEIGHT}" '
           f'viewBox="0 0 {width} {HEIGHT}" class="ra-timeline">' + "".join(parts) + "</svg>")
    apart = (f'<p class="ra-chart-apart">另有 {link(page_url, year_url(UNKNOWN_YEAR), f"{unknown} 篇年份未知")}'
             "，未画在时间轴上。</p>" if unknown else "")
    return (f'<figure class="ra-chart">{svg}<figcaption>{esc(label)}；点击柱条进入该年</figcaption>'
            f"</figure>\n{apart}\n")


def sparkline(counts: Counter, first: int, last: int, label: str) -> str:
    """A small line of `counts` ({year: reports}) over first…last; "" when there is no year."""
    if not counts or last < first:
        return ""
    span = last - first + 1
    width, height, step = max(60, span * 4), 24, 4
    peak = max(counts.values())
    points = " ".join(f"{i * step + 1},{height - 2 - round(counts.get(first + i, 0) / peak * (height - 4), 1)}"
                      for i in range(span))
    busiest = max(counts, key=lambda y: (counts[y], -y))
    title = f"{label}：{first}–{last} 年各年报告数，最多 {busiest} 年 {counts[busiest]} 篇"
    return (f'<svg role="img" aria-label="{esc(title)}" class="ra-sparkline" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}"><title>{esc(title)}</title>'
            f'<polyline points="{points}" class="ra-spark"/></svg>')
