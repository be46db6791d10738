"""Search at archive scale: index size, bytes a visitor downloads, time to first results, and
latency per query, for synthetic archives of 1,000 and 10,000 reports.

Archives
    Made from real paragraphs: the seed (reports/) and ../shared/corpus are split into
    paragraphs (lines of at least 15 characters); each synthetic report takes 20–60 of them at
    random (seeded RNG, so every run builds the same archive), a title from its first
    paragraph's first clause, a year in 1990–2025 and a region from the corpus manifest.

Engines (_engines.py), each built from the same reports and served by Python's http.server on
127.0.0.1 (no compression, so bytes on the wire = bytes on disk):
    ours      `python -m reform_archive build`  (index: everything under site/search/)
    material  stock Material, search lang zh + jieba; report pages kept out of the navigation
              (index: search/search_index.json)
    pagefind  Pagefind 1.5.2 extended over the stock site's HTML (index: the pagefind/ folder)

Figures, per engine and size (stdout):
    build             wall-clock seconds and peak memory (max RSS) of the build
    index on disk     bytes of the engine's index files
    cold bytes        bytes of search-related responses (see *_SEARCH_URL in _engines.py) from
                      navigation start until the first query's results, in a fresh browser
                      context (empty cache); p50 and p95 over the cold runs (one query each).
                      For Material this includes the whole index, fetched at page load.
                      `all` adds every other response (HTML, CSS, scripts) for context.
    first results     navigation start → results shown (the answer's DOM mutation; Pagefind:
                      the first 10 results' data() resolved), the query typed as soon as the
                      page's DOM is there; p50 and p95 over the cold runs
    warm latency      keyup → result list updated (Pagefind: search() → first 10 data()), in a
                      page whose index is loaded; p50 and p95 over the warm queries
Every wait is capped (--timeout, 60 s); an engine that does not answer in time is reported as
a timeout and not retried for that size.

Run from the repository root:  .venv/bin/python benchmarks/search_scale.py [--sizes 1000]

--reuse DIR (one size, with --sizes N): measure again in a work folder an earlier run kept
(--keep) for that size: ours is built afresh from DIR/reports (the same seeded archive) with
the code as it is now; Material's and Pagefind's sites, which do not depend on this repository,
are measured as they were built then (their build figures are not printed again). The
Material and Pagefind builds take a quarter of an hour at 10,000 reports.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _browser import chromium, new_context, runner_for  # noqa: E402
from _corpus import (corpus_regions, load_documents, paragraph_pool,  # noqa: E402
                     synthetic_documents, write_reports)
from _engines import (BuildError, Engine, build_material, build_ours, build_pagefind,  # noqa: E402
                      human_bytes, log, stop_all)
import _engines  # noqa: E402

ENGINES = ("ours", "material", "pagefind")

# Queries for the cold and warm runs: frequent and rare words, a glued substring, AND, a
# phrase, Latin, a traditional-text word and two absent words.
SCALE_QUERIES = [
    "改革", "税费", "卫生 编制", "机构改革", "政府工作报告", "GDP", "社会主义", "乡村振兴",
    "一带一路", "精准扶贫", "人工智能", "\"科学发展观\"", "编制", "农民", "宪法草案",
    "领导职数", "上海市", "2008", "量子编制", "蓝鲸乡镇改革",
]


# --- building ----------------------------------------------------------------------------------

def reused_engines(workdir: Path, docs, wanted) -> tuple[dict[str, Engine], dict[str, str]]:
    """Ours built afresh (its reports written again, the same seeded ones); the others' sites as an
    earlier run kept them."""
    engines, failed = build_engines(workdir, docs, [name for name in wanted if name == "ours"])
    for name, site, ui, paths, url in (
            ("material", workdir / "material" / "site", "material", _engines.MATERIAL_INDEX_PATHS,
             _engines.MATERIAL_SEARCH_URL),
            ("pagefind", workdir / "pagefind-site", "pagefind", _engines.PAGEFIND_INDEX_PATHS,
             _engines.PAGEFIND_SEARCH_URL)):
        if name not in wanted:
            continue
        if site.is_dir():
            engines[name] = Engine(name, site, ui, {}, paths, url, notes=["kept"])
        else:
            failed[name] = f"{site}: not kept by the earlier run"
    return engines, failed


def build_engines(workdir: Path, docs, wanted) -> tuple[dict[str, Engine], dict[str, str]]:
    """Builds the engines, each timed and with its peak memory; returns the engines and, for
    those that failed, why."""
    reports = write_reports(docs, workdir / "reports")
    engines, failed = {}, {}
    material = None
    for name in ("ours", "material", "pagefind"):
        if name not in wanted and not (name == "material" and "pagefind" in wanted):
            continue
        log(f"  building {name} …")
        try:
            if name == "ours":
                engine = build_ours(workdir, reports, docs)
            elif name == "material":
                engine = material = build_material(workdir, docs, nav=False)
            else:
                if material is None:
                    raise BuildError("needs the stock Material site, which did not build")
                engine = build_pagefind(workdir, material)
        except BuildError as exc:
            failed[name] = str(exc)
            log(f"  {name}: BUILD FAILED — {exc}")
            continue
        engine.notes.append(f"peak RSS {human_bytes(_engines.last_peak_rss)}")
        log(f"  {name}: built in {engine.build_seconds:.1f} s, peak RSS "
            f"{human_bytes(_engines.last_peak_rss)}, index {human_bytes(engine.index_bytes())}")
        if name in wanted:
            engines[name] = engine
    return engines, failed


# --- measuring ---------------------------------------------------------------------------------

@dataclass
class EngineFigures:
    cold_search_bytes: list[int] = field(default_factory=list)
    cold_all_bytes: list[int] = field(default_factory=list)
    first_results_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _response_size(response) -> int:
    length = response.headers.get("content-length")
    if length is not None:
        return int(length)
    try:
        return len(response.body())
    except Exception:  # redirects, aborted responses
        return 0


def cold_runs(browser, engine: Engine, queries: list[str], timeout_s: float,
              figures: EngineFigures) -> None:
    """One fresh context (empty cache) per query: load the home page, type at once, wait for
    the answer, add up the bytes."""
    for i, q in enumerate(queries, 1):
        context = new_context(browser)
        responses: list[tuple[str, int]] = []
        context.on("response", lambda r: responses.append((r.url, _response_size(r))))
        page = context.new_page()
        runner = runner_for(engine, page, timeout_s)
        try:
            runner.open(engine.base_url, wait_until="domcontentloaded")
            run = runner.query(q, all_results=False)
            if run.timed_out or run.error:
                received = sum(n for u, n in responses if engine.is_search_request(u))
                figures.problems.append(
                    f"cold query {q!r}: "
                    + (f"no answer within {timeout_s:.0f} s" if run.timed_out else run.error)
                    + f" ({human_bytes(received)} of search responses received by then)")
                log(f"    {engine.name}: cold query {q!r} failed ({figures.problems[-1]}); "
                    "no more cold runs for this engine")
                return
            try:
                page.wait_for_load_state("networkidle", timeout=5_000)
            except Exception:
                pass
            figures.first_results_ms.append(run.answered_at_ms)
            figures.cold_search_bytes.append(sum(n for u, n in responses if engine.is_search_request(u)))
            figures.cold_all_bytes.append(sum(n for _, n in responses))
        except Exception as exc:  # a crashed tab, a navigation timeout
            figures.problems.append(f"cold query {q!r}: {str(exc).splitlines()[0][:160]}")
            log(f"    {engine.name}: {figures.problems[-1]}; no more cold runs for this engine")
            return
        finally:
            context.close()
        if i % 5 == 0:
            log(f"    {engine.name}: {i}/{len(queries)} cold runs")


def warm_runs(browser, engine: Engine, queries: list[str], timeout_s: float,
              figures: EngineFigures) -> None:
    """One page: a first query loads whatever the engine needs; then each query's latency."""
    context = new_context(browser)
    page = context.new_page()
    runner = runner_for(engine, page, timeout_s)
    try:
        runner.open(engine.base_url, wait_until="load")
        first = runner.query(queries[-1], all_results=False)
        if first.timed_out or first.error:
            figures.problems.append("warm-up query: " + ("no answer within %.0f s" % timeout_s
                                                        if first.timed_out else first.error))
            return
        for q in queries:
            run = runner.query(q, all_results=False)
            if run.timed_out or run.error:
                figures.problems.append(f"warm query {q!r}: "
                                        + ("timeout" if run.timed_out else run.error))
                continue
            figures.warm_ms.append(run.latency_ms)
    except Exception as exc:
        figures.problems.append(f"warm runs: {str(exc).splitlines()[0][:160]}")
    finally:
        context.close()


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def fmt_ms(v: float | None) -> str:
    if v is None:
        return "n/a"
    return f"{v:.0f} ms" if v < 10_000 else f"{v / 1000:.1f} s"


# --- main --------------------------------------------------------------------------------------

def run_size(size: int, docs, wanted, args, browser) -> None:
    text_bytes = sum(len(d.body.encode("utf-8")) for d in docs)
    workdir = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix=f"search-scale-{size}-", dir=args.workdir))
    log(f"== {size} reports ({human_bytes(text_bytes)} of text) in {workdir}")
    engines: dict[str, Engine] = {}
    try:
        engines, failed = (reused_engines if args.reuse else build_engines)(workdir, docs, wanted)
        figures: dict[str, EngineFigures] = {}
        for name, engine in engines.items():
            engine.start()
            figures[name] = f = EngineFigures()
            log(f"  {name}: {args.cold_runs} cold runs …")
            cold_runs(browser, engine, SCALE_QUERIES[:args.cold_runs], args.timeout, f)
            if f.first_results_ms:
                log(f"  {name}: {args.warm_runs} warm queries …")
                warm_runs(browser, engine, SCALE_QUERIES[:args.warm_runs], args.timeout, f)
            engine.stop()

        print(f"\nsearch scale — {size:,} synthetic reports ({human_bytes(text_bytes)} of text); "
              f"{args.cold_runs} cold runs, {args.warm_runs} warm queries; waits capped at "
              f"{args.timeout:.0f} s")
        print(f"{'engine':<9} {'build':>8} {'peak RSS':>9} {'index':>9}   "
              f"{'cold bytes p50 / p95':>21} {'(all p50)':>10}   {'first results p50 / p95':>23}   "
              f"{'warm p50 / p95':>17}")
        for name in wanted:
            if name in failed:
                print(f"{name:<9} BUILD FAILED: {failed[name].splitlines()[0]}")
                continue
            if name not in engines:
                continue
            e, f = engines[name], figures[name]
            peak = next((n.split("peak RSS ")[1] for n in e.notes if n.startswith("peak RSS")), "?")
            cold = (f"{human_bytes(percentile(f.cold_search_bytes, 50))} / "
                    f"{human_bytes(percentile(f.cold_search_bytes, 95))}") if f.cold_search_bytes else "timeout"
            first = (f"{fmt_ms(percentile(f.first_results_ms, 50))} / "
                     f"{fmt_ms(percentile(f.first_results_ms, 95))}") if f.first_results_ms else "timeout"
            warm = (f"{fmt_ms(percentile(f.warm_ms, 50))} / {fmt_ms(percentile(f.warm_ms, 95))}"
                    if f.warm_ms else "n/a")
            print(f"{name:<9} {e.build_seconds:>7.1f}s {peak:>9} {human_bytes(e.index_bytes()):>9}   "
                  f"{cold:>21} {human_bytes(percentile(f.cold_all_bytes, 50)):>10}   {first:>23}   "
                  f"{warm:>17}   (n={len(f.cold_search_bytes)} cold, {len(f.warm_ms)} warm)")
            for problem in f.problems[:3]:
                print(f"{'':<9} ! {problem}")
        if "ours" in figures:
            o = figures["ours"]
            for other in figures:
                if other == "ours":
                    continue
                x = figures[other]
                parts = []
                for label, a, b in (("cold bytes p50", o.cold_search_bytes, x.cold_search_bytes),
                                    ("first results p50", o.first_results_ms, x.first_results_ms),
                                    ("first results p95", o.first_results_ms, x.first_results_ms),
                                    ("warm p95", o.warm_ms, x.warm_ms)):
                    pa, pb = percentile(a, 50 if "p50" in label else 95), percentile(b, 50 if "p50" in label else 95)
                    parts.append(f"{label} {pa / pb:.2f}" if pa is not None and pb else f"{label} n/a")
                print(f"ratio ours/{other} ({size:,}): " + ", ".join(parts)
                      + f", index on disk {engines['ours'].index_bytes() / max(1, engines[other].index_bytes()):.2f}")
            if o.first_results_ms:
                print(f"targets ({size:,}): ours first results p50 {fmt_ms(percentile(o.first_results_ms, 50))} "
                      f"(target: at most Pagefind's p50 and p95, the ratios above ≤ 1), warm p95 {fmt_ms(percentile(o.warm_ms, 95))} (target < 50 ms)")
        sys.stdout.flush()
    finally:
        stop_all(engines, workdir, args.keep or bool(args.reuse))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated (default 1000,10000)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--cold-runs", type=int, default=20)
    parser.add_argument("--warm-runs", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=60, help="seconds per wait (default 60)")
    parser.add_argument("--workdir", default=None, help="parent of the temporary folders (default /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the built archives")
    parser.add_argument("--reuse", default=None, help="a work folder kept by an earlier run of one size (see above)")
    args = parser.parse_args(argv)
    args.cold_runs = min(args.cold_runs, len(SCALE_QUERIES))
    args.warm_runs = min(args.warm_runs, len(SCALE_QUERIES))
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.reuse and len(sizes) != 1:
        parser.error("--reuse measures one size: give it with --sizes")
    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    started = time.perf_counter()

    source, loaded = load_documents()
    pool = paragraph_pool(source)
    regions = corpus_regions(source)
    log(f"paragraph pool: {len(pool)} paragraphs from {loaded}; {len(regions)} regions")
    print(f"synthetic archives from {len(pool)} real paragraphs ({loaded})")
    with chromium() as browser:
        for size in sizes:
            size_started = time.perf_counter()
            run_size(size, synthetic_documents(size, pool, regions), wanted, args, browser)
            print(f"runtime for {size:,}: {time.perf_counter() - size_started:.0f} s")
    print(f"runtime: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
