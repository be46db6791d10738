import itertools
from pathlib import Path

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


# Two NPC resolutions (2014 and 2015, from ../shared/corpus): formulaic, alike, different documents.
RESOLUTION_2014 = ("第十二届全国人民代表大会第二次会议听取和审议了国务院总理李克强所作的政府工作报告。会议充分肯定"
                   "国务院过去一年的工作，同意报告提出的2014年经济社会发展的总体要求、主要目标和工作部署，决定批准"
                   "这个报告。会议号召，全国各族人民更加紧密地团结在以习近平同志为总书记的党中央周围，全面贯彻落实"
                   "党的十八大和十八届二中、三中全会精神，锐意进取，攻坚克难，为全面完成2014年经济社会发展目标任务"
                   "而努力奋斗！")
RESOLUTION_2015 = ("第十二届全国人民代表大会第三次会议听取和审议了国务院总理李克强所作的政府工作报告。会议充分肯定"
                   "国务院过去一年的工作，同意报告提出的2015年经济社会发展的总体要求、主要预期目标、宏观政策取向和"
                   "工作部署，决定批准这个报告。会议号召，全国各族人民更加紧密地团结在以习近平同志为总书记的党中央"
                   "周围，协调推进全面建成小康社会、全面深化改革、全面依法治国、全面从严治党，为完成2015年经济社会"
                   "发展目标任务而努力奋斗！")


def test_npc_resolutions_are_not_merged():
    assert find_duplicate_clusters({"2014": RESOLUTION_2014, "2015": RESOLUTION_2015}) == []
    assert jaccard(shingles(RESOLUTION_2014), shingles(RESOLUTION_2015)) < JACCARD_THRESHOLD


def test_traditional_copy_is_a_duplicate():
    """Before: a traditional-script copy shared almost no shingle with the simplified text."""
    from opencc import OpenCC

    traditional = OpenCC("s2t").convert(RESOLUTION_2015)
    assert traditional != RESOLUTION_2015
    clusters = find_duplicate_clusters({"a": RESOLUTION_2015, "b": traditional})
    assert len(clusters) == 1 and clusters[0].similarity[clusters[0].others[0]] > 0.95


def test_hashed_similarity_equals_the_shingle_jaccard(seed_reports_dir):
    from reform_archive.dedup import _exact_jaccard, shingle_hashes

    reports = list(_bodies(seed_reports_dir).values())
    for a, b in itertools.combinations(reports[:5], 2):
        assert abs(_exact_jaccard(shingle_hashes(a.body), shingle_hashes(b.body))
                   - jaccard(shingles(a.body), shingles(b.body))) < 1e-9


def test_kept_page_shows_a_readable_escaped_diff(tmp_path):
    from reform_archive.site.pages import report_page, report_tail
    from reform_archive.site.sanitize import block_mark

    body = "\n\n".join(f"第{n}段：石门县乡镇机构改革工作按计划推进，完成了编制核定和人员分流。" for n in range(12))
    (tmp_path / "a.md").write_text(f"---\ntitle: 甲\n---\n\n{body}\n", encoding="utf-8")
    edited = body.replace("第3段：石门县", "第3段：<b>澧县</b>")
    (tmp_path / "b.md").write_text(f"---\ntitle: 乙\n---\n\n{edited}\n", encoding="utf-8")
    archive = load_archive(tmp_path)
    kept = next(r for r in archive.reports if r.shown)
    page = report_tail(kept, [])   # below the text: the page's Markdown holds its mark
    assert block_mark(page) in report_page(kept)
    assert '<details class="ra-diff">' in page
    assert "<del>石门</del>" in page and "<ins>&lt;b&gt;澧</ins>" in page
    assert "<b>" not in page


def test_importer_warns_about_a_duplicate_of_an_existing_report(tmp_path):
    from reform_archive.ingest.importer import import_sources

    out = tmp_path / "reports"
    first = tmp_path / "first.txt"
    first.write_text("关于政府工作报告的决议\n" + RESOLUTION_2015 + "\n", encoding="utf-8")
    again = tmp_path / "again.txt"
    again.write_text("关于政府工作报告的决议（转载）\n" + RESOLUTION_2015.replace("，", ",") + "\n",
                     encoding="utf-8")
    assert import_sources([first], out).duplicates == []
    result = import_sources([again], out)
    assert len(result.written) == 1
    assert [(new.name, old.name) for new, old, _ in result.duplicates] == [
        (result.written[0].name, "关于政府工作报告的决议.md")]


def test_any_code_point_can_be_compared():
    """Found by the XSS build: OpenCC simplifies a few characters (繐 U+7E50, 譅 U+8B45) to
    plane-3 characters, beyond the lookup table, and the numpy lookup crashed."""
    weird = "".join(chr(c) for c in (0x7E50, 0x8B45, 0x2FA1D, 0x30C28, 0x1F600, 0xE0001)) + "石门县乡镇机构改革"
    assert find_duplicate_clusters({"a": weird, "b": weird}) != []


def test_a_signature_store_gives_the_same_clusters_and_survives_damage(seed_reports_dir, tmp_path):
    from reform_archive.dedup import SignatureStore

    texts = {k: r.body for k, r in _bodies(seed_reports_dir).items()}
    plain = find_duplicate_clusters(texts)
    path = tmp_path / "signatures.marshal"
    first = find_duplicate_clusters(texts, SignatureStore(path, "v1"))
    assert first == plain and path.is_file()
    store = SignatureStore(path, "v1")
    assert len(store.signatures) == len(texts) and store.tables is not None
    assert find_duplicate_clusters(texts, store) == plain
    # A text edited into a copy of another is found from its new signature, not the stored one.
    keys = sorted(texts)
    edited = dict(texts, **{keys[-1]: texts[plain[0].kept] + "补一句。"})
    assert find_duplicate_clusters(edited, SignatureStore(path, "v1")) == find_duplicate_clusters(edited)
    # Another code version or a damaged file: ignored, never wrong.
    assert SignatureStore(path, "v2").signatures == {}
    path.write_bytes(b"\x00 not marshal")
    assert find_duplicate_clusters(texts, SignatureStore(path, "v1")) == plain


def test_code_points_looked_up_as_met_compare_as_the_whole_tables():
    """An import fills the comparison tables only for the code points its texts hold (the whole
    tables take a second or two to make); what it compares must be what a build compares."""
    import reform_archive.dedup as dedup

    texts = ["全國人民代表大會，①②  ½ ﬁ Ｆｕｌｌ１２３", "乡镇机构改革版权所有!工作总结。", "石門縣鄉鎮衛生院"]
    saved = dedup._tables, dedup._partial
    try:
        dedup._tables, dedup._partial = None, None
        met = [dedup.normalize_for_comparison(t) for t in texts]
        assert dedup._tables is None and dedup._partial is not None
        dedup._tables = dedup._build_code_point_tables()
        assert [dedup.normalize_for_comparison(t) for t in texts] == met
    finally:
        dedup._tables, dedup._partial = saved


def _report(path: Path, year: int, body: str) -> None:
    path.write_text(f"---\ntitle: 某县乡镇机构改革总结\nyear: {year}\n---\n\n{body}\n", encoding="utf-8")


def test_the_version_shown_is_the_cleanest_then_the_earliest(seed_reports_dir, tmp_path):
    """docs/duplicates.md: fewest chrome lines, then the earliest year, then the file name."""
    body = next(p for p in sorted(seed_reports_dir.glob("*.md"))).read_text(encoding="utf-8").split("---", 2)[2].strip()
    chrome = "发布日期：2021-03-02 来源：某某网 浏览次数：\n\n" + body + "\n\n分享到：微信 微博 QQ空间"
    _report(tmp_path / "a-ads.md", 2005, chrome)      # earliest, but with site chrome
    _report(tmp_path / "b-clean.md", 2012, body)
    _report(tmp_path / "c-clean-early.md", 2009, body)
    _report(tmp_path / "d-clean-early.md", 2009, body)
    archive = load_archive(tmp_path)
    shown = [r.key for r in archive.shown]
    assert shown == ["c-clean-early.md"], shown
    # Every hidden version keeps its own URL; each leads to the one shown.
    assert {r.url for r in archive.reports} == {
        "reports/2005/a-ads/", "reports/2012/b-clean/", "reports/2009/c-clean-early/", "reports/2009/d-clean-early/"}
    assert all(r.shown_version.key == "c-clean-early.md" for r in archive.reports)


def test_a_pairs_similarity_is_kept_and_read_back_not_computed_again(seed_reports_dir, tmp_path):
    from reform_archive.dedup import SignatureStore

    texts = {k: r.body for k, r in _bodies(seed_reports_dir).items()}
    path = tmp_path / "signatures.marshal"
    plain = find_duplicate_clusters(texts, SignatureStore(path, "v1"))
    assert plain
    store = SignatureStore(path, "v1")
    cluster = plain[0]
    assert sum(score >= 0.8 for score in store.scores.values()) >= len(cluster.others)
    # The stored figure is what the next build goes by: set below the threshold, the pair splits.
    for pair in store.scores:
        store.scores[pair] = 0.0
    assert find_duplicate_clusters(texts, store) == []
    # A pair of texts the store has not seen is computed (an edited text is another text).
    edited = dict(texts, **{cluster.others[0]: texts[cluster.others[0]] + "补一句。"})
    again = find_duplicate_clusters(edited, store)
    assert any({cluster.kept, cluster.others[0]} <= {c.kept, *c.others} for c in again), again


def _bucket_reference(keys, signatures):
    """The candidates as the LSH bands define them: a dictionary per band of its rows' bytes."""
    from reform_archive.dedup import LSH_BANDS, LSH_ROWS

    buckets = {}
    width = LSH_ROWS * 8
    for key in keys:
        for band in range(LSH_BANDS):
            buckets.setdefault((band, signatures[key][band * width:(band + 1) * width]), []).append(key)
    return sorted({(a, b) for members in buckets.values() for i, a in enumerate(members) for b in members[i + 1:]})


def test_band_candidates_are_the_pairs_that_share_a_band():
    import numpy as np

    from reform_archive.dedup import LSH_BANDS, LSH_ROWS, NUM_PERM, _band_candidates

    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**63, size=(300, NUM_PERM), dtype=np.uint64)
    # Planted agreement: some texts copy a few bands (or all) of another's signature; the same
    # rows in another band must not count, nor rows shared across bands.
    for i in range(0, 300, 3):
        donor = int(rng.integers(0, 300))
        for band in rng.choice(LSH_BANDS, size=int(rng.integers(1, LSH_BANDS + 1)), replace=False):
            base[i, band * LSH_ROWS:(band + 1) * LSH_ROWS] = base[donor, band * LSH_ROWS:(band + 1) * LSH_ROWS]
    base[5, 0:LSH_ROWS] = base[6, LSH_ROWS:2 * LSH_ROWS]          # same rows, other band: no pair
    base[7, 0:LSH_ROWS - 1] = base[8, 0:LSH_ROWS - 1]             # all rows of a band but one: no pair
    keys = [f"r{i:03d}.md" for i in range(300)]
    signatures = {k: base[i].tobytes() for i, k in enumerate(keys)}
    expected = _bucket_reference(keys, signatures)
    assert len(expected) > 50
    assert _band_candidates(keys, signatures) == expected
    assert ("r005.md", "r006.md") not in expected and ("r007.md", "r008.md") not in expected
