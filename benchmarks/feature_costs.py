"""What each researcher feature (issue 15) costs a build, against the whole build, in one run.

    .venv/bin/python benchmarks/feature_costs.py [--size 10000] [--reports DIR]

A synthetic archive (make_archive.py, seeded; or --reports DIR) is built once, cold, with
`python -m reform_archive build` in a fresh project (as build_scale.py does). Then, in this
process, on the same archive, each feature's own work is timed as the build does it:

related      site/related.py with no cache (a cold build), then with the cache it left and
             nothing changed (a rebuild), then after one report is added (a rebuild after
             adding one: the new report's words are cut, the index is made again)
citations    the citation block of every report page (site/pages.py `citation_block`)
feeds        RSS and JSON Feed (site/feeds.py)
home charts  the timeline and the map of the home page, the topics' sparklines (site/charts.py,
             site/china_map.py)
date added   added.py over the reports folder (front matter, else git, else modification time)

Each figure is printed with its share of the cold build's wall time (the budget: ≤ 10 % for
related reports). Timings on the shared 2-core machine are noisy: run it twice.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from build_scale import build_ours, ours_project  # noqa: E402
from make_archive import make_archive  # noqa: E402

from reform_archive.added import added_dates  # noqa: E402
from reform_archive.archive import ArchivedReport, load_archive  # noqa: E402
from reform_archive.site.charts import timeline  # noqa: E402
from reform_archive.site.feeds import json_feed, rss_feed  # noqa: E402
from reform_archive.site.indexes import home_map, topic_pages, year_page  # noqa: E402
from reform_archive.site.pages import citation_block  # noqa: E402
from reform_archive.site.related import related_reports  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--reports", type=Path, help="an existing reports folder instead of a synthetic one")
    parser.add_argument("--no-build", action="store_true", help="time the features only")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="feature-costs-"))
    try:
        reports = args.reports
        if reports is None:
            reports = work / "reports"
            make_archive(args.size, reports, quiet=True)
        build_seconds = None
        if not args.no_build:
            build = build_ours(ours_project(work), reports)
            build_seconds = build.seconds
            print(f"cold build of {reports} ({build.pages} report pages): {build.seconds:.1f} s")
        archive = load_archive(reports)
        shown = archive.shown
        cache = work / "cache"
        cache.mkdir()
        rows = []
        t, related = timed(lambda: related_reports(archive, cache))
        rows.append(("related reports, cold", t))
        rows.append(("related reports, rebuild, nothing changed", timed(lambda: related_reports(archive, cache))[0]))
        base = shown[0]
        extra = ArchivedReport(type(base.report)(**{**base.report.__dict__, "title": "新增的报告",
                                                   "body": "新增报告的正文，讲乡镇卫生院机构编制。\n" + base.report.body}),
                               "zz-new.md", "zz-new", added="2099-01-01")
        archive.reports.append(extra)
        t, after = timed(lambda: related_reports(archive, cache))
        rows.append(("related reports, rebuild after adding one", t))
        archive.reports.pop()
        # Each report page whose list changed is rendered again by that rebuild.
        changed = sum(1 for key, keys in related.by_key.items() if after.by_key.get(key) != keys)
        with_five = sum(1 for v in related.by_key.values() if len(v) == 5)
        rows.append(("citations (every report page)", timed(lambda: [citation_block(r) for r in shown])[0]))
        rows.append(("feeds (RSS + JSON Feed)", timed(lambda: (rss_feed(archive), json_feed(archive)))[0]))
        years = Counter(r.report.year_label for r in shown)
        rows.append(("home timeline + map", timed(lambda: (timeline("", years, lambda y: year_page(y).url),
                                                           home_map(archive)))[0]))
        rows.append(("topic pages with sparklines (whole)", timed(lambda: topic_pages(archive))[0]))
        rows.append(("date added (added.py)", timed(lambda: added_dates(reports, {r.key: r.report.added for r in archive.reports}))[0]))
        print(f"{len(shown)} reports shown; {with_five} ({with_five / len(shown):.0%}) have 5 related reports; "
              f"adding one report changes the related list of {changed} other pages")
        for name, seconds in rows:
            share = f"  {seconds / build_seconds:6.1%} of the build" if build_seconds else ""
            print(f"  {name:<45} {seconds:7.2f} s{share}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
