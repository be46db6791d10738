"""The index format's one declaration (format.py) covers what the writer writes, is what the
worker gets, and is what the docs show."""

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from reform_archive.search import format
from reform_archive.search.builder import SearchIndexBuilder
from reform_archive.search.index import SearchDocument, build_search_index
from reform_archive.search.scripts import FORMAT_SLOT, asset, source
from tests.conftest import REPO

MARKER = "<!-- made from reform_archive/search/format.py by format.markdown(); tests/search/test_format.py keeps it in step -->"


def test_docs_show_the_format_as_declared():
    text = (REPO / "docs" / "search.md").read_text(encoding="utf-8")
    assert MARKER in text
    assert text.split(MARKER, 1)[1].lstrip("\n") == format.markdown(), (
        "docs/search.md is out of step with format.py: put format.markdown() after the marker")


def _docs(n=40):
    """Reports of every shape the files have: with and without year, province, topics and
    headings, and one long enough for text blocks and positions of their own."""
    return [SearchDocument(url=f"reports/r{i}/", title=f"报告{i}",
                           body="乡镇卫生院改革。" * (i % 7 + 1) + "长" * 3000 * (i == 3),
                           year=2000 + i % 5 if i % 3 else None, region="湖南省", regions=["湖南省"] if i % 2 else [],
                           topics=["医疗卫生"] if i % 4 else [], headings=[(0, 5)] if i % 5 == 0 else [])
            for i in range(n)]


def _template(file: format.IndexFile) -> re.Pattern:
    return re.compile(re.sub(r"\\\{\w+\\\}", r"[0-9]+", re.escape(file.template)) + r"\Z")


@pytest.mark.parametrize("lines_table_max", [256 * 1024, 0], ids=["lines-table", "lines-apart"])
def test_every_file_written_is_declared_and_compressed_as_declared(lines_table_max):
    files = build_search_index(_docs(), lines_table_max=lines_table_max)
    kinds = {file.key: 0 for file in format.FILES}
    for name, data in files.items():
        declared = [file for file in format.FILES if _template(file).match(name)]
        assert len(declared) == 1, f"{name}: declared by {[f.key for f in declared]}"
        assert data.startswith(b"\x1f\x8b") == declared[0].gzip, name
        kinds[declared[0].key] += 1
    # Both kinds of positions, and the lines of the build's choice, were there to check.
    assert kinds["positions"] and kinds["packedPositions"] and kinds["text"] > len(_docs())
    assert (kinds["linesTable"] == 1) == bool(lines_table_max) and bool(kinds["line"]) != bool(lines_table_max)


def test_the_manifest_reads_as_written():
    files = build_search_index(_docs())
    manifest = format.Manifest.from_json(files["manifest.json"])
    assert manifest.to_json() == files["manifest.json"]
    assert (manifest.version, manifest.docs, manifest.text_block) == (format.FORMAT_VERSION, 40, format.TEXT_BLOCK)
    with pytest.raises(ValueError, match="unknownField"):
        format.Manifest.from_json(json.dumps({**json.loads(files["manifest.json"]), "unknownField": 1}))


def test_a_sites_manifest_with_a_delta_reads(tmp_path: Path):
    docs = _docs(60)

    def build(documents):
        builder = SearchIndexBuilder()
        for d in documents:
            builder.add_text(d.url, d.title, d.body, year=d.year, region=d.region)
        builder.write(tmp_path / "site", tmp_path / "cache")
        return format.Manifest.from_json((tmp_path / "site" / "search" / "manifest.json").read_bytes())

    assert build(docs).delta is None
    edited = [*docs[:59], SearchDocument(url="reports/new/", title="新报告", body="新的乡镇卫生院。")]
    delta = build(edited).delta
    assert delta is not None and (delta.dir, delta.docs, len(delta.removed)) == ("delta", 1, 1)


def test_a_rebuild_with_the_same_delta_takes_it_from_the_cache(tmp_path: Path):
    docs = _docs(60)
    damaged = []

    def build(documents):
        builder = SearchIndexBuilder(on_damage=damaged.append)
        for d in documents:
            builder.add_text(d.url, d.title, d.body, year=d.year, region=d.region)
        delta = tmp_path / "site" / "search" / "delta"
        shutil.rmtree(delta, ignore_errors=True)   # as MkDocs empties the site folder
        builder.write(tmp_path / "site", tmp_path / "cache")
        return {p.relative_to(delta).as_posix(): p.read_bytes() for p in delta.rglob("*") if p.is_file()}

    build(docs)
    edited = [*docs[:59], SearchDocument(url="reports/new/", title="新报告", body="新的乡镇卫生院。")]
    first = build(edited)
    kept = next((tmp_path / "cache").rglob("delta.marshal"))
    written = kept.stat().st_mtime_ns
    assert build(edited) == first and kept.stat().st_mtime_ns == written   # read, not made again
    # Another delta replaces it; a damaged one is named and made again.
    other = [*docs[:59], SearchDocument(url="reports/new/", title="新报告", body="新的税费改革。")]
    assert build(other) != first and kept.stat().st_mtime_ns != written
    kept.write_bytes(kept.read_bytes()[:-3] + b"xyz")
    assert build(edited) == first and damaged == [kept]


@pytest.mark.parametrize("key, kind", [("乡", format.UNIGRAM), ("乡镇", format.BIGRAM), ("\t乡镇", format.SHORT_WORD),
                                       ("\t卫生院", format.EXACT_WORD), ("\t乡镇卫生院", format.EXACT_WORD),
                                       ("𠀀", format.UNIGRAM), ("a𠀀", format.BIGRAM)])
def test_a_key_says_its_kind_of_entry(key, kind):
    assert format.entry_kind(key) is kind


@pytest.mark.parametrize("key", ["", "三个字", "\t", "\t乡"])
def test_a_key_of_no_kind_is_refused(key):
    with pytest.raises(ValueError, match="no kind of entry"):
        format.entry_kind(key)


def test_the_worker_gets_the_format_written_in():
    raw = (REPO / "reform_archive" / "search" / "assets" / "search-worker.js").read_text(encoding="utf-8")
    assert raw.count(FORMAT_SLOT) == 1
    line = next(line for line in source("search-worker.js").splitlines() if line.startswith("const FORMAT = "))
    assert json.loads(line.removeprefix("const FORMAT = ").removesuffix(";")) == format.for_worker()
    # As the site gets it, minified: the same format, no comments, a good third smaller.
    script = asset("search-worker.js")
    assert FORMAT_SLOT not in script and "/*" not in script and len(script) < 0.7 * len(raw)
    at = script.index("const FORMAT=") + len("const FORMAT=")
    assert json.JSONDecoder().raw_decode(script, at)[0] == format.for_worker()
    page_script = (REPO / "reform_archive" / "search" / "assets" / "search-ui.js").read_text(encoding="utf-8")
    assert source("search-ui.js") == page_script
    assert "/*" not in asset("search-ui.js") and len(asset("search-ui.js")) < 0.8 * len(page_script)


def test_a_length_code_is_within_one_step_below_the_length():
    # Values worked out by hand from the rule that docs/search.md states.
    assert [format.length_code(n) for n in (0, 31, 32, 33, 34, 63, 64, 1000, 507_904, 10**7)] == [
        0, 31, 32, 32, 33, 47, 48, 111, 255, 255]
    assert [format.length_value(c) for c in (31, 32, 33, 47, 48, 111, 255)] == [31, 32, 34, 62, 64, 992, 507_904]
    for n in range(1, 600_000):
        c = format.length_code(n)
        assert format.length_value(c) <= n and (c == 255 or n < format.length_value(c + 1)), n
        assert n - format.length_value(c) <= n / 16 or c == 255, n


def test_a_year_code_keeps_the_order_of_years():
    assert [format.year_code(y) for y in (None, 0, 1700, 1801, 1954, 2006, 2055, 2100)] == [0, 0, 1, 1, 154, 206, 255, 255]
    assert [format.year_value(c) for c in (0, 154, 206)] == [0, 1954, 2006]


def test_docinfo_is_its_declared_columns():
    docs = _docs()
    info = gzip.decompress(build_search_index(docs)["docinfo.bin"])
    assert len(info) == sum(format.COLUMN_BYTES[c.type] for c in format.DOCINFO_COLUMNS) * len(docs)
