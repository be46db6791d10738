"""Build time, peak memory and output size at archive scale, ours against stock Material.

    .venv/bin/python benchmarks/build_scale.py [--sizes 1000 10000] [--stock-timeout 900]

For each size N, a synthetic archive (make_archive.py: real paragraphs, realistic front matter,
~3 % near-duplicates, seeded) is built twice, each in a fresh temporary project:

ours      `python -m reform_archive build --reports DIR --out SITE` with the repository's
          mkdocs.yml and docs/ copied in (a cold build: no `.cache/` yet)
stock     stock MkDocs + Material, the same reports as plain pages (`# title` + body) under
          docs/r/, the default navigation (every page in the nav), `theme: material,
          language: zh, font: false`, `plugins: [search: {lang: zh}]` (jieba segments). A
          stock build that runs longer than --stock-timeout is stopped and reported as such.

Figures per build: wall seconds, peak memory (max RSS of the build process, from
`/usr/bin/time -v`, else getrusage of the children), output bytes in total and per report
page (the report pages' index.html only; the total includes indexes, search, assets), and the
ratio ours / stock. Then, for the largest size, our build is run again in the same project (its
cache warm): once with nothing changed, once after adding one new report ("rebuild after adding
one", the issue's figure), and once after editing one report's text.

Each build runs in its own process with NO_MKDOCS_2_WARNING=1.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import load_documents, paragraph_pool  # noqa: E402
from make_archive import SEED, make_archive, make_documents  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TIME = Path("/usr/bin/time")


@dataclass
class Build:
    name: str
    seconds: float
    peak_bytes: int | None
    total_bytes: int
    pages: int
    page_bytes: int
    note: str = ""

    @property
    def per_page(self) -> float:
        return self.page_bytes / self.pages if self.pages else 0.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def run_timed(cmd: list[str], cwd: Path, timeout: float | None) -> tuple[float, int | None, str]:
    """Runs cmd; returns (wall seconds, peak RSS bytes or None, '' or why it stopped)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    use_time = TIME.exists()
    full = ([str(TIME), "-v"] + cmd) if use_time else cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    # Its own process group: on a timeout the build under /usr/bin/time is stopped too.
    proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return time.perf_counter() - started, None, f"stopped after {timeout:.0f} s"
    seconds = time.perf_counter() - started
    proc.stderr = stderr
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    peak = None
    if use_time:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        peak = int(m.group(1)) * 1024 if m else None
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak = after * 1024 if after > before else None  # a maximum over all children so far
    return seconds, peak, ""


def site_sizes(site: Path, report_dir: str) -> tuple[int, int, int]:
    """(total bytes, report pages, bytes of the report pages)."""
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = list((site / report_dir).rglob("index.html")) if (site / report_dir).is_dir() else []
    return total, len(pages), sum(p.stat().st_size for p in pages)


def ours_project(workdir: Path) -> Path:
    project = workdir / "ours"
    project.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "docs", project / "docs")
    return project


def build_ours(project: Path, reports: Path, name: str = "ours") -> Build:
    site = project / "site"
    seconds, peak, _ = run_timed(
        [PYTHON, "-m", "reform_archive", "build", "--reports", str(reports), "--out", str(site)],
        cwd=project, timeout=None)
    total, pages, page_bytes = site_sizes(site, "reports")
    return Build(name, seconds, peak, total, pages, page_bytes)


def build_stock(workdir: Path, docs, timeout: float) -> Build:
    project = workdir / "stock"
    (project / "docs" / "r").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# 报告\n\n全部报告见导航。\n", encoding="utf-8")
    width = max(3, len(str(len(docs))))
    for i, doc in enumerate(docs):
        meta = yaml.safe_dump({"title": doc.title}, allow_unicode=True, width=1000)
        (project / "docs" / "r" / f"{i:0{width}d}.md").write_text(
            f"---\n{meta}---\n\n# {doc.title}\n\n{doc.body.strip()}\n", encoding="utf-8")
    config = {
        "site_name": "stock Material",
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "zh", "font": False},
        "plugins": [{"search": {"lang": "zh"}}],
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    site = project / "site"
    seconds, peak, stopped = run_timed([PYTHON, "-m", "mkdocs", "build", "-q", "--site-dir", str(site)],
                                       cwd=project, timeout=timeout)
    total, pages, page_bytes = site_sizes(site, "r") if site.exists() else (0, 0, 0)
    return Build("stock", seconds, peak, total, pages, page_bytes, stopped)


def show(build: Build, n: int) -> None:
    peak = human(build.peak_bytes) if build.peak_bytes else "?"
    note = f"  [{build.note}]" if build.note else ""
    print(f"  {build.name:<8} {n:>6} reports  {build.seconds:7.1f} s  peak {peak:>9}  "
          f"output {human(build.total_bytes):>9}  {build.pages} report pages, "
          f"{human(build.per_page)} per page{note}", flush=True)


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--stock-timeout", type=float, default=900.0,
                        help="seconds after which the stock build is stopped (default 900)")
    parser.add_argument("--no-stock", action="store_true", help="build only ours")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    args = parser.parse_args(argv)

    workroot = Path(tempfile.mkdtemp(prefix="ra-build-scale-"))
    log(f"work folder {workroot}")
    results: dict[int, tuple[Build, Build | None]] = {}
    project = reports = None
    try:
        for n in args.sizes:
            workdir = workroot / str(n)
            reports = workdir / "reports"
            docs = make_archive(n, reports)
            log(f"{n} reports: building ours …")
            project = ours_project(workdir)
            ours = build_ours(project, reports)
            show(ours, n)
            stock = None
            if not args.no_stock:
                log(f"{n} reports: building stock Material …")
                stock = build_stock(workdir, docs, args.stock_timeout)
                show(stock, n)
                shutil.rmtree(workdir / "stock" / "site", ignore_errors=True)
                print(f"  ours/stock {n:>6}: time {ratio(ours.seconds, stock.seconds)}, "
                      f"memory {ratio(ours.peak_bytes, stock.peak_bytes)}, "
                      f"bytes per page {ratio(ours.per_page, stock.per_page)}"
                      + (f" (stock {stock.note})" if stock.note else ""), flush=True)
            results[n] = (ours, stock)

        sizes = sorted(results)
        if len(sizes) > 1:
            small, large = results[sizes[0]][0], results[sizes[-1]][0]
            print(f"  scaling ours {sizes[0]} → {sizes[-1]}: {large.seconds / small.seconds:.1f}× the "
                  f"time for {sizes[-1] / sizes[0]:.0f}× the reports", flush=True)

        # Rebuilds in the largest project (cache warm): unchanged, one report added, one edited.
        unchanged = build_ours(project, reports, "rebuild")
        show(unchanged, sizes[-1])
        print(f"  rebuild with nothing changed: {unchanged.seconds:.1f} s", flush=True)
        # Another seed, so the new report is not a near-duplicate of syn-00000 (then merged).
        source_docs, _ = load_documents()
        extra = make_documents(1, paragraph_pool(source_docs), seed=SEED + 1)[0]
        (reports / "new-report-added.md").write_text(extra.report_file_text(), encoding="utf-8")
        rebuilt = build_ours(project, reports, "rebuild")
        show(rebuilt, sizes[-1] + 1)
        print(f"  rebuild after adding one report to {sizes[-1]}: {rebuilt.seconds:.1f} s", flush=True)
        edited = sorted(reports.glob("*.md"))[len(docs) // 2]
        edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一段：本报告已修订。\n", encoding="utf-8")
        rebuilt = build_ours(project, reports, "rebuild")
        show(rebuilt, sizes[-1] + 1)
        print(f"  rebuild after editing one report: {rebuilt.seconds:.1f} s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workroot, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
