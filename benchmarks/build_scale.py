"""Build time, peak memory and output size at archive scale, ours against bare MkDocs + Material.

    .venv/bin/python benchmarks/build_scale.py [--sizes 1000 10000] [--stock] [--stock-timeout 900]
    .venv/bin/python benchmarks/build_scale.py --reports /tmp/archive10k   # an archive made once
    .venv/bin/python benchmarks/build_scale.py --reports reports           # the seed

For each size N, a synthetic archive (make_archive.py: real paragraphs, realistic front matter,
~3 % near-duplicates, seeded) is built, each build in a fresh temporary project; with --reports,
a copy of that folder is built instead (make it once with make_archive.py and reuse it):

ours      `python -m reform_archive build --reports DIR --out SITE` with the repository's
          mkdocs.yml and docs/ copied in (a cold build: no `.cache/` yet)
bare      the floor MkDocs sets: MkDocs + Material building the same report files (copied as
          they are, front matter and all) under docs/r/, out of the navigation (`nav:` names
          only the home page; `not_in_nav: /r/`), no plugins at all (no search), `theme:
          material, language: zh, font: false`. The issue's target is ours ≤ 1.5× bare.
stock     (--stock) stock MkDocs + Material, the reports as plain pages (`# title` + body)
          under docs/r/, the default navigation (every page in the nav), `plugins: [search:
          {lang: zh}]` (jieba segments). A stock build that runs longer than --stock-timeout is
          stopped and reported as such. Minutes at 10,000: off by default.

Figures per build: wall seconds and CPU seconds (user + system of the build and its worker
processes, from `/usr/bin/time -v`: steadier than wall time on a shared machine), peak memory
(max RSS of the largest process), output bytes in total and per report page (the report
pages' index.html only; the total includes indexes, search, assets), and the ratios ours /
bare (wall and CPU). Then, for the largest size, our build is run again in the same project
(its cache warm): with nothing changed, after adding one new report, after editing one
report's text, and after removing the added report.

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
    cpu: float | None
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


def run_timed(cmd: list[str], cwd: Path, timeout: float | None) -> tuple[float, float | None, int | None, str]:
    """Runs cmd; returns (wall seconds, CPU seconds or None, peak RSS bytes or None, '' or why
    it stopped)."""
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
        return time.perf_counter() - started, None, None, f"stopped after {timeout:.0f} s"
    seconds = time.perf_counter() - started
    proc.stderr = stderr
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    peak = cpu = None
    if use_time:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        peak = int(m.group(1)) * 1024 if m else None
        times = [float(t) for t in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", proc.stderr)]
        cpu = sum(times) if len(times) == 2 else None
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak = after * 1024 if after > before else None  # a maximum over all children so far
    return seconds, cpu, peak, ""


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
    seconds, cpu, peak, _ = run_timed(
        [PYTHON, "-m", "reform_archive", "build", "--reports", str(reports), "--out", str(site)],
        cwd=project, timeout=None)
    total, pages, page_bytes = site_sizes(site, "reports")
    return Build(name, seconds, cpu, peak, total, pages, page_bytes)


def build_bare(workdir: Path, reports: Path) -> Build:
    """MkDocs + Material over the same report files, out of the navigation, without plugins."""
    project = workdir / "bare"
    shutil.rmtree(project, ignore_errors=True)
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# 报告\n\n报告不在导航中。\n", encoding="utf-8")
    shutil.copytree(reports, project / "docs" / "r", ignore=shutil.ignore_patterns("_*", ".*", "*.txt"))
    config = {
        "site_name": "bare Material",
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "zh", "font": False},
        "plugins": [],
        "nav": [{"报告": "index.md"}],
        "not_in_nav": "/r/",
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    site = project / "site"
    seconds, cpu, peak, _ = run_timed([PYTHON, "-m", "mkdocs", "build", "-q", "--site-dir", str(site)],
                                      cwd=project, timeout=None)
    total, pages, page_bytes = site_sizes(site, "r")
    shutil.rmtree(project, ignore_errors=True)
    return Build("bare", seconds, cpu, peak, total, pages, page_bytes)


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
    seconds, cpu, peak, stopped = run_timed([PYTHON, "-m", "mkdocs", "build", "-q", "--site-dir", str(site)],
                                            cwd=project, timeout=timeout)
    total, pages, page_bytes = site_sizes(site, "r") if site.exists() else (0, 0, 0)
    return Build("stock", seconds, cpu, peak, total, pages, page_bytes, stopped)


def show(build: Build, n: int) -> None:
    peak = human(build.peak_bytes) if build.peak_bytes else "?"
    note = f"  [{build.note}]" if build.note else ""
    cpu = f"{build.cpu:7.1f}" if build.cpu is not None else "      ?"
    print(f"  {build.name:<8} {n:>6} reports  {build.seconds:7.1f} s (CPU {cpu} s)  peak {peak:>9}  "
          f"output {human(build.total_bytes):>9}  {build.pages} report pages, "
          f"{human(build.per_page)} per page{note}", flush=True)


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--reports", type=Path, help="build a copy of this reports folder instead of "
                        "synthetic archives (e.g. one make_archive.py wrote, or the seed's reports/)")
    parser.add_argument("--stock", action="store_true", help="also build stock Material (every report in the nav)")
    parser.add_argument("--stock-timeout", type=float, default=900.0,
                        help="seconds after which the stock build is stopped (default 900)")
    parser.add_argument("--no-bare", action="store_true", help="build only ours")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    args = parser.parse_args(argv)

    workroot = Path(tempfile.mkdtemp(prefix="ra-build-scale-"))
    log(f"work folder {workroot}")
    results: dict[int, Build] = {}
    project = reports = None
    try:
        sizes = [0] if args.reports else args.sizes
        for n in sizes:
            workdir = workroot / str(n)
            reports = workdir / "reports"
            if args.reports:
                shutil.copytree(args.reports, reports)
                n = sum(1 for _ in reports.glob("*.md"))
                docs = None
            else:
                docs = make_archive(n, reports)
            log(f"{n} reports: building ours …")
            project = ours_project(workdir)
            ours = build_ours(project, reports)
            show(ours, n)
            if not args.no_bare:
                log(f"{n} reports: building bare MkDocs + Material …")
                bare = build_bare(workdir, reports)
                show(bare, n)
                print(f"  ours/bare  {n:>6}: time {ratio(ours.seconds, bare.seconds)} (CPU "
                      f"{ratio(ours.cpu, bare.cpu)}), memory {ratio(ours.peak_bytes, bare.peak_bytes)}, "
                      f"bytes per page {ratio(ours.per_page, bare.per_page)}", flush=True)
            if args.stock:
                if docs is None:
                    docs = [_document_of(path) for path in sorted(reports.glob("*.md"))]
                log(f"{n} reports: building stock Material …")
                stock = build_stock(workdir, docs, args.stock_timeout)
                show(stock, n)
                shutil.rmtree(workdir / "stock" / "site", ignore_errors=True)
                print(f"  ours/stock {n:>6}: time {ratio(ours.seconds, stock.seconds)}, "
                      f"memory {ratio(ours.peak_bytes, stock.peak_bytes)}, "
                      f"bytes per page {ratio(ours.per_page, stock.per_page)}"
                      + (f" (stock {stock.note})" if stock.note else ""), flush=True)
            results[n] = ours

        sizes = sorted(results)
        if len(sizes) > 1:
            small, large = results[sizes[0]], results[sizes[-1]]
            print(f"  scaling ours {sizes[0]} → {sizes[-1]}: {large.seconds / small.seconds:.1f}× the "
                  f"time for {sizes[-1] / sizes[0]:.0f}× the reports", flush=True)

        # Rebuilds in the largest project (cache warm): unchanged, one report added, edited, removed.
        n = sizes[-1]
        unchanged = build_ours(project, reports, "rebuild")
        show(unchanged, n)
        print(f"  rebuild with nothing changed: {unchanged.seconds:.1f} s (CPU {unchanged.cpu or 0:.1f} s)", flush=True)
        # Another seed, so the new report is not a near-duplicate of syn-00000 (then merged).
        source_docs, _ = load_documents()
        extra = make_documents(1, paragraph_pool(source_docs), seed=SEED + 1)[0]
        added = reports / "new-report-added.md"
        added.write_text(extra.report_file_text(), encoding="utf-8")
        rebuilt = build_ours(project, reports, "rebuild")
        show(rebuilt, n + 1)
        print(f"  rebuild after adding one report to {n}: {rebuilt.seconds:.1f} s (CPU {rebuilt.cpu or 0:.1f} s)", flush=True)
        files = sorted(p for p in reports.glob("*.md") if p != added)
        edited = files[len(files) // 2]
        edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一段：本报告已修订。\n", encoding="utf-8")
        rebuilt = build_ours(project, reports, "rebuild")
        show(rebuilt, n + 1)
        print(f"  rebuild after editing one report: {rebuilt.seconds:.1f} s (CPU {rebuilt.cpu or 0:.1f} s)", flush=True)
        added.unlink()
        rebuilt = build_ours(project, reports, "rebuild")
        show(rebuilt, n)
        print(f"  rebuild after removing one report: {rebuilt.seconds:.1f} s (CPU {rebuilt.cpu or 0:.1f} s)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workroot, ignore_errors=True)
    return 0


def _document_of(path: Path):
    """A report file as the stock build wants it: title and body."""
    from _corpus import Document

    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2) if text.startswith("---\n") else ("", "", text)
    meta = yaml.safe_load(front) or {}
    return Document(key=path.stem, title=str(meta.get("title") or path.stem), body=body)


if __name__ == "__main__":
    sys.exit(main())
