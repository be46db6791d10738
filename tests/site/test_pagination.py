"""Index pages of thousands of reports are split into pages of PAGE_SIZE, linked both ways."""

import re

from reform_archive.archive import Archive, ArchivedReport
from reform_archive.report import Report
from reform_archive.site.generate import generate_site
from reform_archive.site.indexes import PAGE_SIZE


def _archive(count: int) -> Archive:
    reports = []
    for i in range(count):
        region = "湖南省常德市石门县" if i % 2 else "湖南省"
        report = Report(title=f"报告{i:05d}", body="正文。", year=2006, region=region,
                        topics=["医疗卫生"])
        reports.append(ArchivedReport(report, f"r{i:05d}.md", f"r{i:05d}"))
    return Archive(reports, [], [])


def _listed(content: str) -> list[str]:
    return re.findall(r">(报告\d{5})</a>", content)


def test_a_topic_with_more_reports_than_a_page_is_split_with_links_between_pages():
    count = 2 * PAGE_SIZE + 7
    pages = {f.src_uri: f.content for f in generate_site(_archive(count))}
    first, second, third = (pages["topics/医疗卫生.md"], pages["topics/医疗卫生/2.md"],
                            pages["topics/医疗卫生/3.md"])
    assert "topics/医疗卫生/4.md" not in pages
    assert [len(_listed(p)) for p in (first, second, third)] == [PAGE_SIZE, PAGE_SIZE, 7]
    listed = _listed(first) + _listed(second) + _listed(third)
    assert sorted(listed) == sorted(f"报告{i:05d}" for i in range(count))   # each exactly once
    assert f"共 {count} 篇报告" in second
    # Page 2 sits at topics/医疗卫生/2/: its links go up one level to page 1 and across to 3.
    assert 'href="../" class="ra-page-prev">上一页' in second
    assert 'href="../3/" class="ra-page-next">下一页' in second
    assert 'href="2/" class="ra-page-next">下一页' in first and "上一页" not in first
    assert "下一页" not in third
    # A report link from page 2 is relative to page 2's URL.
    assert 'href="../../../reports/2006/' in second


def test_years_and_regions_are_split_too_and_small_indexes_are_not():
    pages = {f.src_uri: f.content for f in generate_site(_archive(PAGE_SIZE + 1))}
    assert "years/2006/2.md" in pages and "regions/湖南省/2.md" in pages
    assert len(_listed(pages["regions/湖南省.md"])) + len(_listed(pages["regions/湖南省/2.md"])) == PAGE_SIZE + 1
    small = {f.src_uri: f.content for f in generate_site(_archive(PAGE_SIZE))}
    assert not [uri for uri in small if re.fullmatch(r"[^/]+/[^/]+/\d+\.md", uri)]
    assert "ra-pager" not in small["topics/医疗卫生.md"]
