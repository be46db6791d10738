"""When each report entered the archive: the home page's 最新报告 and the feeds list by it.

In this order, the first that is known:

1. the report's `added:` front-matter field (YYYY-MM-DD), which `reform-archive import` writes;
2. the date of the commit that first added the file, when the reports folder is in a git work
   tree (one `git log` for the whole folder; a fresh clone gives every machine the same dates);
3. the file's modification date (UTC), for a file no commit holds yet.

Dates are days, never times: a feed is ordered by them, ties by title. `SOURCE_DATE_EPOCH`
(the reproducible-builds convention), when set, is the importer's "today".
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path


def today() -> str:
    """The date an import writes as `added`: today in UTC, or SOURCE_DATE_EPOCH's day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit()
              else dt.datetime.now(dt.timezone.utc))
    return moment.date().isoformat()


def first_commit_dates(reports_dir: Path) -> dict[str, str]:
    """{path relative to `reports_dir`: YYYY-MM-DD of the commit that first added it}, for the
    files git knows; {} when the folder is not in a work tree or git is not installed."""
    git = shutil.which("git")
    if git is None:
        return {}
    try:
        result = subprocess.run(
            [git, "-c", "core.quotepath=off", "log", "--diff-filter=A", "--no-renames",
             "--format=%x00%cs", "--name-only", "--relative", "--", "."],
            cwd=reports_dir, capture_output=True, text=True, encoding="utf-8", timeout=120)
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, str] = {}
    # Newest commit first: a file added, removed and added again keeps its first date.
    for block in result.stdout.split("\0")[1:]:
        day, _, names = block.partition("\n")
        for name in names.splitlines():
            if name:
                dates[name] = day.strip()
    return dates


def added_dates(reports_dir: Path, declared: dict[str, str]) -> dict[str, str]:
    """{key: YYYY-MM-DD} for every key of `declared` ({path relative to the folder: its
    `added` field, or ""}), by the rules above."""
    dates = {key: day for key, day in declared.items() if day}
    missing = [key for key in declared if key not in dates]
    if not missing:
        return dates
    committed = first_commit_dates(reports_dir)
    for key in missing:
        day = committed.get(key)
        if day is None:
            try:
                mtime = (reports_dir / key).stat().st_mtime
            except OSError:
                mtime = 0.0
            day = dt.datetime.fromtimestamp(mtime, dt.timezone.utc).date().isoformat()
        dates[key] = day
    return dates
