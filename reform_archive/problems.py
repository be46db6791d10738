"""Problems found in the archive's input: what is wrong, where, and how bad.

Every check in the package reports through `Problem`, so that `reform-archive check`,
the build and the importer print the same messages in the same form:
``reports/2006/x.md:3: error: year '二〇〇X' is not a year (…)``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.severity.value}: {self.message}"


def error(file: str | Path, message: str, line: int | None = None) -> Problem:
    return Problem(str(file), message, line, Severity.ERROR)


def warning(file: str | Path, message: str, line: int | None = None) -> Problem:
    return Problem(str(file), message, line, Severity.WARNING)


class ArchiveError(Exception):
    """Raised when the archive cannot be built; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        lines = "\n".join(str(p) for p in errors)
        super().__init__(f"{len(errors)} error(s) in the reports / 报告有误:\n{lines}")
