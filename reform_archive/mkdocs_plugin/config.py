"""The plugin's options, typed, in the style of Material's plugin configs."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class ReformArchiveConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Switch the archive off (e.g. to build only the hand-written docs)."""

    reports_dir = c.Type(str, default="reports")
    """Folder of report files, relative to mkdocs.yml: one Markdown file per report. The
    environment variable REFORM_ARCHIVE_REPORTS overrides it (`reform-archive build/serve
    --reports DIR` sets it)."""

    segment_search = c.Type(bool, default=True)
    """Give Material's search the archive's jieba user dictionary (places, reform terms)."""
