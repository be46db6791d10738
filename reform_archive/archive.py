"""The archive: every report under `reports/`, validated, with its URL and its duplicates.

`load_archive` is the one entry point the build, the plugin and `reform-archive check` share,
so all three see the same reports, the same problems and the same duplicate groups.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .added import added_dates
from .cache import MemoFile
from .cache_file import damage_problem
from .code_graph import code_version
from .dedup import DuplicateCluster, SignatureStore, find_duplicate_clusters
from .language.chrome import classify
from .language.gazetteer import region_levels
from .parsed_reports import ParsedReports
from .problems import Problem, error
from .report import Report, report_files, text_digest
from .slug import RESERVED_SLUGS, slugify
from .topics import VOCABULARY

REPORTS_URL = "reports"
DEDUP_CODE = ("reform_archive.dedup",)  # what the duplicate signatures kept between builds are made by
CHROME_CODE = ("reform_archive.language.chrome",)  # what tells a text's chrome lines
UNKNOWN_REGION = "未标注地区"   # the province page of the reports with no region


@dataclass
class ArchivedReport:
    report: Report
    key: str                       # path relative to the reports folder, e.g. 2006/x.md
    slug: str
    duplicate_of: ArchivedReport | None = None
    versions: list[tuple[ArchivedReport, float]] = field(default_factory=list)  # duplicates shown here
    added: str = ""                # YYYY-MM-DD it entered the archive (added.py)
    digest: bytes = b""            # its body's `text_digest` (made from the body when not given)

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = text_digest(self.report.body)

    @property
    def src_uri(self) -> str:
        """The generated page's path in the MkDocs docs tree. A report file named `index.md`
        goes one folder down (MkDocs would publish `…/index.md` at `…/`, not at its URL)."""
        if self.slug in RESERVED_SLUGS:
            return f"{REPORTS_URL}/{self.report.year_label}/{self.slug}/index.md"
        return f"{REPORTS_URL}/{self.report.year_label}/{self.slug}.md"

    @property
    def url(self) -> str:
        """Site-relative URL of the report's page (directory URLs). It depends on this file
        alone (its year and name): a hidden version keeps it, as a page that leads to the
        version shown (see `shown_rank`)."""
        return f"{REPORTS_URL}/{self.report.year_label}/{self.slug}/"

    @property
    def shown_version(self) -> ArchivedReport:
        return self.duplicate_of or self

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


def load_archive(reports_dir: Path, *, label_root: Path | None = None,
                 cache_dir: Path | None = None) -> Archive:
    """Read, validate and deduplicate every report. Reports with errors are left out of
    `reports` but never silently: each has at least one error in `problems`. With a cache
    folder, the duplicate detector keeps its signatures there between builds, and the reports
    as parsed (parsed_reports.py)."""
    if not reports_dir.is_dir():
        return Archive([], [error(reports_dir, "reports folder not found / 找不到报告文件夹")], [])
    label_of = _labeller(reports_dir, label_root or Path.cwd())
    problems: list[Problem] = []
    reports: list[ArchivedReport] = []
    damaged = lambda path: problems.append(damage_problem(path, label_root or Path.cwd()))  # noqa: E731
    parser = ParsedReports(cache_dir, on_damage=damaged)
    for path in report_files(reports_dir):
        label = label_of(path)
        parsed, digest = parser.read(path, label)
        problems.extend(parsed.problems)
        if parsed.report is None or any(p.is_error for p in parsed.problems):
            continue
        key = _key(path, reports_dir)
        reports.append(ArchivedReport(parsed.report, key, slugify(path.stem), digest=digest))
    parser.save()
    collisions = _slug_collisions(reports, reports_dir, label_of)
    collisions += _index_page_collisions(reports, reports_dir, label_of)
    problems.extend(collisions)
    colliding = {p.file for p in collisions}
    reports = [r for r in reports if label_of(reports_dir / r.key) not in colliding]
    dates = added_dates(reports_dir, {r.key: r.report.added for r in reports})
    for r in reports:
        r.added = dates[r.key]
    store = SignatureStore(cache_dir / "dedup-signatures.sealed" if cache_dir else None,
                           code_version(*DEDUP_CODE), on_damage=damaged)
    by_key = {r.key: r for r in reports}
    # Which copy of a group is shown reads its chrome lines (milliseconds a text, seconds for the
    # groups of 10,000 reports): counted once per text, kept between builds.
    chrome = MemoFile(cache_dir / "chrome-lines.sealed" if cache_dir else None,
                      code_version(*CHROME_CODE), on_damage=damaged)
    clusters = find_duplicate_clusters(_Bodies(by_key), store,
                                       prefer=lambda key: shown_rank(by_key[key].report, chrome, by_key[key].digest),
                                       digests={r.key: r.digest for r in reports})
    chrome.save()
    for cluster in clusters:
        kept = by_key[cluster.kept]
        for other in cluster.others:
            by_key[other].duplicate_of = kept
            kept.versions.append((by_key[other], cluster.similarity[other]))
    return Archive(reports, problems, clusters)


class _Bodies(Mapping):
    """{key: the report's body}, each read when asked for: the duplicate detector reads only
    the texts it has no signature or score of (a report's body may not be read yet)."""

    def __init__(self, by_key: dict[str, ArchivedReport]) -> None:
        self.by_key = by_key

    def __getitem__(self, key: str) -> str:
        return self.by_key[key].report.body

    def __iter__(self):
        return iter(self.by_key)

    def __len__(self) -> int:
        return len(self.by_key)


def chrome_lines(body: str) -> int:
    """Lines of a report's text that are a web site's chrome (menus, share bars, 发布日期 lines,
    footers, 范文-site prompts), as the importer tells them (language/chrome.py)."""
    return sum(1 for line in body.splitlines() if line.strip() and classify(line) is not None)


def shown_rank(report: Report, memo: MemoFile | None = None, digest: bytes = b"") -> tuple[int, int]:
    """Which of a group of near-duplicates is shown (docs/duplicates.md): the cleanest copy
    (fewest chrome lines), then the earliest year (unknown last); `find_duplicate_clusters`
    breaks ties by file name. Every other version's URL leads to the one shown. `memo` keeps
    each text's count, by its `text_digest` (`digest`, if known)."""
    if memo is None:
        return chrome_lines(report.body), report.year or 10_000
    key = digest or text_digest(report.body)
    count = memo.get(key)
    if count is None:
        count = chrome_lines(report.body)
        memo.put(key, count)
    return count, report.year or 10_000


def _key(path: Path, reports_dir: Path) -> str:
    """A report file's path from the reports folder, `/`-separated (string operations: 10,000
    files a build)."""
    below = str(reports_dir) + os.sep
    text = str(path)
    if text.startswith(below):
        return text[len(below):].replace(os.sep, "/")
    return path.relative_to(reports_dir).as_posix()


def _labeller(reports_dir: Path, root: Path) -> Callable[[Path], str]:
    """How problems name a report file: its path from `root` (the project), else as given.
    The folders are resolved once; each file is then named by string operations alone."""
    try:
        prefix = reports_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str
    prefix = "" if prefix == "." else prefix + "/"
    return lambda path: prefix + _key(path, reports_dir)


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


def province_of(report: Report) -> str:
    """The name of the region page a report is listed on."""
    levels = region_levels(report.region)
    return levels[0] if levels else UNKNOWN_REGION


def _index_page_collisions(reports: list[ArchivedReport], reports_dir: Path,
                           label_of: Callable[[Path], str]) -> list[Problem]:
    """Topic and region pages are named by the slug of the topic or province: two names with
    one slug (`机构编制！`, `机构编制`) would share a page, the one replacing the other, and a name
    whose slug is `index` would replace the list of all. Each is an error on every report that
    carries the name that loses: the vocabulary's topic, else the first name in sorted order,
    keeps the page."""
    problems = []
    vocabulary = [t.name for t in VOCABULARY]
    for kind, folder, names_of, first in (
            ("topic", "topics", lambda r: r.report.topics, vocabulary),
            ("region", "regions", lambda r: [province_of(r.report)], [UNKNOWN_REGION])):
        used: dict[str, list[ArchivedReport]] = defaultdict(list)
        for r in reports:
            for name in dict.fromkeys(names_of(r)):
                used[name].append(r)
        by_slug: dict[str, list[str]] = defaultdict(list)
        for name in list(dict.fromkeys(first)) + sorted(set(used) - set(first)):
            by_slug[slugify(name)].append(name)
        for slug, names in by_slug.items():
            losers = names if slug in RESERVED_SLUGS else names[1:]
            chinese = "主题" if kind == "topic" else "地区"
            for name in losers:
                if slug in RESERVED_SLUGS:
                    why = (f"{kind} '{name}' would be published at {folder}/{slug}/, the page that lists "
                           f"every {kind}; rename it / {chinese}名称与保留名称冲突")
                else:
                    why = (f"{kind} '{name}' would have the same page {folder}/{slug}/ as {kind} "
                           f"'{names[0]}' (its name without the characters a page name cannot hold); "
                           f"write it as '{names[0]}' or rename it / {chinese}网址冲突")
                for r in used.get(name, []):
                    problems.append(error(label_of(reports_dir / r.key), why))
    return problems
