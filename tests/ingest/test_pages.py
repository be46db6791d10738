"""Whole pages through the importer, against expected files written by reading them.

`tests/fixtures/wild/` holds six small real government pages (from benchmarks/wild/, see its
README); `tests/fixtures/constructed/` pages written by hand for the compilation styles and
chrome families no real page was found for (see its README). For every page: the articles
found, in order; every sentence of each article kept; no chrome string left in any body;
year, region and title as expected; pages that hold no article refused with a message that
names the file.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from reform_archive.ingest.importer import NotAnArticle, articles_from_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = sorted((FIXTURES / "wild").glob("*.expected.yaml")) + sorted((FIXTURES / "constructed").glob("*.expected.yaml"))

# Expected values the text itself cannot give: what the importer gives instead is pinned, so that
# a change either way (right at last, or wrong) shows.
UNREACHABLE = {
    ("16_city_dept_yiyang_reform_meeting", "region"): (
        "", "the text names no place (我市, 市财政局); only the site's address says 益阳"),
}

_PUNCT = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "【": "[", "】": "]",
                        "〔": "[", "〕": "]", "—": "-", "…": "..."})


def normalised(text: str) -> str:
    """Text as compared: punctuation width, Markdown heading marks and escapes, spaces and a
    heading's trailing colon do not count (the importer normalises them on purpose)."""
    text = re.sub(r"(?m)^#{1,6}\s+", "", text)
    text = re.sub(r"\\([\\`*_\[\]<>#+\-=|])", r"\1", text)
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    text = re.sub(r"\s+", "", text)
    return re.sub(r"([,.;:!?])\1+", r"\1", text)


def sentences(text: str) -> list[str]:
    return [s for line in text.split("\n") for s in re.split(r"(?<=[。！？；!?;])", line) if normalised(s)]


def expected_articles(spec: dict, page: Path) -> list[dict]:
    lines = page.read_text(encoding="utf-8").split("\n")
    articles = []
    for item in spec.get("articles") or []:
        if "sentences" in item:
            wanted = [s for text in item["sentences"] for s in sentences(str(text))]
        else:
            ranges = item["body_lines"]
            ranges = [ranges] if isinstance(ranges[0], int) else ranges
            wanted = [s for start, end in ranges for s in sentences("\n".join(lines[start - 1 : end]))]
        articles.append({**item, "wanted": wanted})
    return articles


@pytest.fixture(scope="module")
def imported() -> dict[str, object]:
    """Each page imported once: its reports, or the NotAnArticle it raised."""
    results: dict[str, object] = {}
    for spec_path in PAGES:
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
        page = spec_path.parent / spec["page"]
        try:
            results[spec_path.name] = articles_from_source(page)
        except NotAnArticle as exc:
            results[spec_path.name] = exc
    return results


def _case(spec_path: Path):
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    page = spec_path.parent / spec["page"]
    return spec, page


@pytest.mark.parametrize("spec_path", PAGES, ids=lambda p: p.name.removesuffix(".expected.yaml"))
def test_page_is_imported_as_its_articles(spec_path, imported):
    spec, page = _case(spec_path)
    result = imported[spec_path.name]
    if spec.get("refuse"):
        assert isinstance(result, NotAnArticle), f"{page.name} should be refused, got {result}"
        assert page.name in str(result)
        return
    assert not isinstance(result, Exception), result
    articles = expected_articles(spec, page)
    assert [r.title for r in result] and len(result) == len(articles), [r.title for r in result]
    for report, article in zip(result, articles):
        body = normalised(report.body)
        lost = [s for s in article["wanted"] if normalised(s).rstrip(":") not in body]
        assert not lost, f"{page.name} '{article['title']}': sentences lost {lost[:3]}"


@pytest.mark.parametrize("spec_path", [p for p in PAGES if not yaml.safe_load(p.read_text(encoding="utf-8")).get("refuse")],
                         ids=lambda p: p.name.removesuffix(".expected.yaml"))
def test_no_site_chrome_is_left_and_metadata_is_right(spec_path, imported):
    spec, page = _case(spec_path)
    result = imported[spec_path.name]
    bodies = [normalised(r.body) for r in result]
    left = [b for b in spec.get("boilerplate") or [] if any(normalised(b) in body for body in bodies)]
    assert not left, f"{page.name}: chrome left in the text: {left}"
    name = spec_path.name.removesuffix(".expected.yaml")
    for report, article in zip(result, expected_articles(spec, page)):
        titles = [normalised(t) for t in [article["title"], *(article.get("titles_ok") or [])]]
        assert normalised(report.title) in titles, (page.name, report.title)
        assert report.year in [article.get("year"), *(article.get("years_ok") or [])], (page.name, report.year)
        regions = [article.get("region") or "", *(article.get("regions_ok") or [])]
        if (name, "region") in UNREACHABLE:
            regions = [UNREACHABLE[(name, "region")][0]]
        assert report.region in regions, (page.name, report.region)


def test_two_copies_of_one_article_in_a_compilation_are_flagged_as_duplicates(tmp_path):
    from reform_archive.ingest.importer import import_sources

    result = import_sources([FIXTURES / "constructed" / "c01_trad_diyipian_related.txt"], tmp_path)
    assert len(result.written) == 4
    assert len(result.duplicates) == 1


def test_the_page_date_and_outlet_go_to_the_source_record(imported):
    report, = imported["03_prov_dept_deqing_investment.expected.yaml"]
    assert report.source["captured"] == "2016-11-22" and report.source["outlet"] == "省发改委"
    assert "发布日期" not in report.body and "2016-11-22" not in report.body


def test_a_compilation_keeps_its_title_in_the_source_record(imported):
    reports = imported["c03_fanwen_intro.expected.yaml"]
    assert {r.source["page_title"] for r in reports} == {"乡镇政府工作报告范文（精选3篇）"}
    assert [r.source["section"] for r in reports][:1] == ["范文一：清河镇2021年政府工作报告"]
