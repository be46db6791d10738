"""A report page's Markdown is known by its hash without being made, when an earlier build made
it from the same inputs (reform_archive/site/page_digests.py), and made again when any changed."""

from __future__ import annotations

from reform_archive.archive import load_archive
from reform_archive.site.generate import generate_site, markdown_digest
from reform_archive.site.indexes import keyword_groups
from reform_archive.site.page_digests import PageDigests
from reform_archive.site.pages import report_page
from reform_archive.site.related import related_reports

from ..conftest import REPO


def _reports(files):
    return {f.src_uri: f for f in files if f.is_report}


def _fresh(archive, related, base_url="/"):
    """Each report page's Markdown, made here the plain way."""
    by_key = {r.key: r for r in archive.shown}
    paged = frozenset(keyword_groups(archive))
    return {r.src_uri: report_page(r, related.of(r, by_key), base_url, paged) for r in archive.shown}


def test_a_page_seen_before_is_not_made_and_one_whose_inputs_changed_is(tmp_path):
    archive = load_archive(REPO / "reports")
    related = related_reports(archive)
    first = PageDigests(tmp_path)
    made = _reports(generate_site(archive, "/", related, first))
    assert made and not any(f.made for f in made.values())   # nothing made until asked for
    expected = _fresh(archive, related)
    assert {uri: f.digest for uri, f in made.items()} == {uri: markdown_digest(md) for uri, md in expected.items()}
    assert all(f.made for f in made.values())   # the hash asked for: the page made to hash it
    first.save()

    again = _reports(generate_site(archive, "/", related, PageDigests(tmp_path)))
    assert {uri: f.digest for uri, f in again.items()} == {uri: markdown_digest(md) for uri, md in expected.items()}
    assert not any(f.made for f in again.values())
    assert {uri: f.content for uri, f in again.items()} == expected   # and made when asked for

    # What a page shows of another report is part of its inputs: another report's new title, a
    # new site address, make the pages that show them again.
    shown = {r.key: r for r in archive.shown}
    page, other = next((r, related.of(r, shown)[0]) for r in archive.shown if related.of(r, shown))
    other.report.title = "改过标题的报告"
    changed = _reports(generate_site(archive, "/", related, PageDigests(tmp_path)))
    fresh = _fresh(archive, related)
    assert changed[page.src_uri].digest == markdown_digest(fresh[page.src_uri]) != markdown_digest(expected[page.src_uri])
    untouched = sorted(r.src_uri for r in archive.shown if r is not other and other not in related.of(r, shown))
    assert changed[page.src_uri].made and untouched
    assert not any(changed[uri].made for uri in untouched)
    elsewhere = _reports(generate_site(archive, "https://example.org/archive/", related, PageDigests(tmp_path)))
    for f in elsewhere.values():
        f.digest
    assert all(f.made for f in elsewhere.values())


def test_an_index_page_is_made_again_only_when_what_it_lists_changed(tmp_path):
    archive = load_archive(REPO / "reports")
    related = related_reports(archive)
    index_pages = lambda files: {f.src_uri: f for f in files  # noqa: E731
                                 if f.src_uri.startswith(("topics/", "years/", "regions/", "keywords/"))
                                 and f.src_uri.count("/") >= 1 and not f.src_uri.endswith("/index.md")}
    plain = {f.src_uri: f.content for f in generate_site(archive, "/", related)}
    first = PageDigests(tmp_path)
    made = index_pages(generate_site(archive, "/", related, first))
    assert made and {uri: f.digest for uri, f in made.items()} == {uri: markdown_digest(plain[uri]) for uri in made}
    first.save()
    again = index_pages(generate_site(archive, "/", related, PageDigests(tmp_path)))
    assert {uri: f.digest for uri, f in again.items()} == {uri: markdown_digest(plain[uri]) for uri in again}
    assert not any(f.made for f in again.values())
    assert {uri: f.content for uri, f in again.items()} == {uri: plain[uri] for uri in again}
    # A report's new title: the pages that list it are made again, with it; no other.
    report = archive.shown[0]
    report.report.title = "改过标题的报告"
    fresh = {f.src_uri: f.content for f in generate_site(archive, "/", related)}
    changed = index_pages(generate_site(archive, "/", related, PageDigests(tmp_path)))
    listing = {uri for uri in changed if "改过标题的报告" in fresh[uri]}
    assert listing and {uri for uri, f in changed.items() if f.digest != again[uri].digest} == listing
    assert {uri for uri, f in changed.items() if f.made} == listing
    assert all(changed[uri].content == fresh[uri] for uri in listing)
