"""How to cite a report of the archive: GB/T 7714-2015 and BibTeX, from its front matter.

GB/T 7714-2015 cites a web page as an electronic resource, `[EB/OL]` (§4.8 and §8.8):

    主要责任者. 题名[EB/OL]. (发表或更新日期)[引用日期]. 获取和访问路径.

The responsible party is the issuing body the source names (`source.author`, else
`source.outlet`), else the report's region (a national document's `全国` is no author and is
left out); the date is the report's `date`, else its year; the address is the report's page in
the archive (the copy the reader read). The access date (引用日期) is the reader's: the page
carries the day the report entered the archive, and report-tools.js puts today's date in its
place when the page is opened (and the page's own address, when the site has no `site_url`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..language.gazetteer import NATIONAL_REGION
from ..report import Report

ARCHIVE_NAME = "中国改革报告档案"


@dataclass(frozen=True)
class CitationData:
    title: str
    author: str          # issuing body or region; "" when none is known
    date: str            # YYYY-MM-DD, YYYY, or ""
    url: str
    accessed: str        # YYYY-MM-DD


def citation_data(report: Report, url: str, accessed: str) -> CitationData:
    source = report.source or {}
    author = str(source.get("author") or source.get("outlet") or "").strip()
    if not author and report.region and report.region != NATIONAL_REGION:
        author = report.region
    date = str(report.date or (report.year or "")).strip()
    return CitationData(report.title.strip(), " ".join(author.split()), date, url, accessed)


def _sentence(text: str) -> str:
    """A part of a GB/T entry ends with a full stop, unless it ends with punctuation already."""
    return text if re.search(r"[.。?？!！]$", text) else text + "."


def gbt7714(c: CitationData) -> str:
    parts = []
    if c.author:
        parts.append(_sentence(c.author))
    parts.append(f"{c.title}[EB/OL].")
    parts.append(f"({c.date})[{c.accessed}]." if c.date else f"[{c.accessed}].")
    parts.append(f"{c.url}.")
    return " ".join(parts)


_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def _bibtex_value(text: str) -> str:
    def escape(match: re.Match) -> str:
        char = match.group(1)
        if char == "\\":
            return r"\textbackslash{}"
        if char in "^~":
            return rf"\{char}{{}}"
        return "\\" + char
    return _BIBTEX_SPECIAL.sub(escape, text)


def bibtex_key(c: CitationData) -> str:
    """A key that stays the same for one report: the year and a hash of its address."""
    digest = hashlib.sha1(c.url.encode("utf-8")).hexdigest()[:8]
    year = c.date[:4] if c.date[:4].isdigit() else "nd"
    return f"reform-archive-{year}-{digest}"


def bibtex(c: CitationData, key: str | None = None) -> str:
    fields = [("title", "{" + _bibtex_value(c.title) + "}")]
    if c.author:
        fields.append(("author", "{" + _bibtex_value(c.author) + "}"))  # an organisation, kept whole
    if c.date[:4].isdigit():
        fields.append(("year", c.date[:4]))
    fields += [("howpublished", _bibtex_value(ARCHIVE_NAME)),
               ("url", c.url.replace("}", "%7D").replace("{", "%7B")),
               ("urldate", c.accessed), ("note", _bibtex_value(f"引用日期：{c.accessed}"))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key or bibtex_key(c)},\n{body}\n}}"
