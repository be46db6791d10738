"""How well the importer reads real pages from the wild, against ground truth written by hand.

    .venv/bin/python benchmarks/ingest_accuracy.py [--pages DIR] [--verbose]

Every raw page `X.txt` / `X.html` under benchmarks/wild/ has an `X.expected.yaml`, written by a
person reading the page (never by running the importer; see benchmarks/wild/README.md for the
format). Each page is imported with `articles_from_source`, as `reform-archive import` does; a
`SourceError` or no article at all counts as "refused". The seed page is scored too when
benchmarks/wild/seed.expected.yaml is there.

Scoring rules (the same for every page):
- text is compared after normalising: NFKC (full-width → half-width), the remaining CJK
  punctuation mapped to ASCII (。→. 、→, “”→" …), Markdown heading/emphasis marks and backslash
  escapes and every whitespace removed, a doubled punctuation mark counted once; so punctuation
  conversion, outline headings (which may also lose a trailing colon) and escaping never count
  as a loss;
- a sentence is a piece of the expected body ending in 。！？；!?; or at a line break; it is
  *kept* when its normalised text occurs in the normalised imported body it was matched with;
- imported articles are matched to expected ones by text overlap (share of the expected
  sentences found in the imported body), best pairs first, never by order alone; a page is
  *split right* when it yields exactly the expected number of articles and each expected one is
  matched with an overlap of at least 50 %;
- a boilerplate string is *left* when its normalised text occurs in any imported body of the
  page (counted once per string and page);
- year right: equal to `year` (or one of `years_ok`); region right: equal to `region` (or one of
  `regions_ok`); region *wrong*: non-empty and not right (worse than empty);
- title acceptable, strict: equal to `title` or one of `titles_ok` (normalised); lenient: also
  when it contains one of those, is at most 30 characters, is not a sentence (no 。！？； in
  it) and holds none of the page's boilerplate strings; the table prints the lenient count, the
  totals both;
- refused right: a page with `refuse: true` that was refused; a page to import that was refused
  scores 0 articles.
The script prints its figures and exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = REPO / "benchmarks" / "wild"
MIN_OVERLAP = 0.5
MAX_TITLE = 30

_PUNCT = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'",
                        "「": '"', "」": '"', "『": '"', "』": '"', "〈": "<", "〉": ">",
                        "【": "[", "】": "]", "〔": "[", "〕": "]", "—": "-", "－": "-",
                        "…": "...", "·": ".", "•": ".", "〇": "〇"})
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_MARKUP = re.compile(r"(?m)^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+(?=\S))|\*\*|__")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")   # Markdown backslash escapes
_REPEATED = re.compile(r"([,.;:!?])\1+")                  # a doubled comma fixed is no loss


def normalise(text: str) -> str:
    text = _MARKUP.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    text = re.sub(r"\s+", "", text)
    return _REPEATED.sub(r"\1", text)


def sentence_key(sentence: str) -> str:
    """A sentence as looked for in a body: a heading may lose its trailing colon."""
    return normalise(sentence).rstrip(":")


def split_sentences(text: str) -> list[str]:
    pieces = []
    for line in text.split("\n"):
        for piece in _SENTENCE_END.split(line):
            if normalise(piece):
                pieces.append(piece.strip())
    return pieces


@dataclass
class Expected:
    title: str
    titles_ok: list[str]
    years: list[int | None]
    regions: list[str]
    sentences: list[str]
    first: str
    last: str


@dataclass
class PageSpec:
    name: str
    path: Path
    style: str
    refuse: bool
    articles: list[Expected]
    boilerplate: list[str]


@dataclass
class PageScore:
    name: str
    style: str
    refuse: bool
    refused: bool = False
    error: str = ""
    found: int = 0
    expected: int = 0
    split_right: bool = False
    kept: int = 0
    sentences: int = 0
    first_last_kept: int = 0
    first_last: int = 0
    boiler_left: list[str] = field(default_factory=list)
    boiler_total: int = 0
    year_right: int = 0
    region_right: int = 0
    region_wrong: int = 0
    title_strict: int = 0
    title_lenient: int = 0
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0


def load_spec(yaml_path: Path) -> PageSpec:
    data = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    page = (yaml_path.parent / data["page"]).resolve()
    raw_lines = None
    articles = []
    for item in data.get("articles") or []:
        if "sentences" in item:
            sentences = [s for s in item["sentences"] for s in split_sentences(str(s))]
        else:
            if raw_lines is None:
                raw_lines = page.read_text(encoding="utf-8").split("\n")
            sentences = []
            ranges = item["body_lines"]
            if ranges and isinstance(ranges[0], int):
                ranges = [ranges]
            for start, end in ranges:
                sentences += split_sentences("\n".join(raw_lines[start - 1:end]))
        years = [item.get("year")] + list(item.get("years_ok") or [])
        regions = [item.get("region") or ""] + list(item.get("regions_ok") or [])
        articles.append(Expected(str(item["title"]), [str(t) for t in item.get("titles_ok") or []],
                                 years, regions, sentences, str(item.get("first", "")),
                                 str(item.get("last", ""))))
    name = yaml_path.name.removesuffix(".expected.yaml")
    return PageSpec(name, page, str(data.get("style", "")), bool(data.get("refuse")), articles,
                    [str(b) for b in data.get("boilerplate") or []])


def overlap(expected: Expected, body_norm: str) -> float:
    if not expected.sentences:
        return 0.0
    hits = sum(1 for s in expected.sentences if sentence_key(s) in body_norm)
    return hits / len(expected.sentences)


def match(expected: list[Expected], bodies: list[str]) -> dict[int, int]:
    """Expected index → imported index, best overlaps first, each used once."""
    pairs = sorted(((overlap(e, b), i, j) for i, e in enumerate(expected)
                    for j, b in enumerate(bodies)), reverse=True)
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for score, i, j in pairs:
        if score <= 0 or i in chosen or j in used:
            continue
        chosen[i] = j
        used.add(j)
    return chosen


def title_ok(got: str, expected: Expected, boilerplate: list[str]) -> tuple[bool, bool]:
    wanted = [normalise(t) for t in [expected.title, *expected.titles_ok] if t]
    g = normalise(got)
    strict = g in wanted
    lenient = strict or (len(got.strip()) <= MAX_TITLE and not re.search(r"[。！？；]", got)
                         and any(w and w in g for w in wanted)
                         and not any(normalise(b) in g for b in boilerplate))
    return strict, lenient


def score_page(spec: PageSpec, articles_from_source, source_error) -> PageScore:
    score = PageScore(spec.name, spec.style, spec.refuse, expected=len(spec.articles))
    started = time.perf_counter()
    try:
        reports = articles_from_source(spec.path)
    except source_error as exc:
        reports, score.error = [], str(exc)
    except Exception as exc:  # a crash is a finding, not the end of the benchmark
        reports, score.error = [], f"CRASH {type(exc).__name__}: {exc}"
    score.seconds = time.perf_counter() - started
    score.refused = not reports
    score.found = len(reports)
    bodies = [normalise(r.body) for r in reports]
    score.boiler_total = len(spec.boilerplate)
    score.boiler_left = [b for b in spec.boilerplate if any(normalise(b) in body for body in bodies)]
    chosen = match(spec.articles, bodies)
    score.split_right = (not spec.refuse and len(reports) == len(spec.articles)
                         and all(i in chosen and overlap(e, bodies[chosen[i]]) >= MIN_OVERLAP
                                 for i, e in enumerate(spec.articles)))
    for i, exp in enumerate(spec.articles):
        score.sentences += len(exp.sentences)
        score.first_last += 2
        if i not in chosen:
            score.details.append(f"    article {i + 1} '{exp.title}': not found")
            continue
        report = reports[chosen[i]]
        body = bodies[chosen[i]]
        kept = [s for s in exp.sentences if sentence_key(s) in body]
        score.kept += len(kept)
        score.first_last_kept += sum(1 for s in (exp.first, exp.last) if s and sentence_key(s) in body)
        year_ok = report.year in exp.years
        region = report.region or ""
        region_ok = region in exp.regions
        strict, lenient = title_ok(report.title, exp, spec.boilerplate)
        score.year_right += year_ok
        score.region_right += region_ok
        score.region_wrong += bool(region) and not region_ok
        score.title_strict += strict
        score.title_lenient += lenient
        lost = [s for s in exp.sentences if sentence_key(s) not in body]
        score.details.append(
            f"    article {i + 1}: title {'ok' if lenient else 'BAD'} {report.title!r} "
            f"(want {exp.title!r}); year {report.year} ({'ok' if year_ok else 'want ' + str(exp.years[0])}); "
            f"region {region or '-'} ({'ok' if region_ok else 'want ' + (exp.regions[0] or '-')}); "
            f"kept {len(kept)}/{len(exp.sentences)}"
            + (f"; first lost: {lost[0][:40]!r}" if lost else ""))
    return score


def pct(a: int, b: int) -> str:
    return f"{a}/{b} = {100 * a / b:.1f}%" if b else f"{a}/0"


def print_table(scores: list[PageScore], verbose: bool) -> None:
    head = (f"{'page':<40} {'art':>5} {'split':>5} {'kept':>9} {'boiler':>7} {'year':>5} "
            f"{'reg':>5} {'reg✗':>4} {'title':>5} {'refuse':>7}")
    print(head)
    print("-" * len(head))
    for s in scores:
        n = s.expected
        refuse = ("right" if s.refused else "NO") if s.refuse else ("WRONG" if s.refused else "-")
        print(f"{s.name[:40]:<40} {s.found:>2}/{n:<2} {('yes' if s.split_right else 'no') if not s.refuse else '-':>5} "
              f"{s.kept:>4}/{s.sentences:<4} {len(s.boiler_left):>3}/{s.boiler_total:<3} "
              f"{s.year_right:>2}/{n:<2} {s.region_right:>2}/{n:<2} {s.region_wrong:>4} "
              f"{s.title_lenient:>2}/{n:<2} {refuse:>7}")
        if verbose:
            if s.error:
                print(f"    refused: {s.error[:160]}")
            for line in s.details:
                print(line)
            if s.boiler_left:
                print(f"    boilerplate left: {' | '.join(b[:30] for b in s.boiler_left)}")


def print_totals(scores: list[PageScore], label: str) -> None:
    to_import = [s for s in scores if not s.refuse]
    to_refuse = [s for s in scores if s.refuse]
    n_art = sum(s.expected for s in to_import)
    print(f"\n{label}: {len(scores)} pages ({len(to_import)} to import, {len(to_refuse)} to refuse), "
          f"{n_art} articles expected")
    print(f"  pages split right      {pct(sum(s.split_right for s in to_import), len(to_import))}")
    print(f"  articles found         {sum(s.found for s in to_import)} (expected {n_art})")
    print(f"  sentences kept         {pct(sum(s.kept for s in to_import), sum(s.sentences for s in to_import))}")
    print(f"  first/last kept        {pct(sum(s.first_last_kept for s in to_import), sum(s.first_last for s in to_import))}")
    print(f"  boilerplate left       {pct(sum(len(s.boiler_left) for s in scores), sum(s.boiler_total for s in scores))} (of the strings listed)")
    print(f"  year right             {pct(sum(s.year_right for s in to_import), n_art)}")
    print(f"  region right           {pct(sum(s.region_right for s in to_import), n_art)}")
    print(f"  region wrong           {pct(sum(s.region_wrong for s in to_import), n_art)} (non-empty and not the expected one)")
    print(f"  title acceptable       strict {pct(sum(s.title_strict for s in to_import), n_art)}, "
          f"lenient {pct(sum(s.title_lenient for s in to_import), n_art)}")
    print(f"  refused right          {pct(sum(s.refused for s in to_refuse), len(to_refuse))}")
    print(f"  refused wrongly        {sum(s.refused for s in to_import)} of {len(to_import)} pages to import")
    print(f"  import time            {sum(s.seconds for s in scores):.1f} s in all")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--verbose", "-v", action="store_true", help="per-article details")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from reform_archive.ingest.formats import SourceError
    from reform_archive.ingest.importer import articles_from_source

    specs = sorted(args.pages.glob("*.expected.yaml"))
    if not specs:
        print(f"no *.expected.yaml under {args.pages}")
        return 0
    wild, seed = [], []
    for yaml_path in specs:
        spec = load_spec(yaml_path)
        if not spec.path.exists():
            print(f"{yaml_path.name}: page {spec.path} is missing, skipped")
            continue
        (seed if spec.name == "seed" else wild).append(
            score_page(spec, articles_from_source, SourceError))
    print_table(wild, args.verbose)
    print_totals(wild, "wild pages")
    if seed:
        print()
        print_table(seed, args.verbose)
        print_totals(seed, "seed page (reports/_sources/000_9839ded52f617271.txt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
