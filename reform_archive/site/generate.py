"""Everything the site is made of that is generated from the archive, as {path: content}:
report pages, index pages, the home page, the catalogue export and the stylesheet."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from ..archive import Archive
from .catalogue import catalogue_csv, catalogue_json, catalogue_records
from .indexes import home_page, region_pages, topic_pages, year_pages
from .pages import report_page

STYLESHEET = "assets/reform-archive.css"


@dataclass(frozen=True)
class GeneratedFile:
    src_uri: str
    content: str
    is_report: bool = False


def generate_site(archive: Archive, base_url: str = "/") -> list[GeneratedFile]:
    out = [GeneratedFile(r.src_uri, report_page(r), True) for r in archive.shown]
    pages = {"index.md": home_page(archive)}
    pages.update(topic_pages(archive))
    pages.update(year_pages(archive))
    pages.update(region_pages(archive))
    out += [GeneratedFile(uri, content) for uri, content in pages.items()]
    records = catalogue_records(archive, base_url)
    out.append(GeneratedFile("data/reports.json", catalogue_json(records)))
    out.append(GeneratedFile("data/reports.csv", catalogue_csv(records)))
    css = files("reform_archive.site").joinpath("reform-archive.css").read_text(encoding="utf-8")
    out.append(GeneratedFile(STYLESHEET, css))
    return out
