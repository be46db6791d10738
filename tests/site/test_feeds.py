"""The feeds, read by real parsers: feedparser (RSS 2.0) and jsonschema with JSON Feed 1.1's own
schema (tests/fixtures/feeds/). Reports are ordered by the date they entered the archive."""

from __future__ import annotations

import datetime as dt
import json
import os

import feedparser
import jsonschema
import pytest

from reform_archive.archive import load_archive
from reform_archive.site.feeds import json_feed, newest, rss_feed

from ..conftest import REPO

BASE = "https://archive.example.org/"
SCHEMA = json.loads((REPO / "tests" / "fixtures" / "feeds" / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
HOSTILE = "<script>alert(1)</script> & 注入\x01 ]]> \"引号\""


def _report(title: str, added: str, body: str = "正文。") -> str:
    return f"---\ntitle: {json.dumps(title)}\nyear: 2009\nregion: 湖南省\ntopic: [机构编制]\nadded: {added}\n---\n\n{body}\n"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("feed_reports")
    (folder / "old.md").write_text(_report("较早收录的报告", "2024-03-01", "较早的正文内容各不相同。"), encoding="utf-8")
    (folder / "new.md").write_text(_report("最新收录的报告", "2026-11-30", "最新的正文另有所述。"), encoding="utf-8")
    (folder / "evil.md").write_text(_report(HOSTILE, "2025-06-15", "恶意标题的报告正文。"),
                                    encoding="utf-8")
    return load_archive(folder)


def test_newest_first_by_date_added(archive):
    assert [r.report.title for r in newest(archive)] == ["最新收录的报告", HOSTILE.replace("\x01", ""), "较早收录的报告"]
    assert [r.added for r in newest(archive)] == ["2026-11-30", "2025-06-15", "2024-03-01"]


def test_rss_is_read_by_feedparser(archive):
    feed = feedparser.parse(rss_feed(archive, BASE))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert [e.link for e in feed.entries][0] == BASE + "reports/2009/new/"
    assert feed.entries[0].published_parsed[:3] == (2026, 11, 30)
    assert [t.term for t in feed.entries[0].tags] == ["机构编制"]


def test_rss_keeps_hostile_titles_as_text(archive):
    feed = feedparser.parse(rss_feed(archive, BASE))
    evil = feed.entries[1]
    assert evil.title == HOSTILE.replace("\x01", "")   # a control character is no text (and no XML)
    # The description is HTML to a reader: the title's markup arrives escaped, as text.
    assert "<script>" not in evil.summary


def test_json_feed_matches_the_schema(archive):
    data = json.loads(json_feed(archive, BASE))
    jsonschema.validate(data, SCHEMA)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "feed.json"
    assert [i["url"] for i in data["items"]][0] == BASE + "reports/2009/new/"
    assert dt.datetime.fromisoformat(data["items"][0]["date_published"]) == dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)
    assert data["items"][1]["title"] == HOSTILE.replace("\x01", "")


def test_an_item_without_text_breaks_the_schema():
    """The schema is really applied: an item needs content_text or content_html."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "https://jsonfeed.org/version/1.1", "title": "x",
                             "items": [{"id": "a"}]}, SCHEMA)


def test_date_added_falls_back_on_the_files_history(tmp_path):
    """Without `added:`, a file git does not hold is dated by its modification time (UTC)."""
    import os

    (tmp_path / "x.md").write_text("---\ntitle: 无收录日期\n---\n\n正文。\n", encoding="utf-8")
    stamp = dt.datetime(2023, 5, 6, 12, tzinfo=dt.timezone.utc).timestamp()
    os.utime(tmp_path / "x.md", (stamp, stamp))
    assert [r.added for r in load_archive(tmp_path).reports] == ["2023-05-06"]


def test_date_added_from_the_first_commit(tmp_path):
    import subprocess

    env = dict(os.environ, GIT_COMMITTER_DATE="2021-02-03T10:00:00Z", GIT_AUTHOR_DATE="2021-02-03T10:00:00Z")
    (tmp_path / "a.md").write_text("---\ntitle: 已提交的报告\n---\n\n正文。\n", encoding="utf-8")
    for cmd in (["git", "init", "-q"], ["git", "add", "a.md"],
                ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "a"]):
        subprocess.run(cmd, cwd=tmp_path, check=True, env=env)
    assert [r.added for r in load_archive(tmp_path).reports] == ["2021-02-03"]


def test_a_malformed_added_date_is_a_warning_not_an_error(tmp_path):
    (tmp_path / "x.md").write_text("---\ntitle: 日期有误\nadded: 上周\n---\n\n正文。\n", encoding="utf-8")
    archive = load_archive(tmp_path)
    assert len(archive.reports) == 1 and not archive.errors
    assert any("`added`" in p.message and p.line == 3 for p in archive.problems)
