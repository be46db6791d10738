"""What `reform-archive check` says about titles: one that looks like a site's chrome (`登录`,
`首页 >> 东区新闻 >> 正文`, `| 2023年10月11日 星期三`) or like a whole sentence was most likely
taken from the page around the article, or made from its first line, and wants a person's eye.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..archive import Archive
from ..problems import Problem, warning
from ..language.chrome import classify, cjk_count, matching_form

MAX_TITLE_CLAUSES = 2
_SENTENCE = re.compile(r"[。！？!?；;]")
_CHROME_MARKS = re.compile(r"(?:>>?|»|›)\s*\S|^\s*[|｜]|星期[一二三四五六日天]|\d{1,2}:\d{2}|https?://|www\.")


def title_warning(title: str) -> str:
    """Why a title looks wrong, or "" when it does not."""
    form = matching_form(title)
    if not form:
        return ""
    if classify(title) is not None or _CHROME_MARKS.search(form):
        return "looks like the site's navigation or page furniture, not the article's title / 标题像网站导航或页面信息"
    if not cjk_count(form):
        return "has no Chinese characters / 标题没有中文"
    if _SENTENCE.search(form) or form.count("，") + form.count(",") > MAX_TITLE_CLAUSES:
        return "reads as a sentence of the text, not a title / 标题像正文中的一句话"
    return ""


def title_problems(archive: Archive, reports_dir: Path) -> list[Problem]:
    problems = []
    for report in archive.reports:
        why = title_warning(report.report.title)
        if why:
            path = reports_dir / report.key
            problems.append(warning(path, f"title '{report.report.title}' {why}; set `title:` by hand",
                                    _title_line(path)))
    return problems


def _title_line(path: Path) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return next((i for i, line in enumerate(lines, 1) if line.startswith("title:")), None)


__all__ = ["title_problems", "title_warning"]
