"""Which files of our search index a cold query fetches, by kind, and how many bytes: over a
site built and kept by search_scale.py (`--keep`), so the index can be studied without
rebuilding it.

For each query (search_scale.SCALE_QUERIES unless given): a fresh browser context loads the
home page, types the query in the header search, waits for the answer and for the network to
settle, and prints the search-related responses grouped by kind (g/ document lists, p/
positions, t/ text blocks, lines.json.gz, docinfo.bin, the worker …) with their count and bytes,
and the time from navigation start to the answer. Then one page runs every query again warm
and prints each latency.

Run from the repository root:
    .venv/bin/python benchmarks/search_files.py /tmp/search-scale-10000-…/ours/site [QUERY …]
"""

from __future__ import annotations

import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _browser import HeaderSearch, chromium, new_context  # noqa: E402
from _engines import OURS_SEARCH_URL, human_bytes, serve  # noqa: E402
from search_scale import SCALE_QUERIES, _response_size  # noqa: E402


def kind(url: str) -> str:
    """`…/search/g/12.bin` → `g`, `…/search/lines.json.gz` → `lines.json.gz`, a script → its name."""
    path = url.split("?")[0]
    rest = path.split("/search/", 1)[1] if "/search/" in path else path.rsplit("/", 1)[-1]
    return rest.split("/")[0]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    site, queries = Path(argv[0]), argv[1:] or SCALE_QUERIES
    server, base = serve(site)
    totals = []
    try:
        with chromium() as browser:
            for q in queries:
                context = new_context(browser)
                responses: list[tuple[str, int]] = []
                context.on("response", lambda r: responses.append((r.url, _response_size(r))))
                page = context.new_page()
                runner = HeaderSearch(page)
                runner.open(base, wait_until="domcontentloaded")
                run = runner.query(q, all_results=False)
                try:
                    page.wait_for_load_state("networkidle", timeout=5_000)
                except Exception:
                    pass
                context.close()
                by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
                for url, size in responses:
                    if re.search(OURS_SEARCH_URL, url):
                        by_kind[kind(url)][0] += 1
                        by_kind[kind(url)][1] += size
                total = sum(n for _, n in by_kind.values())
                totals.append(total)
                answered = f"{run.answered_at_ms:.0f} ms" if run.answered_at_ms is not None else "no answer"
                print(f"{q:14} {human_bytes(total):>9}  answer at {answered:>8} | " + "  ".join(
                    f"{k}: {n}× {human_bytes(b)}" for k, (n, b) in sorted(by_kind.items(), key=lambda kv: -kv[1][1])),
                    flush=True)
            print(f"cold bytes p50 {human_bytes(statistics.median(totals))}, max {human_bytes(max(totals))}")
            context = new_context(browser)
            runner = HeaderSearch(context.new_page())
            runner.open(base)
            runner.query(queries[-1], all_results=False)
            for q in queries:
                run = runner.query(q, all_results=False)
                print(f"warm {q:14} {run.latency_ms or float('nan'):6.0f} ms", flush=True)
            context.close()
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
