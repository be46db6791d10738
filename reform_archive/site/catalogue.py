"""The catalogue export: `data/reports.json` and `data/reports.csv`, one record per report,
duplicates included (with `duplicate_of`), so users can take the archive into Excel or scripts."""

from __future__ import annotations

import csv
import io
import json

from ..archive import Archive, ArchivedReport
from .pages import source_label, source_url

CATALOGUE_JSON = "data/reports.json"
CATALOGUE_CSV = "data/reports.csv"
FIELDS = ("title", "year", "region", "topic", "keywords", "url", "source", "source_url", "duplicate_of")


def catalogue_records(archive: Archive, base_url: str = "/") -> list[dict]:
    def url(r: ArchivedReport) -> str:
        return base_url + r.url

    records = []
    for r in sorted(archive.reports, key=lambda r: r.key):
        records.append({
            "title": r.report.title,
            "year": r.report.year,
            "region": r.report.region,
            "topic": list(r.report.topics),
            "keywords": list(dict.fromkeys(r.report.keywords)),   # `reform-archive index SITE` searches them too
            "url": url(r),   # its own, stable: a hidden version's page leads to the one shown
            "source": source_label(r.report.source),
            "source_url": source_url(r.report.source),
            "duplicate_of": url(r.duplicate_of) if r.duplicate_of else None,
            "file": r.key,
        })
    return records


def catalogue_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def catalogue_csv(records: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS + ("file",))
    for rec in records:
        writer.writerow([_cell(v) for v in (
            rec["title"], rec["year"] or "", rec["region"], ";".join(rec["topic"]),
            ";".join(rec["keywords"]), rec["url"], rec["source"], rec["source_url"],
            rec["duplicate_of"] or "", rec["file"],
        )])
    # A BOM so that Excel opens the UTF-8 file with Chinese intact.
    return "\ufeff" + buffer.getvalue()


def _cell(value: object) -> str:
    """A title such as `=HYPERLINK(…)` must stay text in a spreadsheet, not become a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
