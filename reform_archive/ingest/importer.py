"""`reform-archive import`: raw pages in, one Markdown report per article out.

Data flows one way: source file → text (encoding detected) → articles (compilation split) →
cleaned paragraphs → metadata → `Report` → file. Writing is safe: a report is written to a
temporary file and linked into place, so an interrupted import leaves no partial file, an
existing report is never overwritten (unless forced), and re-importing the same page is a no-op.

An article is known by its text (`source.sha256`, a hash of it as the page has it), not by the
page's file name: two pages both called `page.txt` hold different articles, and both are
imported. The raw page is copied into `_sources/` before the reports that cite it are written
(an import killed in between leaves a copy and no report; the next one writes the reports), under
its own name, or `<name>-<hash>.<ext>` when a different page of that name is there already;
`source.file` names the copy.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from typing import Callable

from ..added import today
from ..dedup import find_duplicate_clusters
from ..report import Report, read_report, report_files
from ..slug import slugify
from ..language.chrome import cjk_count
from .clean import clean_paragraphs, to_markdown
from .compilation import Compilation, Section, names_a_document, read_collection_title, split_compilation
from .formats import SourceError, SourceText, read_source_text
from .layout import NotAnArticle, PageFields, find_article, is_title_line, split_header, trim_article
from .metadata import ArticleContext, read_metadata
from .page import read_speech_page

SOURCES_DIR = "_sources"
TEMP_PREFIX = ".import-"


class ImportConflict(Exception):
    """An import would overwrite a file that holds something else; nothing was written."""


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    # (new report, the report it likely duplicates, Jaccard similarity): written, but flagged
    duplicates: list[tuple[Path, Path, float]] = field(default_factory=list)


def articles_from_source(path: Path) -> list[Report]:
    """The reports one source file holds, not yet written anywhere. A page that holds no
    article (a link list, a template, another language) raises `NotAnArticle` (a SourceError)."""
    return articles_from_text(read_source_text(path))


def articles_from_text(source: SourceText) -> list[Report]:
    """The reports a source file's text holds, not yet written anywhere."""
    path = source.path
    layout = find_article(source.text, str(path))
    fields = layout.fields
    fields.published = fields.published or source.html_date[:10]
    compilation = split_compilation("\n".join(layout.lines))
    if compilation.is_compilation:
        return [_report(path, paragraphs, context, _compilation_record(path, compilation, section, fields),
                        section.text)
                for section in compilation.sections
                for paragraphs, context in [_compilation_article(compilation, section, fields)]
                if paragraphs]
    speech = read_speech_page(source.text)
    if speech is not None:
        header = speech.header
        paragraphs = clean_paragraphs("\n".join(trim_article(speech.body.split("\n"))))
        context = ArticleContext(title=header.title, published=header.published or fields.published,
                                 header=header)
        record = _source_record(path, header.title, header.published or fields.published,
                                meeting=header.meeting, outlet=header.outlet or fields.outlet,
                                url=source.html_url)
        return [_report(path, paragraphs, context, record, speech.body)] if paragraphs else []
    first_text = next((line for line in layout.body if line.strip()), "")
    parts = split_header(layout.header, first_text)
    title = fields.stated_title or parts.title or _html_title(source.html_title)
    collection = read_collection_title(title) if title else None
    if collection:
        # A collection's title above one article: the article is on its subject, not the collection.
        title = ""
    paragraphs = clean_paragraphs("\n".join(parts.lead + layout.body))
    if not paragraphs:
        raise NotAnArticle(f"{path}: no article text under the page's title / 网页中没有正文，未导入")
    context = ArticleContext(title=title, collection=collection[0] if collection else "",
                             published=fields.published)
    record = _source_record(path, parts.title or title, fields.published, subtitle=parts.subtitle,
                            outlet=fields.outlet, url=source.html_url)
    return [_report(path, paragraphs, context, record, "\n".join(layout.body))]


def _compilation_article(compilation: Compilation, section: Section,
                         fields: PageFields) -> tuple[list[str], ArticleContext]:
    paragraphs = clean_paragraphs(section.text)
    title = section.title
    if not title and len(paragraphs) > 1 and is_title_line(paragraphs[0]) \
            and not read_collection_title(paragraphs[0]):
        title, paragraphs = paragraphs[0], paragraphs[1:]  # `【篇一】` over its own title line
    if not title and names_a_document(compilation.stem):
        title = compilation.stem  # `酒店前台接待岗位说明书篇1`: the collection of one document's versions
    return paragraphs, ArticleContext(title=title, collection=compilation.stem,
                                      published=compilation.captured or fields.published,
                                      in_compilation=True)


def _report(path: Path, paragraphs: list[str], context: ArticleContext, record: dict, raw: str) -> Report:
    meta = read_metadata(paragraphs, context=context)
    record["sha256"] = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
    return Report(title=meta.title or record.get("section", "") or path.stem, body=to_markdown(paragraphs),
                  year=meta.year, region=meta.region, topics=meta.topics, keywords=meta.keywords,
                  date=context.header.date, source=record)


def _html_title(title: str) -> str:
    """A page's <title> without the site's name after it (`中华人民共和国监察法-纪检`)."""
    main = re.split(r"\s*[-_|｜—]+\s*", title.strip())[0] if title else ""
    return main if cjk_count(main) >= 4 else ""


def _source_record(path: Path, page_title: str, captured: str, *, section: str = "", meeting: str = "",
                   subtitle: str = "", outlet: str = "", url: str = "") -> dict:
    """Where a report comes from: the page's (or collection's) title and date, the section of a
    compilation, what else the page states, the file; `sha256` of the text is added after."""
    record = {"page_title": page_title, "captured": captured}
    for key, value in (("meeting", meeting), ("subtitle", subtitle), ("outlet", outlet), ("url", url),
                       ("section", section)):
        if value:
            record[key] = value
    record["file"] = path.name
    return record


def _compilation_record(path: Path, compilation: Compilation, section: Section, fields: PageFields) -> dict:
    return _source_record(path, compilation.page_title, compilation.captured or fields.published,
                          section=section.label or compilation.page_title, outlet=fields.outlet)


def _identity(source: dict) -> str:
    """What an imported article is known by: the hash of its text (empty for a report that was
    not imported)."""
    return str(source.get("sha256", ""))


@dataclass
class _Existing:
    path: Path
    source_file: str   # its `source.file`: the raw page's copy in _sources/


def import_sources(sources: list[Path], out_dir: Path, *, force: bool = False,
                   progress: Callable[[int, int, Path], None] | None = None) -> ImportResult:
    """Import every source; `progress(done, total, path)` is called before each one. An
    OSError writing into `out_dir` propagates (the caller names the path)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(out_dir)
    on_disk = _reports_in(out_dir)   # read once: for what is imported already, and for duplicates
    existing = _existing_sources(on_disk)
    sources_dir = out_dir / SOURCES_DIR
    added_today = today()   # the date these reports enter the archive (added.py)
    result = ImportResult()
    for done, path in enumerate(sources):
        if progress:
            progress(done, len(sources), path)
        try:
            source = read_source_text(path)
            reports = articles_from_text(source)
        except SourceError as exc:
            result.failed.append((path, str(exc)))
            continue
        copy_name = _source_copy_name(source.raw, path.name, sources_dir)
        planned = _plan_files(reports, out_dir, existing, force, result)
        # Check every target before writing anything, so a conflict leaves no half import.
        for report, target in planned:
            if target.exists() and not force:
                raise ImportConflict(
                    f"{target} already exists and holds another report; nothing was imported from "
                    f"{path}. Rename or move it, or use --force to overwrite / 文件已存在，未导入")
        cited = {existing[_identity(r.source)].source_file for r in reports
                 if _identity(r.source) in existing and not force}
        if planned or copy_name in cited:
            # The raw page first: a report never cites a copy that is not there. (An import
            # killed before this change could leave reports without it: this restores it.)
            write_source_copy(source.raw, sources_dir / copy_name)
        for report, target in planned:
            report.source["file"] = copy_name
            report.added = report.added or added_today
            write_atomically(target, report.to_markdown(), overwrite=force)
            existing[_identity(report.source)] = _Existing(target, copy_name)
            on_disk[target] = report
            result.written.append(target)
    if progress:
        progress(len(sources), len(sources), Path())
    result.duplicates = likely_duplicates(result.written, on_disk)
    return result


def _reports_in(out_dir: Path) -> dict[Path, Report]:
    """The reports of the folder that can be read (the build names the others)."""
    found = {}
    for path in report_files(out_dir):
        parsed = read_report(path)
        if parsed.report is not None:
            found[path] = parsed.report
    return found


def likely_duplicates(new: list[Path], reports: dict[Path, Report]) -> list[tuple[Path, Path, float]]:
    """New reports that the build will merge with another report (see dedup.py): each is paired
    with the report shown in its place, or with another new one when both are new. `reports`:
    every report of the folder by path, the new ones included."""
    if not new:
        return []
    texts = {path: report.body for path, report in sorted(reports.items())}
    new_set = set(new)
    flagged = []
    for cluster in find_duplicate_clusters({str(k): v for k, v in texts.items()}):
        kept = Path(cluster.kept)
        members = [kept] + [Path(o) for o in cluster.others]
        old = [m for m in members if m not in new_set]
        for member in members:
            if member not in new_set or (not old and member == kept):
                continue  # two new copies of one text: the one shown is not flagged
            other = old[0] if old else kept
            score = cluster.similarity.get(str(member), cluster.similarity.get(str(other), 1.0))
            flagged.append((member, other, score))
    return sorted(flagged)


def _plan_files(reports: list[Report], out_dir: Path, existing: dict, force: bool,
                result: ImportResult) -> list[tuple[Report, Path]]:
    planned: list[tuple[Report, Path]] = []
    taken: set[Path] = set()
    for report in reports:
        identity = _identity(report.source)
        known = existing.get(identity)
        if known is not None and not force:
            result.skipped.append((known.path, "already imported / 已导入"))
            continue
        if known is not None:
            target = known.path
        else:
            stem = slugify(report.title)
            target = out_dir / f"{stem}.md"
            n = 2
            while target in taken or (target.exists() and _has_title(target, report.title)):
                target = out_dir / f"{stem}-{n}.md"
                n += 1
        taken.add(target)
        planned.append((report, target))
    return planned


def _has_title(target: Path, title: str) -> bool:
    """A file with the name we want exists: another article of the same title gets a suffix;
    anything else is a conflict that the caller reports."""
    parsed = read_report(target)
    return parsed.report is not None and parsed.report.title == title


def _existing_sources(reports: dict[Path, Report]) -> dict[str, _Existing]:
    found = {}
    for path, report in sorted(reports.items()):
        if _identity(report.source):
            found.setdefault(_identity(report.source), _Existing(path, str(report.source.get("file", ""))))
    return found


def _source_copy_name(raw: bytes, name: str, sources_dir: Path) -> str:
    """The name of the raw page's copy in `sources_dir`: its own, unless a different file of
    that name is there; then `<stem>-<hash>.<ext>`, the hash of its bytes."""
    if _holds_other(sources_dir / name, raw):
        stem, dot, ext = name.rpartition(".")
        digest = hashlib.sha256(raw).hexdigest()[:12]
        return f"{stem}-{digest}.{ext}" if dot and stem else f"{name}-{digest}"
    return name


def _holds_other(target: Path, raw: bytes) -> bool:
    try:
        return target.stat().st_size != len(raw) or target.read_bytes() != raw
    except FileNotFoundError:
        return False


def write_source_copy(raw: bytes, target: Path) -> None:
    """Copy a raw page into _sources/ unless the same bytes are there already."""
    if not target.exists():
        write_atomically(target, raw, overwrite=False)
    elif _holds_other(target, raw):  # chosen by _source_copy_name, so only if it changed since
        raise ImportConflict(f"{target} exists with different content; the raw page was not copied")


def _remove_stale_temporaries(out_dir: Path) -> None:
    """An import killed between writing and linking (SIGKILL, power cut) leaves its hidden
    temporary file behind; it never became a report, so the next import clears it."""
    for stale in out_dir.rglob(f"{TEMP_PREFIX}*.tmp"):
        stale.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(target: Path, content: str | bytes, *, overwrite: bool) -> None:
    """Write to a temporary file beside the target, then link or rename it into place: a reader
    (or a killed import) never sees half a file, and without `overwrite` nothing is replaced."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes it 0600; a report is as any file written
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails if the target appeared meanwhile
            os.unlink(tmp)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not exc.filename:  # a full disk: say which file
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise


__all__ = ["ImportConflict", "ImportResult", "NotAnArticle", "articles_from_source", "import_sources",
           "write_atomically"]
