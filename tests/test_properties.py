"""Property-based tests (hypothesis): the readers never crash on hostile input, and a report
written by `Report.to_markdown` reads back as the same report.

The readers face files typed by hand or scraped from the web, so the contract is: a problem
naming the file, never a traceback. `parse_report`/`read_report` return problems;
`decode_bytes`/`articles_from_source` raise `SourceError` (which the importer reports per file)
and nothing else.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from reform_archive.ingest.formats import SourceError, decode_bytes
from reform_archive.ingest.importer import articles_from_source
from reform_archive.problems import Problem
from reform_archive.report import Report, parse_report, read_report
from reform_archive.topics import TOPIC_NAMES

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """One folder for the whole module: hypothesis runs many examples per test call, and
    function-scoped fixtures such as tmp_path are not reset between them."""
    return tmp_path_factory.mktemp("properties")


# --- strategies ---------------------------------------------------------------------------------

# Pieces of front matter that exercise YAML's corners: indicators, anchors and aliases, tags
# (including the unsafe python/* ones), flow collections, dates (valid and not), block scalars.
YAML_TOKENS = (
    "title", "year", "region", "topic", "keywords", "source", "date", "summary", "extra",
    ": ", ":", "\n", "\n  ", "\t", " ", "- ", "-", "[", "]", "{", "}", ",", "*a", "&a", "*b", "&b",
    "!!python/object:os.system", "!!python/object/apply:os.system ['true']", "!!binary aGk=",
    "!!set", "!!omap", "!!str", "!!int", "!!float", "!!timestamp", "!foo", "!", "? ", "'", '"',
    "#", "|", ">", "|-", "%YAML 1.1", "<<: ", "@", "`", "\\", "=", "~", "null", "yes", "no",
    "2006", "2006年", "二〇〇六年", "06", "2006-01-01", "2006-1-1", "2006-13-45", "2006-02-30",
    "2001-12-14 21:59:43.10 -5", "2001-12-14 25:00:00", "1e400", ".inf", ".nan", "0x1F", "0o17",
    "湖南省常德市石门县", "乡镇机构改革", "机构编制", "关键词、编制；改革", "中文", "---", "...",
    "--- x", "\r\n", "\r", "\x00", "\ufeff", "\u2028", "\x85",
)

yamlish = st.lists(st.sampled_from(YAML_TOKENS) | st.text(max_size=4), max_size=40).map("".join)

front_matter_texts = st.builds(
    lambda head, close, body: "---\n" + head + ("\n---\n" if close else "") + body,
    yamlish, st.booleans(), st.text(max_size=40))

any_text = st.text() | front_matter_texts | st.builds(lambda t: "---" + t, st.text())

names = st.sampled_from(["x.md", "reports/2006/报告.md"]) | st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)

binaries = (
    st.binary(max_size=300)
    | st.builds(lambda bom, b: bom + b, st.sampled_from(BOMS), st.binary(max_size=100))
    | st.builds(lambda b: b"---\n" + b, st.binary(max_size=100))
    | st.builds(lambda t, enc: t.encode(enc, errors="ignore"),
                any_text, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "big5",
                                           "latin-1"]))
    | st.builds(lambda b, n: b[:n] + b"\x00" + b[n:], st.binary(max_size=60),
                st.integers(0, 60))
)

CJK_AND_ASCII = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5) | st.characters(
    min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\n\t")


def check_parsed(parsed, name: str) -> None:
    assert parsed.report is None or isinstance(parsed.report, Report), parsed
    assert isinstance(parsed.problems, list)
    for problem in parsed.problems:
        assert isinstance(problem, Problem), problem
        assert str(problem).startswith(name), (name, str(problem))


# --- 1. parse_report / read_report never raise ----------------------------------------------------

@SETTINGS
@given(text=any_text, name=names)
@example(text="---\ntitle: 报告\n---\n正文", name="x.md")
@example(text="---\n!!python/object/apply:os.system ['true']\n---\n", name="x.md")
@example(text="---\na: &a [*a]\ntitle: *a\n---\n", name="x.md")
# A mistyped date in the front matter: an impossible calendar date is a YAML timestamp that
# PyYAML cannot construct (ValueError, not a YAMLError).
@example(text="---\ntitle: 报告\ndate: 2006-02-30\n---\n正文\n", name="x.md")
@example(text="---\ntitle: 报告\nyear: 2006-13-01\n---\n正文\n", name="x.md")
# Explicit tags whose value PyYAML's SafeLoader cannot construct: IndexError, KeyError,
# AttributeError escape from yaml.safe_load instead of a YAMLError.
@example(text="---\n!!int\n---", name="x.md")
@example(text="---\ntitle: 报告\nsummary: !!bool maybe\n---\n正文\n", name="x.md")
@example(text="---\ntitle: 报告\ndate: !!timestamp 明天\n---\n正文\n", name="x.md")
def test_parse_report_never_raises(text, name):
    check_parsed(parse_report(text, name), name)


@pytest.mark.parametrize("depth", [200, 1000])
def test_parse_report_deeply_nested_yaml_is_a_problem_not_a_crash(depth):
    """A front matter nested deeper than Python's recursion limit (PyYAML composes recursively)."""
    for value in ("[" * depth, "[" * depth + "]" * depth, "{a: " * depth + "1" + "}" * depth):
        text = f"---\ntitle: {value}\n---\n正文\n"
        check_parsed(parse_report(text, "deep.md"), "deep.md")


@SETTINGS
@given(raw=binaries)
@example(raw=b"\xef\xbb\xbf\xff---")
@example(raw=b"---\ntitle: a\ndate: 2006-02-30\n---\nx")
def test_read_report_never_raises(raw, workdir):
    path = workdir / "report.md"
    path.write_bytes(raw)
    check_parsed(read_report(path, label="lbl.md"), "lbl.md")
    check_parsed(read_report(path), str(path))


# --- 2. decode_bytes ------------------------------------------------------------------------------

@SETTINGS
@given(raw=binaries, name=st.sampled_from(["src.txt", "页面.html"]))
@example(raw=codecs.BOM_UTF8 + b"\xff", name="src.txt")        # BOM, then invalid UTF-8
@example(raw=codecs.BOM_UTF16_LE + b"A", name="src.txt")       # UTF-16 BOM, odd length
@example(raw=codecs.BOM_UTF16_BE + b"\xd8\x00", name="src.txt")  # lone surrogate
def test_decode_bytes_returns_text_or_raises_source_error(raw, name):
    try:
        result = decode_bytes(raw, name)
    except SourceError as exc:
        assert name in str(exc), str(exc)
        return
    text, encoding = result
    assert isinstance(text, str) and isinstance(encoding, str) and encoding


@SETTINGS
@given(text=st.text(CJK_AND_ASCII, min_size=1))
@example(text="乡镇机构改革")
@example(text="a")
def test_decode_bytes_reads_utf8_cjk_back(text):
    assume(text.strip())
    assert decode_bytes(text.encode("utf-8"), "x.txt") == (text, "utf-8")


# --- 3. articles_from_source ------------------------------------------------------------------

@FAST
@given(content=st.text() | st.text(CJK_AND_ASCII) | front_matter_texts | binaries)
@example(content=codecs.BOM_UTF8 + b"\xff\xfe")
@example(content="乡镇办公室科员工作篇1\n正文一\n乡镇办公室科员工作篇2\n正文二\n时间:2012-05-06\n")
def test_articles_from_source_raises_only_source_error(content, workdir):
    path = workdir / "page.txt"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    try:
        reports = articles_from_source(path)
    except SourceError as exc:
        assert str(path) in str(exc), str(exc)
        return
    assert isinstance(reports, list)
    assert all(isinstance(r, Report) for r in reports)


# --- 4. round trip: to_markdown, then parse_report ------------------------------------------------

# NEL (U+0085) is left out of the free-text fields here: it does not survive the round trip
# (see test_round_trip_keeps_next_line_character below, a known failure of its own).
NEL = "\x85"
no_control = st.characters(blacklist_categories=("Cc", "Cs"))
free_text = st.characters(blacklist_categories=("Cs",), blacklist_characters=NEL)
titles = st.text(no_control, min_size=1, max_size=40).map(lambda t: " ".join(t.split())) \
    .filter(bool)
keywords = st.text(st.characters(blacklist_categories=("Cc", "Cs"),
                                 blacklist_characters=",，、;；"), min_size=1, max_size=8) \
    .map(str.strip).filter(lambda k: k and NEL not in k)
bodies = st.text(min_size=1, max_size=200).filter(lambda b: b.strip())

reports = st.builds(
    Report,
    title=titles,
    body=bodies,
    year=st.none() | st.integers(1900, 2026),
    region=st.text(free_text, max_size=20),
    topics=st.lists(st.sampled_from(sorted(TOPIC_NAMES)), max_size=4, unique=True),
    keywords=st.lists(keywords, max_size=5),
    source=st.dictionaries(st.text(free_text, max_size=10), st.text(free_text, max_size=20),
                           max_size=4),
)


def normalised_body(body: str) -> str:
    """What a report file's body reads back as: to_markdown writes `body.strip() + "\\n"`, and
    the parser turns CR and CRLF line ends into LF."""
    return body.strip().replace("\r\n", "\n").replace("\r", "\n") + "\n"


@SETTINGS
@given(report=reports)
@example(report=Report(title="2006", body="正文", region="  湖南省 ", keywords=["1", "null"],
                       source={"file": "yes", "": "---"}))
@example(report=Report(title="--- x", body="---\n正文\n---", region="a\n---\nb",
                       source={"note": "a\n...\nb"}))
def test_to_markdown_round_trip(report):
    text = report.to_markdown()
    parsed = parse_report(text, "x.md")
    back = parsed.report
    assert back is not None, (text, [str(p) for p in parsed.problems])
    errors = [str(p) for p in parsed.problems if p.is_error]
    assert errors == [], (text, errors)
    assert back.title == report.title, text
    assert back.year == report.year, text
    assert back.region == report.region.strip(), text
    assert back.topics == report.topics, text
    assert back.keywords == report.keywords, text
    assert back.source == report.source, text
    assert back.body == normalised_body(report.body), text
    assert back.extra == {}, text


@pytest.mark.parametrize("field", ["region", "keywords", "source"])
def test_round_trip_keeps_next_line_character(field):
    """U+0085 (NEL, e.g. a 0x85 byte of a page decoded as Latin-1) inside a value: PyYAML's
    emitter writes it raw inside a quoted scalar, where YAML 1.1 reads it as a line break and
    folds it into a space, so the value read back differs from the value written."""
    value = "湖南省\x85石门县"
    report = Report(title="报告", body="正文",
                    region=value if field == "region" else "",
                    keywords=[value] if field == "keywords" else [],
                    source={"page_title": value} if field == "source" else {})
    back = parse_report(report.to_markdown(), "x.md").report
    assert back is not None
    got = {"region": back.region, "keywords": back.keywords[:1] and back.keywords[0],
           "source": back.source.get("page_title")}[field]
    assert got == value, (report.to_markdown(), got)


# --- relative links -----------------------------------------------------------------------------

_SEGMENT = st.sampled_from(["reports", "2006", "未知", "石门县", "topics", "a-b", "x"])
_DIR_URL = st.lists(_SEGMENT, max_size=4).map(lambda parts: "/".join(parts) + "/" if parts else "")


@FAST
@given(_DIR_URL, st.one_of(_DIR_URL, _DIR_URL.map(lambda u: u.rstrip("/"))))
def test_href_is_the_relative_path_from_one_page_to_another(from_url, to_url):
    """`href` walks the path itself (posixpath.relpath asks the OS for the working folder on
    every call); it must give what relpath gives, and lead back to the target."""
    import posixpath
    from urllib.parse import unquote

    from reform_archive.site.html import href

    expected = posixpath.relpath(to_url.rstrip("/") or ".", from_url.rstrip("/") or ".")
    if to_url.endswith("/") or to_url == "":
        expected = expected.rstrip("/") + "/"
    got = href(from_url, to_url)
    assert unquote(got) == expected
    assert posixpath.normpath(posixpath.join(from_url or ".", unquote(got))) == (to_url.rstrip("/") or ".")
