"""What hostile input costs the readers (issue 17), and what the front-matter checks cost a
normal archive.

    .venv/bin/python benchmarks/hostile_inputs.py

Prints, in seconds: the bracket conversion of 32 KB and 128 KB of nested brackets; reading
front matter with 40,000 nested `[` and with a nine-level alias bomb; and reading the front
matter of the repository's reports 10,000 times (the cost of the YAML event check on every
report of a 10,000-report build). Issue 16: what Python-Markdown takes to render bodies whose
brackets make its link parsing quadratic (at a tenth of the issue's sizes, which take minutes),
against what the check that refuses them (render_cost.py) takes on the full sizes; and the
check on the repository's reports 10,000 times.
"""

from __future__ import annotations

import time
from pathlib import Path

import markdown

from reform_archive.ingest.clean import normalize_punctuation
from reform_archive.render_cost import markdown_cost
from reform_archive.report import parse_report

REPO = Path(__file__).resolve().parents[1]


def timed(label: str, run) -> float:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds:8.3f} s")
    return seconds


def main() -> None:
    for kb in (32, 128):
        half = kb * 1024 // 2
        timed(f"brackets: {kb} KB nested", lambda half=half: normalize_punctuation("(" * half + ")" * half))
    nested = "---\ntitle: x\nkeywords: " + "[" * 40_000 + "]" * 40_000 + "\n---\n\n正文\n"
    timed("front matter: 40,000 nested [ (refused)", lambda: parse_report(nested, "x.md"))
    bomb = ("---\ntitle: x\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
            + "summary: *a8\n---\n\n正文\n")
    timed("front matter: alias bomb of 10^9 values (refused)", lambda: parse_report(bomb, "x.md"))
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "reports").glob("*.md"))]
    rounds = 10_000 // len(texts)
    timed(f"front matter: the {len(texts)} reports, {rounds * len(texts):,} times",
          lambda: [parse_report(t, "x.md") for _ in range(rounds) for t in texts])
    md = markdown.Markdown(extensions=["toc", "tables", "attr_list", "md_in_html"])
    for unit, full in (("[a](", 40_000), ("![", 20_000)):
        tenth = full // 10
        rendered = timed(f"render: {tenth:,} x {unit} (a tenth of the issue's)", lambda: md.reset().convert(unit * tenth))
        refused = timed(f"check: {full:,} x {unit} (refused)", lambda: markdown_cost(unit * full))
        print(f"{'  rendering a tenth / checking the whole':<58} {rendered / refused:8.0f} x")
    timed(f"check: the {len(texts)} reports, {rounds * len(texts):,} times",
          lambda: [markdown_cost(t) for _ in range(rounds) for t in texts])


if __name__ == "__main__":
    main()
