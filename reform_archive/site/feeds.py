"""Feeds of the newest reports, by the date each entered the archive (added.py): RSS 2.0
(`feed.xml`) and JSON Feed 1.1 (`feed.json`).

Addresses are `base_url` + the report's URL: absolute when mkdocs.yml sets `site_url` (as a feed
reader needs), site-relative otherwise. Every value is text: in RSS it is HTML-escaped and then
XML-escaped (readers take `description` as HTML), characters XML 1.0 cannot hold are dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from email.utils import format_datetime
from xml.sax.saxutils import escape

from ..archive import Archive, ArchivedReport
from .html import esc

RSS_FEED = "feed.xml"
JSON_FEED = "feed.json"
FEED_ITEMS = 50
FEED_TITLE = "中国改革报告档案：新收录的报告"
FEED_DESCRIPTION = "乡镇机构改革总结、政府工作报告与调研报告的全文档案，按收录日期排列的最新报告"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def newest(archive: Archive, count: int = FEED_ITEMS) -> list[ArchivedReport]:
    """The shown reports newest first by the date they were added; then by title and file.
    A report whose date is not known (an archive made in code, not read by `load_archive`) is
    never among the newest."""
    by_title = sorted((r for r in archive.shown if r.added), key=lambda r: (r.report.title, r.key))
    return sorted(by_title, key=lambda r: r.added, reverse=True)[:count]


def _day(added: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(added), dt.time(), dt.timezone.utc)


def _summary(r: ArchivedReport) -> str:
    report = r.report
    facts = " · ".join(x for x in (report.year_label + "年" if report.year else "", report.region,
                                   "、".join(report.topics)) if x)
    text = report.summary or " ".join(report.body.split())[:160]
    return f"{facts}。{text}" if facts else text


def _xml(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def rss_feed(archive: Archive, base_url: str = "/") -> str:
    items = newest(archive)
    home = base_url
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">', "<channel>",
             f"<title>{_xml(FEED_TITLE)}</title>", f"<link>{_xml(home)}</link>",
             f"<description>{_xml(FEED_DESCRIPTION)}</description>", "<language>zh-CN</language>",
             f'<atom:link href="{_xml(base_url + RSS_FEED)}" rel="self" type="application/rss+xml"/>']
    if items:
        parts.append(f"<lastBuildDate>{format_datetime(_day(items[0].added))}</lastBuildDate>")
    for r in items:
        url = base_url + r.url
        parts += ["<item>", f"<title>{_xml(r.report.title)}</title>", f"<link>{_xml(url)}</link>",
                  f'<guid isPermaLink="true">{_xml(url)}</guid>',
                  f"<pubDate>{format_datetime(_day(r.added))}</pubDate>",
                  f"<description>{_xml(esc(_summary(r)))}</description>"]
        parts += [f"<category>{_xml(t)}</category>" for t in r.report.topics]
        parts.append("</item>")
    parts += ["</channel>", "</rss>"]
    return "\n".join(parts) + "\n"


def json_feed(archive: Archive, base_url: str = "/") -> str:
    def clean(value: object) -> str:
        return _NOT_XML.sub("", str(value))

    items = []
    for r in newest(archive):
        url = base_url + r.url
        item = {"id": url, "url": url, "title": clean(r.report.title), "content_text": clean(_summary(r)),
                "date_published": _day(r.added).isoformat()}
        if r.report.topics:
            item["tags"] = [clean(t) for t in r.report.topics]
        items.append(item)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": FEED_TITLE,
            "home_page_url": base_url, "feed_url": base_url + JSON_FEED,
            "description": FEED_DESCRIPTION, "language": "zh-CN", "items": items}
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"
