"""Where a site may be built: never over the project's own files.

MkDocs empties the site folder before it builds, so `build --out reports` (or `site_dir:
reports`) deleted every report and raw page. A site folder that is, contains or lies inside
the reports folder, the docs folder or the cache, or that is or contains the project (the
folder of mkdocs.yml), is refused before anything is touched.
"""

from __future__ import annotations

import os
from pathlib import Path


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _shown(path: Path, root: Path) -> str:
    try:
        return os.path.relpath(path, root)
    except ValueError:  # another drive (Windows)
        return str(path)


def output_folder_problem(site_dir: Path, *, project: Path, docs: Path, reports: Path,
                          cache: Path) -> str | None:
    """A one-line message when building into `site_dir` would overwrite or delete the
    project's files; None when it is safe. Paths are compared resolved (links followed)."""
    site, root = site_dir.resolve(), project.resolve()
    shown = _shown(site, Path.cwd())
    for what, chinese, folder in (("reports folder", "报告文件夹", reports), ("docs folder", "文档文件夹", docs),
                                  ("cache folder", "缓存文件夹", cache)):
        folder = folder.resolve()
        if site == folder:
            relation = "is"
        elif _inside(site, folder):
            relation = "lies inside"
        elif _inside(folder, site):
            relation = "contains"
        else:
            continue
        return (f"the site folder {shown} {relation} the {what} {_shown(folder, Path.cwd())}; building "
                f"there would delete or overwrite it. Choose another --out / site_dir "
                f"/ 网站输出文件夹与{chinese}重叠，未做任何改动")
    if _inside(root, site):
        return (f"the site folder {shown} {'is' if site == root else 'contains'} the project "
                f"{_shown(root, Path.cwd())}; building there would delete it. Choose another --out / "
                "site_dir / 网站输出文件夹包含整个项目，未做任何改动")
    return None
