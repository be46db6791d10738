"""Year and region accuracy of the importer on the shared corpus, against its manifest.

    .venv/bin/python benchmarks/metadata_accuracy.py [--corpus DIR]

Each corpus file is imported from its raw text (`articles_from_source`, as `reform-archive
import` does; the manifest is read only to score). A national document (manifest region 全国)
is right when it gets the region 全国, the archive's region for the whole country (issue 12;
before, national documents were expected to get no region). Province accuracy compares the
first level of the path, full accuracy the whole path. Topics are counted, not scored (the manifest has none): how many
reports each topic of the vocabulary holds, and how many got none. Without the corpus, the script says so and scores the seed page
against the expected values a person set in tests/ingest/test_metadata.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
NATIONAL = "全国"


def province_of(region: str) -> str:
    from reform_archive.language.gazetteer import gazetteer

    if not region or region == NATIONAL:
        return region
    for place in gazetteer.mentions(region)[:1]:
        return place.place.province
    return region


def expected_region(manifest_region: str) -> str:
    return manifest_region


def score(rows: list[dict]) -> None:
    n = len(rows)
    year_ok = [r for r in rows if r["year"] == r["want_year"]]
    prov_ok = [r for r in rows if province_of(r["region"]) == province_of(r["want_region"])]
    full_ok = [r for r in rows if r["region"] == r["want_region"]]
    print(f"documents        {n}")
    print(f"year             {len(year_ok)}/{n} = {100 * len(year_ok) / n:.1f}%")
    print(f"region province  {len(prov_ok)}/{n} = {100 * len(prov_ok) / n:.1f}%")
    print(f"region full      {len(full_ok)}/{n} = {100 * len(full_ok) / n:.1f}%")
    empty_year = sum(1 for r in rows if r["year"] is None and r["want_year"] is not None)
    wrong_year = n - len(year_ok) - empty_year
    print(f"year misses: {wrong_year} wrong, {empty_year} left empty")
    for r in rows:
        if r["year"] != r["want_year"]:
            print(f"  year   {r['file']}: got {r['year']}, manifest {r['want_year']}")
    for r in rows:
        if r["region"] != r["want_region"]:
            print(f"  region {r['file']}: got {r['region'] or '(empty)'}, "
                  f"expected {r['want_region'] or '(empty)'}")


def topic_counts(rows: list[dict]) -> None:
    """Reports per topic, in vocabulary order, and reports with no topic."""
    from reform_archive.topics import VOCABULARY

    counts = Counter(topic for r in rows for topic in r["topics"])
    n = len(rows)
    print("topics (reports per topic):")
    for topic in VOCABULARY:
        kind = "  (kind)" if topic.is_kind else ""
        print(f"  {topic.name:<8}{counts[topic.name]:>5}  {100 * counts[topic.name] / n:5.1f}%{kind}")
    untagged = [r["file"] for r in rows if not r["topics"]]
    print(f"  no topic    {len(untagged):>3}  {100 * len(untagged) / n:5.1f}%  {' '.join(untagged)}")


def corpus_rows(corpus: Path) -> list[dict]:
    from reform_archive.ingest.importer import articles_from_source

    rows = []
    for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        reports = articles_from_source(corpus / entry["file"])
        report = reports[0] if reports else None
        if len(reports) != 1:
            print(f"note: {entry['file']} imported as {len(reports)} reports; scoring the first",
                  file=sys.stderr)
        rows.append({
            "file": entry["file"],
            "year": report.year if report else None,
            "region": report.region if report else "",
            "topics": report.topics if report else [],
            "want_year": entry["year"],
            "want_region": expected_region(entry["region"]),
        })
    return rows


def seed_rows() -> list[dict]:
    sys.path.insert(0, str(REPO))
    from reform_archive.ingest.importer import articles_from_source
    from tests.ingest.test_metadata import EXPECTED

    seed = REPO / "reports" / "_sources" / "000_9839ded52f617271.txt"
    rows = []
    for n, report in enumerate(articles_from_source(seed), start=1):
        want_year, want_region = EXPECTED[n]
        rows.append({"file": f"seed 篇{n}", "year": report.year, "region": report.region,
                     "topics": report.topics, "want_year": want_year, "want_region": want_region})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    started = time.perf_counter()
    if (args.corpus / "manifest.jsonl").exists():
        print(f"corpus: {args.corpus}")
        rows = corpus_rows(args.corpus)
        score(rows)
        topic_counts(rows)
    else:
        print(f"corpus not found at {args.corpus}: FELL BACK to the 8 seed articles and the "
              "expected values in tests/ingest/test_metadata.py (no corpus figures)")
    print("\nseed (expected values set by a person):")
    seed = seed_rows()
    score(seed)
    topic_counts(seed)
    print(f"\n{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
