"""The plugin's options, typed, in the style of Material's plugin configs."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class ReformArchiveConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Switch the archive off (e.g. to build only the hand-written docs)."""

    reports_dir = c.Type(str, default="reports")
    """Folder of report files, relative to mkdocs.yml (or absolute): one Markdown file per
    report. `reform-archive build/serve --reports DIR` sets it."""

    segment_search = c.Deprecated(message="Material's search indexes no page of the archive (the "
                                  "archive's own search does), so it segments nothing: the option does nothing")
    """Gave Material's search the archive's jieba user dictionary; Material's search now indexes
    no page, so there is nothing to segment (and jieba's dictionary is not loaded for it)."""

    keep_going = c.Type(bool, default=False)
    """Build the site even when some reports have errors, leaving exactly those out (they are
    listed). Off by default: a broken report stops the build. `reform-archive build --keep-going`
    turns it on."""

    cache = c.Type(bool, default=True)
    """Keep what is derived from each report page (its sanitised HTML, its text for search) in
    `.cache/reform-archive/` beside mkdocs.yml, keyed by content hash and code version, so that
    a rebuild only redoes the reports that changed. Safe to delete at any time."""

    for_disk = c.Type(bool, default=False)
    """Build a site to be opened from disk (file://, no web server): links to folders name
    their index.html, and the search's files get script copies it can read from there.
    `reform-archive build --for-disk` turns it on."""

    watch_polling = c.Type(bool, default=False)
    """`serve` polls the project for changes, as MkDocs does, instead of being told of them by
    the system (watcher.py): for folders on a network share or a Windows drive seen from WSL,
    where file events do not arrive. Polling 10,000 report files costs about 40 % of a core."""

    serve_as_built = c.Type(bool, default=True)
    """`serve` shows the pages `build` makes, naming the site's address from mkdocs.yml
    (`site_url`), not the dev server's that MkDocs' `serve` puts in their place: so a `serve`
    after a `build` reuses its finished pages instead of rendering them all again, and a report's
    citation names the address it will be published at. Off, or with the theme's instant
    navigation (which follows only links on the address the pages name), `serve` renders pages
    of its own, as MkDocs does."""

    render_ahead_from = c.Type(int, default=200)
    """A build that renders at least this many report pages has their Markdown rendered in a
    second process, ahead of MkDocs, which takes each page from there (render_ahead.py): the
    same pages, on both cores. 0: never."""

    search_lines_table_kb = c.Type(int, default=256)
    """The search's result lines (url, title, year, region of every report) go into one file
    that the first search loads, while that file is at most this many KB (gzip; about 200 KB
    for 10,000 reports). Above it, each result's line is fetched on its own: fewer bytes for a
    very large archive, but a request per listed result."""
