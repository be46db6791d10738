"""Report pages rendered ahead in a second process (mkdocs_plugin/render_ahead.py) are the
pages MkDocs renders itself: real builds of the same project with it and without it."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

# Links MkDocs rewrites or checks (in-site pages, images, absolute paths) and links it leaves
# (other sites, e-mail, this page's own anchors), tables, raw HTML, ids from attr_list.
LINKS = """---
title: 链接与图片
year: 2010
region: 湖南省
---

## 一、说明 {#shuoming}

见[另一份报告](../2005/洋口镇位于江西广丰县城西部.md)和[本节](#shuoming)，图：![示意](img/x.png)。

## 二、其他

外部[网站](https://www.gov.cn/)、<ban@example.cn>、[绝对路径](/reports/)。
"""
OWN_ANCHORS = """---
title: 本页锚点
year: 2011
---

## 一、目录 {#mulu}

[回到目录](#mulu)，[外部](https://www.gov.cn/)。

| 项目 | 数量 |
|---|---|
| 乡镇 | 19 |

<div markdown="1">
**加粗**的段落
</div>
"""


def _project(src: Path, dest: Path, ahead_from: int, hooks: str = "") -> Path:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".cache", "site"))
    config = dest / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "      reports_dir: reports\n", f"      reports_dir: reports\n      render_ahead_from: {ahead_from}\n")
    config.write_text(text + hooks, encoding="utf-8")
    return dest


def _build(project: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "reform_archive", "build"], cwd=project,
                          capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    return done


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.name != "sitemap.xml.gz"}   # the gzip time stamp


def _warnings(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if line.startswith(("WARNING", "INFO    -  Doc file")))


def test_pages_rendered_ahead_are_the_pages_mkdocs_renders(project_copy, tmp_path):
    (project_copy / "reports" / "链接与图片.md").write_text(LINKS, encoding="utf-8")
    (project_copy / "reports" / "本页锚点.md").write_text(OWN_ANCHORS, encoding="utf-8")
    ahead = _build(_project(project_copy, tmp_path / "ahead", 1))
    plain = _build(_project(project_copy, tmp_path / "plain", 0))
    # Every report page but the one with links into the site came from the second process.
    shown = int(re.search(r"(\d+) reports shown", plain.stderr).group(1))
    taken = re.search(r"(\d+) of them rendered ahead", ahead.stderr)
    assert taken and int(taken.group(1)) == shown - 1, ahead.stderr
    assert "rendered ahead" not in plain.stderr
    a, b = _tree(tmp_path / "ahead" / "site"), _tree(tmp_path / "plain" / "site")
    assert a.keys() == b.keys()
    assert [path for path in a if a[path] != b[path]] == []
    assert _warnings(ahead.stderr) == _warnings(plain.stderr)
    # The page MkDocs rendered itself has its links rewritten; the other one its table of
    # contents (sidebar) and its own anchors.
    links = next((tmp_path / "ahead" / "site" / "reports" / "2010").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'href="../../2005/' in links
    anchors = next((tmp_path / "ahead" / "site" / "reports" / "2011").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'href="#r-mulu"' in anchors and "<table>" in anchors and "<strong>加粗</strong>" in anchors


def test_no_page_is_rendered_ahead_where_another_plugin_sees_its_markdown(project_copy, tmp_path):
    (project_copy / "hook.py").write_text(
        "def on_page_markdown(markdown, **kwargs):\n    return markdown.replace('乡镇', '乡镇（钩子）')\n",
        encoding="utf-8")
    project = _project(project_copy, tmp_path / "hooked", 1, hooks="\nhooks:\n  - hook.py\n")
    done = _build(project)   # (a project with hooks once stopped the build: they have no options)
    assert "rendered ahead" not in done.stderr
    page = (project / "site" / "reports" / "未知" / "石门县乡镇医院基本情况" / "index.html")
    assert "乡镇（钩子）" in page.read_text(encoding="utf-8")
    # An edited hook changes every page it sees: none is reused from the cache.
    hook = project / "hook.py"
    hook.write_text(hook.read_text(encoding="utf-8").replace("（钩子）", "（新钩子）"), encoding="utf-8")
    _build(project)
    assert "乡镇（新钩子）" in page.read_text(encoding="utf-8")
