"""`reform-archive import | check | build | serve | index` (also `python -m reform_archive`)."""

from __future__ import annotations

import argparse
import gc
import glob
import logging
import sys
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _expand_sources(patterns: list[str]) -> list[Path]:
    """Files, folders (their files, recursively) and globs, in a stable order."""
    paths: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) or [pattern]
        for match in matches:
            path = Path(match)
            if path.is_dir():
                paths += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            else:
                paths.append(path)
    return paths


def _failed_path(exc: OSError, default: str) -> str:
    """The file a failed write was writing (a copy's destination, not its source)."""
    return str(getattr(exc, "filename2", None) or exc.filename or default)


def cmd_import(args: argparse.Namespace) -> int:
    from .ingest.importer import ImportConflict, import_sources

    sources = _expand_sources(args.sources)
    missing = [p for p in sources if not p.exists()]
    for path in missing:
        print(f"{path}: no such file / 文件不存在", file=sys.stderr)
    present = [p for p in sources if p.exists()]
    try:
        result = import_sources(present, Path(args.out), force=args.force,
                                progress=_progress_bar(len(present)))
    except ImportConflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:  # writing into --out: a read-only or full disk
        print(f"error: {_failed_path(exc, args.out)}: cannot write / 无法写入: {exc.strerror or exc}; "
              "the reports written before it are complete / 此前写入的报告完整", file=sys.stderr)
        return EXIT_PROBLEMS
    for path in result.written:
        print(f"imported  {path}")
    for path, why in result.skipped:
        print(f"unchanged {path} ({why})")
    for path, other, similarity in result.duplicates:
        print(f"warning: {path} is likely a duplicate of {other} (similarity {similarity:.0%}); "
              "the site shows them once / 可能与已有报告重复", file=sys.stderr)
    for path, why in result.failed:
        print(f"failed    {path}: {why}", file=sys.stderr)
    failed = len(result.failed) + len(missing)
    print(f"{len(result.written)} imported, {len(result.skipped)} already present, "
          f"{len(result.duplicates)} flagged as likely duplicates, {failed} failed / "
          f"导入 {len(result.written)} 篇，已存在 {len(result.skipped)} 篇，"
          f"疑似重复 {len(result.duplicates)} 篇，失败 {failed} 个")
    return EXIT_PROBLEMS if result.failed or missing else EXIT_OK


PROGRESS_MIN_FILES = 20  # below this, and off a terminal, an import is quick enough to be silent


def _progress_bar(total: int):
    """A one-line progress bar on stderr: redrawn in place on a terminal; in a log (not a TTY)
    one line per tenth, and only for imports of many files. None when it would be noise."""
    tty = sys.stderr.isatty()
    if not tty and total < PROGRESS_MIN_FILES:
        return None
    last_tenth = -1

    def show(done: int, total: int, path: Path) -> None:
        nonlocal last_tenth
        width = 30
        filled = width * done // max(total, 1)
        line = f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {path.name if done < total else ''}"
        if tty:
            end = "\n" if done == total else ""
            print(f"\r{line[:100]:<100}", end=end, file=sys.stderr, flush=True)
        elif done * 10 // max(total, 1) > last_tenth:
            last_tenth = done * 10 // max(total, 1)
            print(line, file=sys.stderr, flush=True)

    return show


def cmd_check(args: argparse.Namespace) -> int:
    from .archive import load_archive
    from .ingest.review import title_problems

    archive = load_archive(Path(args.dir))
    problems = archive.problems + title_problems(archive, Path(args.dir))
    for problem in problems:
        print(problem, file=sys.stderr if problem.is_error else sys.stdout)
    errors = len(archive.errors)
    warnings = len(problems) - errors
    print(f"{len(archive.reports)} reports OK, {len(archive.shown)} shown after merging duplicates; "
          f"{errors} error(s), {warnings} warning(s)")
    return EXIT_PROBLEMS if errors else EXIT_OK


PLUGIN = "reform-archive"


def _plugin_options(config_file: str, **options) -> list | None:
    """The configuration's plugin list with these options set on the archive's plugin, as if
    mkdocs.yml said them: `--reports` and `--keep-going` reach the plugin as its own typed options
    (MkDocs validates them), for `build` and for every rebuild of `serve`. None: nothing to set."""
    options = {k: v for k, v in options.items() if v is not None}
    if not options:
        return None
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, "rb") as handle:
        raw = yaml_load(handle) or {}
    listed = raw.get("plugins") or []
    entries = list(listed.items()) if isinstance(listed, dict) else [
        (item, None) if isinstance(item, str) else next(iter(item.items())) for item in listed]
    if PLUGIN not in [name for name, _ in entries]:
        raise CliError(f"{config_file} does not use the {PLUGIN} plugin; add it under `plugins:`")
    return [{name: {**(opts or {}), **options} if name == PLUGIN else (opts or {})}
            for name, opts in entries]


class CliError(Exception):
    """A command cannot start; the message says why."""


def _overrides(args: argparse.Namespace, **options) -> dict:
    reports = str(Path(args.reports).resolve()) if args.reports else None
    plugins = _plugin_options(args.config, reports_dir=reports, **options)
    return {"plugins": plugins} if plugins is not None else {}


def _show_build_log(level: int = logging.WARNING) -> None:
    """MkDocs' messages from `level` up, and our plugin's summary lines (reports shown, pages
    reused, search index), on stderr, as `mkdocs build` would show them."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(level)
    logging.getLogger("mkdocs.plugins.reform_archive").setLevel(logging.INFO)


def _collect_less_often() -> None:
    """A build holds millions of objects to its end (the archive, MkDocs' pages and files), and
    Python's cycle collector scans them again each time enough new ones are made: a tenth of a
    rebuild and of a cold build at 1,000 and 10,000 reports (same peak memory). Collections are
    made rarer, not stopped: the cyclic garbage of each rendered page is still found."""
    gc.set_threshold(50_000, 20, 100)


def cmd_build(args: argparse.Namespace) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _show_build_log()
    _collect_less_often()

    try:
        overrides = _overrides(args, keep_going=True if args.keep_going else None,
                               for_disk=True if args.for_disk else None)
        if args.out:
            overrides["site_dir"] = str(Path(args.out).resolve())
        config = load_config(args.config, **overrides)
        plugin = config.plugins.get(PLUGIN)
        problem = plugin.output_problem(config) if plugin is not None and plugin.config.enabled else None
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return EXIT_PROBLEMS
        build(config)
    except (MkDocsException, CliError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:  # MkDocs writing the site: a full or read-only disk
        print(f"error: {_failed_path(exc, args.out or 'site')}: cannot write / 无法写入: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"built {config.site_dir}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    _show_build_log(logging.INFO)  # "Serving on …", and each rebuild
    _collect_less_often()
    try:
        serve(config_file=args.config, dev_addr=args.dev_addr, open_in_browser=False, **_overrides(args))
    except (MkDocsException, CliError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    from .site_folder import SiteFolderError, index_site_folder

    try:
        indexed = index_site_folder(Path(args.site), args.lines_table_kb * 1024)
    except SiteFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"search index of {indexed.reports} reports written to {Path(args.site) / 'search'} "
          f"({indexed.size // 1024} KB)")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reform-archive", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="split, clean and tag raw pages into reports/")
    p.add_argument("sources", nargs="+", help="files, folders or globs: .txt (UTF-8/GBK/GB18030/UTF-16), .html, .docx, .md")
    p.add_argument("--out", default="reports", help="reports folder (default: reports)")
    p.add_argument("--force", action="store_true", help="overwrite existing reports")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help="validate every report; exit 1 on any error")
    p.add_argument("dir", nargs="?", default="reports")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("index", help="write the search index of a finished site folder (e.g. one "
                                     "built by ProperDocs or another generator) from its pages")
    p.add_argument("site", help="the site folder: its data/reports.json and report pages")
    p.add_argument("--lines-table-kb", type=int, default=256,
                   help="as the plugin's search_lines_table_kb option (default: 256)")
    p.set_defaults(func=cmd_index)

    for name, func, help_text in (("build", cmd_build, "build the site"),
                                  ("serve", cmd_serve, "serve the site with live reload")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--reports", help="reports folder (default: the plugin's reports_dir)")
        p.add_argument("--config", default="mkdocs.yml", help="MkDocs config (default: mkdocs.yml)")
        if name == "build":
            p.add_argument("--out", help="site folder (default: site)")
            p.add_argument("--keep-going", action="store_true",
                           help="build despite errors, leaving out (and listing) the broken reports")
            p.add_argument("--for-disk", action="store_true",
                           help="a site to open from disk (file://): links name index.html, search works there")
        else:
            p.add_argument("--dev-addr", default="127.0.0.1:8000")
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
