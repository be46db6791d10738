"""Reports as an earlier build read them, by their files' bytes, so a rebuild parses only the new
and edited ones.

Validating a report's front matter (YAML, the gazetteer, topics, the cost of its Markdown) was
a fifth of a rebuild with nothing changed at 10,000 reports. Each file is still read and hashed
(a tenth of that: no modification time is trusted); a file whose bytes, name in messages and
validating code are those of an earlier build gets that build's `ParsedReport` back — the
report and its problems, exactly as `parse_report_bytes` gave them. The body is not kept: it
is the file's text from where the front matter ends, cut again from the bytes read.

One sealed file (`cache_file.py`), `parsed-reports.sealed`, pickled; written only when it
changed, holding the entries of the last build's files alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from pathlib import Path

from .cache import MemoFile
from .cache_file import OnDamage, ignore_damage
from .code_graph import code_version
from .report import MAX_YEAR, ParsedReport, parse_report_bytes, text_digest

CACHE_FILE = "parsed-reports.sealed"
# What a parse depends on besides the bytes: the validating code (and this module's entry
# layout), and this year (a year up to next year is valid).
PARSE_CODE = ("reform_archive.report", "reform_archive.parsed_reports")


def _text(raw: bytes) -> str:
    """The file's text as `parse_report` sees it (its line breaks made `\\n`)."""
    text = raw.decode("utf-8-sig")
    # Most files have no `\r`: found in the bytes, it spares two passes over every text.
    return text.replace("\r\n", "\n").replace("\r", "\n") if b"\r" in raw else text


class ParsedReports:
    """`parse` with a memory of earlier builds; `folder` None remembers nothing."""

    def __init__(self, folder: Path | None, on_damage: OnDamage = ignore_damage) -> None:
        version = f"{code_version(*PARSE_CODE)} {MAX_YEAR}"
        self.memo = MemoFile(folder / CACHE_FILE if folder is not None else None, version, on_damage, codec=pickle)
        self.parsed = 0   # parsed now (not found): for tests and the build log

    def parse(self, raw: bytes, name: str, path: Path | None) -> tuple[ParsedReport, bytes]:
        """The report and its problems, and its body's `text_digest` (b"" without a report)."""
        key = hashlib.blake2b(name.encode("utf-8") + b"\0" + raw, digest_size=20).digest()
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
