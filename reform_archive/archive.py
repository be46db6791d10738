"""The archive: every report under `reports/`, validated, with its URL and its duplicates.

`load_archive` is the one entry point the build, the plugin and `reform-archive check` share,
so all three see the same reports, the same problems and the same duplicate groups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .code_graph import code_version
from .dedup import DuplicateCluster, SignatureStore, find_duplicate_clusters
from .problems import Problem, error
from .report import Report, read_report
from .slug import slugify

REPORTS_URL = "reports"
DEDUP_CODE = ("reform_archive.dedup",)  # what the duplicate signatures kept between builds are made by


@dataclass
class ArchivedReport:
    report: Report
    key: str                       # path relative to the reports folder, e.g. 2006/x.md
    slug: str
    duplicate_of: ArchivedReport | None = None
    versions: list[tuple[ArchivedReport, float]] = field(default_factory=list)  # duplicates shown here

    @property
    def src_uri(self) -> str:
        """The generated page's path in the MkDocs docs tree."""
        return f"{REPORTS_URL}/{self.report.year_label}/{self.slug}.md"

    @property
    def url(self) -> str:
        """Site-relative URL of the report's page (directory URLs)."""
        return f"{REPORTS_URL}/{self.report.year_label}/{self.slug}/"

    @property
    def shown(self) -> bool:
        return self.duplicate_of is None


@dataclass
class Archive:
    reports: list[ArchivedReport]
    problems: list[Problem]
    clusters: list[DuplicateCluster]

    @property
    def shown(self) -> list[ArchivedReport]:
        return [r for r in self.reports if r.shown]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def left_out(self) -> list[str]:
        """Files that are not on the site because of an error, each named in `problems`."""
        return sorted({p.file for p in self.errors})


def report_files(reports_dir: Path) -> list[Path]:
    """Every report file: `*.md` below the folder, except under `_`-prefixed folders such as
    `_sources/` (raw pages kept for provenance) and hidden files."""
    files = []
    for path in sorted(reports_dir.rglob("*.md")):
        parts = path.relative_to(reports_dir).parts
        if any(part.startswith(("_", ".")) for part in parts):
            continue
        files.append(path)
    return files


def load_archive(reports_dir: Path, *, label_root: Path | None = None,
                 cache_dir: Path | None = None) -> Archive:
    """Read, validate and deduplicate every report. Reports with errors are left out of
    `reports` but never silently: each has at least one error in `problems`. With a cache
    folder, the duplicate detector keeps its signatures there between builds."""
    if not reports_dir.is_dir():
        return Archive([], [error(reports_dir, "reports folder not found / 找不到报告文件夹")], [])
    label_of = _labeller(reports_dir, label_root or Path.cwd())
    problems: list[Problem] = []
    reports: list[ArchivedReport] = []
    for path in report_files(reports_dir):
        label = label_of(path)
        parsed = read_report(path, label=label)
        problems.extend(parsed.problems)
        if parsed.report is None or any(p.is_error for p in parsed.problems):
            continue
        key = path.relative_to(reports_dir).as_posix()
        reports.append(ArchivedReport(parsed.report, key, slugify(path.stem)))
    collisions = _slug_collisions(reports, reports_dir, label_of)
    problems.extend(collisions)
    colliding = {p.file for p in collisions}
    reports = [r for r in reports if label_of(reports_dir / r.key) not in colliding]
    store = SignatureStore(cache_dir / "dedup-signatures.marshal" if cache_dir else None,
                           code_version(*DEDUP_CODE))
    clusters = find_duplicate_clusters({r.key: r.report.body for r in reports}, store)
    by_key = {r.key: r for r in reports}
    for cluster in clusters:
        kept = by_key[cluster.kept]
        for other in cluster.others:
            by_key[other].duplicate_of = kept
            kept.versions.append((by_key[other], cluster.similarity[other]))
    return Archive(reports, problems, clusters)


def _labeller(reports_dir: Path, root: Path) -> Callable[[Path], str]:
    """How problems name a report file: its path from `root` (the project), else as given.
    The folders are resolved once; each file is then named by string operations alone."""
    try:
        prefix = reports_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str
    prefix = "" if prefix == "." else prefix + "/"
    return lambda path: prefix + path.relative_to(reports_dir).as_posix()


def _slug_collisions(reports: list[ArchivedReport], reports_dir: Path,
                     label_of: Callable[[Path], str]) -> list[Problem]:
    """Two files that would be published at the same URL: an error, never a silent overwrite."""
    by_url: dict[str, list[ArchivedReport]] = defaultdict(list)
    for report in reports:
        by_url[report.url].append(report)
    problems = []
    for url, same in by_url.items():
        if len(same) > 1:
            names = ", ".join(label_of(reports_dir / r.key) for r in same)
            for r in same:
                problems.append(error(
                    label_of(reports_dir / r.key),
                    f"same page URL /{url} as another report ({names}); rename one of the files "
                    "/ 与其他报告的网址相同，请重命名文件"))
    return problems
