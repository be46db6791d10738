"""A synthetic archive of N reports made from real paragraphs, for the build-scale benchmark.

    .venv/bin/python benchmarks/make_archive.py 10000 /tmp/archive10k

Paragraphs come from the repository's reports (reports/*.md) and, when it is there,
../shared/corpus (see _corpus.py; the script says plainly when it falls back to the seed only).
Front matter is what real reports carry:

* year: 1990–2025, skewed to recent years (most reports are recent); 8 % left empty;
* region: a full gazetteer path (湖南省常德市石门县, mostly counties, some cities and provinces),
  from `reform_archive.language.gazetteer`; 10 % left empty;
* topic: 0–3 names of `reform_archive.topics.VOCABULARY`, drawn with weights like the archive's
  own (乡镇机构改革 and 机构编制 common, 人大决议 rare);
* keywords: a few 2–4 character words from the text.

About 3 % of the reports are near-duplicates of an earlier one: the same paragraphs with a
site watermark line added and some punctuation changed (full-width ↔ half-width), as copies
scraped from another website are. The RNG is seeded: the same N gives the same archive.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _corpus import Document, load_documents, paragraph_pool, write_reports  # noqa: E402
from _corpus import _title_from  # noqa: E402

SEED = 20250105
DUPLICATE_SHARE = 0.03
TOPIC_WEIGHTS = {  # share of reports tagged with each topic
    "乡镇机构改革": 0.30, "机构编制": 0.28, "政府职能": 0.22, "农村税费改革": 0.12,
    "政府工作报告": 0.12, "医疗卫生": 0.08, "党委办公室工作": 0.05, "科技工作": 0.05,
    "党代会报告": 0.03, "人大决议": 0.02,
}
WATERMARKS = ("本文来源于网络，版权所有!转载请注明出处。", "（来源：某某文库 www.example.cn）",
              "更多范文请访问本站首页。")
_PUNCT_EDITS = (("，", ","), ("。", "."), ("；", ";"), ("：", ":"))


def gazetteer_paths() -> tuple[list[str], list[str], list[str]]:
    """(county paths, city paths, province paths) of the gazetteer, sorted (deterministic)."""
    from reform_archive.language.gazetteer import gazetteer

    by_level: dict[str, set[str]] = {"county": set(), "city": set(), "province": set()}
    for places in gazetteer._places_by_name.values():
        for place in places:
            by_level[place.level].add(place.path)
    return sorted(by_level["county"]), sorted(by_level["city"]), sorted(by_level["province"])


def _year(rng: random.Random) -> int | None:
    if rng.random() < 0.08:
        return None
    # Exponential back from 2025: half the reports from the last ~9 years, few from the 1990s.
    return max(1990, 2025 - int(rng.expovariate(1 / 12)))


def _region(rng: random.Random, counties, cities, provinces) -> str:
    r = rng.random()
    if r < 0.10:
        return ""
    if r < 0.75:
        return rng.choice(counties)
    if r < 0.92:
        return rng.choice(cities)
    return rng.choice(provinces)


def _topics(rng: random.Random) -> list[str]:
    topics = [name for name, share in TOPIC_WEIGHTS.items() if rng.random() < share]
    return topics[:3]


def _keywords(rng: random.Random, paragraphs: list[str]) -> list[str]:
    words = []
    for _ in range(rng.randint(0, 4)):
        text = rng.choice(paragraphs)
        size = rng.randint(2, 4)
        start = rng.randrange(0, max(1, len(text) - size))
        word = text[start:start + size]
        if all("\u4e00" <= c <= "\u9fff" for c in word) and word not in words:
            words.append(word)
    return words


def _near_duplicate(rng: random.Random, original: Document, index: int) -> Document:
    paragraphs = original.body.split("\n\n")
    edited = []
    for p in paragraphs:
        if rng.random() < 0.3:
            old, new = rng.choice(_PUNCT_EDITS)
            p = p.replace(old, new, 1)
        edited.append(p)
    edited.insert(rng.randrange(len(edited) + 1), rng.choice(WATERMARKS))
    front = dict(original.front_matter)
    front["source"] = {"note": "转载"}
    return Document(key=f"syn/{index:05d}", title=original.title, body="\n\n".join(edited),
                    year=original.year, region=original.region,
                    file_name=f"syn-{index:05d}.md", front_matter=front)


def make_documents(count: int, pool: list[str], *, seed: int = SEED,
                   paragraphs: tuple[int, int] = (15, 50)) -> list[Document]:
    counties, cities, provinces = gazetteer_paths()
    rng = random.Random(seed)
    docs: list[Document] = []
    for i in range(count):
        if docs and rng.random() < DUPLICATE_SHARE:
            docs.append(_near_duplicate(rng, rng.choice(docs), i))
            continue
        paras = rng.sample(pool, min(len(pool), rng.randint(*paragraphs)))
        title = _title_from(paras[0])
        year = _year(rng)
        region = _region(rng, counties, cities, provinces)
        front = {"title": title, "year": year, "region": region, "topic": _topics(rng),
                 "keywords": _keywords(rng, paras)}
        docs.append(Document(
            key=f"syn/{i:05d}", title=title, body="\n\n".join(paras), year=year, region=region,
            file_name=f"syn-{i:05d}.md", front_matter=front))
    return docs


def make_archive(count: int, out: Path, *, quiet: bool = False) -> list[Document]:
    source_docs, what = load_documents()
    pool = paragraph_pool(source_docs)
    if not quiet:
        print(f"make_archive: paragraphs from {what}: {len(pool)} paragraphs", file=sys.stderr)
    docs = make_documents(count, pool)
    write_reports(docs, out)
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of reports")
    parser.add_argument("out", type=Path, help="reports folder to write (created)")
    args = parser.parse_args(argv)
    docs = make_archive(args.count, args.out)
    dups = sum(1 for d in docs if "source" in d.front_matter)
    chars = sum(len(d.body) for d in docs)
    print(f"wrote {len(docs)} reports ({dups} near-duplicates, {chars / 1e6:.1f} M characters) "
          f"to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
