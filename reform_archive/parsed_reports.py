"""Reports as an earlier build read them, so a rebuild reads and parses only the new and edited
ones.

Validating a report's front matter (YAML, the gazetteer, topics, the cost of its Markdown) was
a fifth of a rebuild with nothing changed at 10,000 reports, and reading and hashing the files
another tenth. An entry is keyed by the file's bytes and its name in messages, under the
validating code's version: a file with the bytes of an earlier build gets that build's
`ParsedReport` back — the report and its problems, exactly as `parse_report_bytes` gave them —
and its body's `text_digest`. The body is not kept: it is the file's text from where the front
matter ends, cut again from the bytes.

A file is not even read when its `stat` (size, modification and change times, inode) is the one
recorded with its bytes' entry (`read`): a report whose body is read from its file when first
asked for (`_UnreadBody`), and every cache of the build keys the text by its digest. The change
time cannot be set back by a program, so a file edited since has another stat; a file changed
in the last seconds before it was read is not recorded (a second edit within the file system's
clock tick would keep its times). A body read later that is not the recorded bytes' (edited
during the build) stops the build with `ReportChanged`.

One sealed file (`cache_file.py`), `parsed-reports.sealed`, pickled; written only when it
changed, holding the entries of the last build's files alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from .cache import MemoFile
from .cache_file import OnDamage, ignore_damage
from .code_graph import code_version
from .report import MAX_YEAR, ParsedReport, Report, parse_report_bytes, read_report_bytes, text_digest

CACHE_FILE = "parsed-reports.sealed"
# What a parse depends on besides the bytes: the validating code (and this module's entry
# layout), and this year (a year up to next year is valid).
PARSE_CODE = ("reform_archive.report", "reform_archive.parsed_reports")
RECENT_NS = 3_000_000_000   # a file changed less than this before it is read: its stat not recorded


class ReportChanged(Exception):
    """A report file whose stat this build trusted was changed before its body was read."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"{name}: changed while the site was being built; build again "
                         "/ 报告在构建过程中被修改，请重新构建")


@dataclass(frozen=True)
class _BodySource:
    """Where a body not read yet is: the file, its name in messages, the key of the bytes its
    entry was made from, where the body starts in its text."""

    path: Path
    name: str
    key: bytes
    start: int

    def read(self) -> str:
        raw = read_report_bytes(self.path, self.name)
        if isinstance(raw, ParsedReport) or _key(self.name, raw) != self.key:
            raise ReportChanged(self.name)
        return _text(raw)[self.start:]


class _UnreadBody(Report):
    """A report of the archive whose body is read from its file when first asked for. Report's
    own fields, `__init__` and `__repr__`; only `body` is a property (set by `__init__`, as by
    `dataclasses.replace`, it is an ordinary value). Equal to a `Report` of the same fields."""

    @property
    def body(self) -> str:
        known = self.__dict__
        if "_body" not in known:
            known["_body"] = known.pop("_source").read()
        return known["_body"]

    @body.setter
    def body(self, value: str) -> None:
        self.__dict__["_body"] = value
        self.__dict__.pop("_source", None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(Report))

    __hash__ = Report.__hash__

    @classmethod
    def of(cls, kept: Report, source: _BodySource, path: Path) -> _UnreadBody:
        report = object.__new__(cls)   # the kept fields as they are: no __init__, no body
        report.__dict__.update(kept.__dict__)
        report.__dict__.pop("body", None)
        report.__dict__.update(path=path, _source=source)
        return report


def _key(name: str, raw: bytes) -> bytes:
    return hashlib.blake2b(name.encode("utf-8") + b"\0" + raw, digest_size=20).digest()


def _stat_key(name: str, info: os.stat_result) -> tuple:
    return ("stat", name, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def _text(raw: bytes) -> str:
    """The file's text as `parse_report` sees it (its line breaks made `\\n`)."""
    text = raw.decode("utf-8-sig")
    # Most files have no `\r`: found in the bytes, it spares two passes over every text.
    return text.replace("\r\n", "\n").replace("\r", "\n") if b"\r" in raw else text


class ParsedReports:
    """`parse` with a memory of earlier builds; `folder` None remembers nothing."""

    def __init__(self, folder: Path | None, on_damage: OnDamage = ignore_damage, recent_ns: int = RECENT_NS) -> None:
        self.recent_ns = recent_ns
        version = f"{code_version(*PARSE_CODE)} {MAX_YEAR}"
        self.memo = MemoFile(folder / CACHE_FILE if folder is not None else None, version, on_damage, codec=pickle)
        self.parsed = 0   # parsed now (not found): for tests and the build log

    def read(self, path: Path, name: str) -> tuple[ParsedReport, bytes]:
        """The report file at `path` (`name` in messages) read and parsed, as `parse`; not read
        when its stat is the one recorded with an entry (its body read when asked for)."""
        try:
            info = os.stat(path)
        except OSError:
            info = None   # read_report_bytes says why
        trusted = info is not None and stat.S_ISREG(info.st_mode)
        if trusted:
            stat_key = _stat_key(name, info)
            key = self.memo.get(stat_key)
            entry = self.memo.get(key) if key is not None else None
            if entry is not None and entry[0] is not None:
                kept, problems, start, digest = entry
                return ParsedReport(_UnreadBody.of(kept, _BodySource(path, name, key, start), path), list(problems)), digest
        raw = read_report_bytes(path, name)
        if isinstance(raw, ParsedReport):
            return raw, b""
        key = _key(name, raw)
        parsed, digest = self._parse(raw, name, path, key)
        # Recorded only for bytes of the size stat saw, of a file not changed just before (the
        # change time follows every write): a second edit within the clock's tick would not
        # change its times.
        if trusted and len(raw) == info.st_size and info.st_ctime_ns < time.time_ns() - self.recent_ns:
            self.memo.put(stat_key, key)
        return parsed, digest

    def parse(self, raw: bytes, name: str, path: Path | None) -> tuple[ParsedReport, bytes]:
        """The report and its problems, and its body's `text_digest` (b"" without a report)."""
        return self._parse(raw, name, path, _key(name, raw))

    def _parse(self, raw: bytes, name: str, path: Path | None, key: bytes) -> tuple[ParsedReport, bytes]:
        entry = self.memo.get(key)
        if entry is not None:
            report, problems, body_start, digest = entry
            if report is not None:
                report = dataclasses.replace(report, body=_text(raw)[body_start:], path=path)
            return ParsedReport(report, list(problems)), digest
        self.parsed += 1
        parsed = parse_report_bytes(raw, name, path)
        report = parsed.report
        kept = None
        body_start = 0
        digest = b""
        if report is not None:
            body_start = len(_text(raw)) - len(report.body)   # the body is the text's tail
            kept = dataclasses.replace(report, body="", path=None)
            digest = text_digest(report.body)
        self.memo.put(key, (kept, list(parsed.problems), body_start, digest))
        return parsed, digest

    def save(self) -> None:
        """Keep the entries of this build's files (written only if they changed)."""
        self.memo.save()
