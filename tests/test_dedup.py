import itertools

from reform_archive.archive import load_archive
from reform_archive.dedup import JACCARD_THRESHOLD, find_duplicate_clusters, jaccard, shingles
from reform_archive.report import read_report


def _bodies(folder):
    return {p.name: read_report(p).report for p in sorted(folder.glob("*.md"))}


def test_seed_duplicates_are_exactly_articles_1_and_2(seed_reports_dir):
    reports = _bodies(seed_reports_dir)
    clusters = find_duplicate_clusters({k: r.body for k, r in reports.items()})
    assert len(clusters) == 1
    members = [clusters[0].kept] + clusters[0].others
    sections = sorted(reports[k].source["section"] for k in members)
    assert sections == ["乡镇办公室科员工作篇1", "乡镇办公室科员工作篇2"]
    # The first of the pair is the one shown.
    assert reports[clusters[0].kept].source["section"] == "乡镇办公室科员工作篇1"


def test_different_seed_articles_are_far_below_the_threshold(seed_reports_dir):
    reports = _bodies(seed_reports_dir)
    sets = {k: shingles(r.body) for k, r in reports.items()}
    for a, b in itertools.combinations(sorted(sets), 2):
        if {reports[a].source["section"], reports[b].source["section"]} == {
                "乡镇办公室科员工作篇1", "乡镇办公室科员工作篇2"}:
            continue
        assert jaccard(sets[a], sets[b]) < JACCARD_THRESHOLD / 2, (a, b)


def test_variants_are_found_and_grouped(seed_reports_dir):
    body = next(r.body for r in _bodies(seed_reports_dir).values()
                if r.source["section"].endswith("篇4"))
    paragraphs = body.split("\n\n")
    variants = {
        "original": body,
        "watermarked": body.replace("。", "。版权所有!", 5),
        "punctuation": body.replace("，", ",").replace("。", "."),
        "dropped": "\n\n".join(paragraphs[:-1]),
        "reordered": "\n\n".join(paragraphs[1:] + paragraphs[:1]),
    }
    clusters = find_duplicate_clusters(variants)
    assert len(clusters) == 1
    assert sorted([clusters[0].kept] + clusters[0].others) == sorted(variants)


def test_archive_shows_each_duplicate_group_once(seed_reports_dir):
    archive = load_archive(seed_reports_dir)
    assert len(archive.reports) == 8 and len(archive.shown) == 7
    hidden = [r for r in archive.reports if not r.shown]
    assert len(hidden) == 1
    kept = hidden[0].duplicate_of
    assert kept.shown and [v.key for v, _ in kept.versions] == [hidden[0].key]
