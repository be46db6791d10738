"""A report: YAML front matter plus a Markdown body, read, validated and written.

The front matter is user data typed by hand, so it is validated with the care MkDocs gives
its config: every problem names the file and the line of the offending key, and values whose
meaning is clear (``year: "2006年"``) are normalised rather than rejected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, error, warning
from .language.gazetteer import NATIONAL_REGION, gazetteer
from .regular_file import FileTooLarge, NotRegularFile, read_regular_file
from .render_cost import costly_markdown
from .topics import TOPIC_NAMES

KNOWN_FIELDS = ("title", "year", "region", "topic", "keywords", "source", "date", "summary", "added")
MIN_YEAR, MAX_YEAR = 1900, dt.date.today().year + 1
UNKNOWN_YEAR = "未知"
LONG_TITLE_CHARS = 120  # a title longer than this is hard to read in lists: a warning
MAX_REPORT_BYTES = 10 * 1024 * 1024  # a report is text; larger files are mistakes (a PDF, a dump)
# Bounds on the front matter's YAML, so that reading it costs what its size says (see _too_complex).
MAX_YAML_DEPTH = 20
MAX_YAML_VALUES = 10_000

# libyaml's parser is several times faster at 10,000 reports; messages and marks are the same.
_LOADER = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
_FENCE = re.compile(r"^---[ \t]*$", re.M)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")  # not tab/line breaks: split() takes those
_CN_DIGITS = dict(zip("〇零一二三四五六七八九", "00123456789"))


@dataclass
class Report:
    """One report of the archive. `path` is where it was read from (None for a new one)."""

    title: str
    body: str
    year: int | None = None
    region: str = ""
    topics: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    date: str = ""
    summary: str = ""
    added: str = ""   # YYYY-MM-DD: when the report entered the archive (see added.py)
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def year_label(self) -> str:
        return str(self.year) if self.year else UNKNOWN_YEAR

    @property
    def front_matter(self) -> dict[str, Any]:
        """The front matter in a stable key order; empty optional fields are kept, so a
        reader sees which fields exist."""
        data: dict[str, Any] = {
            "title": self.title,
            "year": self.year,
            "region": self.region,
            "topic": list(self.topics),
            "keywords": list(self.keywords),
        }
        if self.date:
            data["date"] = self.date
        if self.summary:
            data["summary"] = self.summary
        if self.added:
            data["added"] = dt.date.fromisoformat(self.added)  # written as a YAML date, unquoted
        data["source"] = dict(self.source)
        data.update(self.extra)
        return data

    def to_markdown(self) -> str:
        dumped = yaml.dump(
            self.front_matter, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False,
            width=1000,
        )
        return f"---\n{dumped}---\n\n{self.body.strip()}\n"


class _FrontMatterDumper(yaml.SafeDumper):
    """Strings holding characters YAML reads as line breaks (NEL, LS, PS) are written
    double-quoted, where the emitter escapes them; elsewhere they would not read back."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(c in value for c in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FrontMatterDumper.add_representer(str, _represent_str)


def report_files(reports_dir: Path) -> list[Path]:
    """Every report file: `*.md` below the folder, except under `_`-prefixed folders such as
    `_sources/` (raw pages kept for provenance) and hidden files or folders. The one rule for
    the build, `check` and the importer."""
    # A walk that does not enter the folders left out (rglob lists all of `_sources/` first),
    # nor, as rglob, folders reached by a symbolic link; sorted as Paths sort, part by part.
    found: list[tuple[str, ...]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(str(reports_dir), ())]
    while stack:
        folder, parts = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(("_", ".")):
                continue
            if name.endswith(".md"):
                found.append((*parts, name))
            try:
                is_folder = entry.is_dir() and not entry.is_symlink()
            except OSError:
                is_folder = False
            if is_folder:
                stack.append((entry.path, (*parts, name)))
    return [reports_dir.joinpath(*parts) for parts in sorted(found)]


@dataclass
class ParsedReport:
    report: Report | None
    problems: list[Problem]


def text_digest(text: str) -> bytes:
    """The hash a report's text is known by in every cache of a build (duplicate signatures,
    chrome-line counts, a page's and a search entry's inputs): made once a text, not by each."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def read_report(path: Path, *, label: str | None = None) -> ParsedReport:
    """Read and validate one report file. `label` is the name used in messages."""
    name = label or str(path)
    raw = read_report_bytes(path, name)
    return raw if isinstance(raw, ParsedReport) else parse_report_bytes(raw, name, path)


def read_report_bytes(path: Path, name: str) -> bytes | ParsedReport:
    """A report file's bytes, or (a file that cannot be a report) its error."""
    try:
        raw = read_regular_file(path, MAX_REPORT_BYTES)
    except FileTooLarge as exc:
        return ParsedReport(None, [error(
            name, f"file is {exc.size // (1024 * 1024)} MB; a report may be at most "
            f"{MAX_REPORT_BYTES // (1024 * 1024)} MB of text. Split it or check it is a report "
            "/ 文件过大")])
    except NotRegularFile as exc:
        return ParsedReport(None, [error(
            name, f"not a regular file but {exc.kind}; a report is a text file. Remove it "
            "/ 不是普通文件，无法作为报告读取")])
    except OSError as exc:
        return ParsedReport(None, [error(name, f"cannot read file / 无法读取: {exc.strerror or exc}")])
    return raw


def parse_report_bytes(raw: bytes, name: str, path: Path | None = None) -> ParsedReport:
    """Validate a report from its file's bytes (`read_report_bytes`)."""
    if b"\x00" in raw[:8192]:
        return ParsedReport(None, [error(name, "binary file, not a Markdown report / 二进制文件，不是 Markdown 报告")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return ParsedReport(None, [error(
            name,
            "not UTF-8; convert it (e.g. `reform-archive import` detects GBK) / 文件不是 UTF-8 编码",
            line,
        )])
    return parse_report(text, name, path)


def parse_report(text: str, name: str, path: Path | None = None) -> ParsedReport:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ParsedReport(None, [error(name, "empty file / 空文件")])
    if not text.startswith("---"):
        return ParsedReport(None, [error(
            name, "no front matter: the file must start with a `---` line and YAML "
            "(title, year, region, topic) / 缺少 YAML 头信息", 1)])
    fences = list(_FENCE.finditer(text))
    if len(fences) < 2 or fences[0].start() != 0:
        return ParsedReport(None, [error(name, "front matter is not closed by a `---` line / 头信息缺少结束的 `---`", 1)])
    yaml_text = text[fences[0].end() + 1 : fences[1].start()]
    body = text[fences[1].end():].lstrip("\n")
    try:
        too_complex = _too_complex(yaml_text)
        if too_complex is not None:
            line, what = too_complex
            return ParsedReport(None, [error(name, f"front matter too complex: {what} / YAML 过于复杂", line)])
        loader = _LOADER(yaml_text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for 0-based, +1 for the fence
        what = getattr(exc, "problem", None) or str(exc)
        return ParsedReport(None, [error(name, f"malformed YAML: {what} / YAML 格式错误", line)])
    except RecursionError:
        return ParsedReport(None, [error(name, "malformed YAML: nested too deeply / YAML 嵌套过深", 2)])
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # PyYAML parsed the text but cannot build a value, e.g. `date: 2006-02-30`.
        return ParsedReport(None, [error(
            name, f"malformed YAML: a value cannot be read ({exc}); quote it to keep it as text "
            "/ YAML 值无法解析，请加引号", 1)])
    if not isinstance(data, dict):
        return ParsedReport(None, [error(name, "front matter must be a mapping of `key: value` lines / 头信息必须是键值对", 2)])
    lines = _key_lines(node)
    parsed = _validate(data, lines, body, name, path)
    parsed.problems.extend(costly_markdown(body, name, text.count("\n", 0, len(text) - len(body)) + 1))
    parsed.problems[:0] = _duplicate_keys(node, name)
    return parsed


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 2 for k, _ in node.value}  # a key given twice: its last line


def _too_complex(yaml_text: str) -> tuple[int, str] | None:
    """(line, what) when the front matter nests deeper than MAX_YAML_DEPTH or, aliases
    expanded, holds more than MAX_YAML_VALUES values; None when it is fine.

    Read from libyaml's event stream, which is parsed without recursion and holds no values:
    composing 40,000 nested `[` overflows the C stack (a segfault), and a few lines of nested
    aliases (a "billion laughs") expand into more values than any memory holds."""
    sizes: dict[str, int] = {}       # anchor → the values its node stands for, aliases expanded
    open_nodes: list[list] = []      # [anchor, values so far] of each open collection
    total = 0
    for event in yaml.parse(yaml_text, Loader=_LOADER):
        line = event.start_mark.line + 2 if event.start_mark is not None else 1
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                return line, (f"the alias *{event.anchor} refers to a value that contains it "
                              "(or to no value)")
            count = sizes[event.anchor]
        elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            count = 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, count = open_nodes.pop()
            if anchor is not None:
                sizes[anchor] = count
            if open_nodes:
                open_nodes[-1][1] += count
            continue
        else:
            continue
        total += count
        if total > MAX_YAML_VALUES:
            return line, (f"more than {MAX_YAML_VALUES:,} values (aliases expanded); a report's "
                          "front matter has a few dozen")
        if isinstance(event, yaml.CollectionStartEvent):
            open_nodes.append([event.anchor, 1])
            if len(open_nodes) > MAX_YAML_DEPTH:
                return line, f"lists or mappings nested more than {MAX_YAML_DEPTH} levels deep"
        else:
            if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                sizes[event.anchor] = 1
            if open_nodes:
                open_nodes[-1][1] += count
    return None


def _duplicate_keys(node: yaml.Node | None, name: str) -> list[Problem]:
    """A key given twice in one mapping: YAML keeps the last value, silently; say so."""
    problems, seen_nodes, stack = [], set(), [node]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in current.value:
                line = key.start_mark.line + 2
                if isinstance(key, yaml.ScalarNode) and key.value in first:
                    problems.append(warning(
                        name, f"duplicate key `{key.value}` (first on line {first[key.value]}); the "
                        "last one is used / 字段重复，以最后一个为准", line))
                elif isinstance(key, yaml.ScalarNode):
                    first[key.value] = line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(problems, key=lambda p: p.line or 0)


def _validate(data: dict, lines: dict[str, int], body: str, name: str, path: Path | None) -> ParsedReport:
    problems: list[Problem] = []

    def at(key: str) -> int | None:
        return lines.get(key, 1)

    title = data.get("title")
    if isinstance(title, (int, float)) and not isinstance(title, bool):
        title = str(title)
    if not isinstance(title, str) or not title.strip():
        problems.append(error(name, "missing or empty `title` / 缺少标题 (title)", at("title")))
        title = ""
    title = " ".join(_CONTROL.sub("", str(title)).split())  # a control character is no text

    year, msg = coerce_year(data.get("year"))
    if msg:
        problems.append(error(name, msg, at("year")))

    region = data.get("region") or ""
    if not isinstance(region, str):
        problems.append(error(name, "`region` must be text such as 湖南省常德市石门县 / 地区须为文字", at("region")))
        region = ""
    elif region.strip() and region.strip() != NATIONAL_REGION and not gazetteer.is_known_path(region.strip()):
        problems.append(warning(
            name, f"region '{region.strip()}' is not a full path of the gazetteer such as "
            f"湖南省常德市石门县, nor {NATIONAL_REGION} (the whole country); built anyway / 地区不在地名表中",
            at("region")))
    if len(title) > LONG_TITLE_CHARS:
        problems.append(warning(
            name, f"title is {len(title)} characters long; over {LONG_TITLE_CHARS} is hard to read "
            "in lists / 标题过长", at("title")))

    topics, msg = _string_list(data.get("topic"), "topic")
    if msg:
        problems.append(error(name, msg, at("topic")))
    for topic in topics:
        if topic not in TOPIC_NAMES:
            problems.append(warning(
                name, f"topic '{topic}' is not in the vocabulary (docs/topics-vocabulary.md); built anyway / 主题不在词表中",
                at("topic")))

    keywords, msg = _string_list(data.get("keywords"), "keywords")
    if msg:
        problems.append(error(name, msg, at("keywords")))

    source = data.get("source") or {}
    if isinstance(source, str):
        source = {"note": source}
    if not isinstance(source, dict):
        problems.append(error(name, "`source` must be a mapping or text / 来源须为键值对或文字", at("source")))
        source = {}

    date = data.get("date") or ""
    if isinstance(date, (dt.date, dt.datetime)):
        date = date.isoformat()[:10]
    summary = data.get("summary") or ""
    added, msg = coerce_added(data.get("added"))
    if msg:
        problems.append(warning(name, msg, at("added")))

    extra = {k: v for k, v in data.items() if k not in KNOWN_FIELDS}
    for key in extra:
        problems.append(warning(
            name, f"unknown field `{key}` (known: {', '.join(KNOWN_FIELDS)}) / 未知字段", at(str(key))))

    if not body.strip():
        problems.append(warning(name, "the report has no text, only front matter / 报告正文为空"))

    report = Report(
        title=title, body=body, year=year, region=region.strip(), topics=topics,
        keywords=keywords, source=source, date=str(date), summary=str(summary),
        added=added, extra=extra, path=path,
    )
    return ParsedReport(report, problems)


def coerce_year(value: Any) -> tuple[int | None, str]:
    """Return (year, problem message). Clear spellings are normalised: 2006, "2006",
    "2006年", "二〇〇六年", a date; a two-digit "06" or a list is ambiguous and refused."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, bool):
        return None, f"`year` must be a year such as 2006, not {value!r} / 年份须为四位数字"
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.year
    if isinstance(value, str):
        text = value.strip().removesuffix("年").strip()
        if text and all(c in _CN_DIGITS for c in text):
            text = "".join(_CN_DIGITS[c] for c in text)
        if re.fullmatch(r"\d{4}", text):
            value = int(text)
        else:
            return None, (f"`year` '{value}' is not a four-digit year; write e.g. `year: 2006`, "
                          "or leave it empty when unknown / 年份须为四位数字，如 2006")
    if isinstance(value, int) and MIN_YEAR <= value <= MAX_YEAR:
        return value, ""
    return None, (f"`year` {value!r} is not a year between {MIN_YEAR} and {MAX_YEAR}; "
                  "write e.g. `year: 2006` / 年份超出范围")


def coerce_added(value: Any) -> tuple[str, str]:
    """Return (YYYY-MM-DD or "", problem message) for `added`: a date, written by the importer.
    A value that is not one is left out with a warning (the build falls back on the file's
    history, see added.py): the report is still built."""
    if value is None or value == "":
        return "", ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat(), ""
        except ValueError:
            pass
    return "", (f"`added` {value!r} is not a date such as 2026-12-02; ignored (the date the file "
                "was first committed, else its modification date, is used) / 收录日期须为 YYYY-MM-DD")


def _string_list(value: Any, key: str) -> tuple[list[str], str]:
    if value is None or value == "":
        return [], ""
    if isinstance(value, str):
        parts = re.split(r"[,，、;；]", value)
        return [p.strip() for p in parts if p.strip()], ""
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return [str(v).strip() for v in value if str(v).strip()], ""
    return [], f"`{key}` must be a list of words such as [乡镇机构改革, 机构编制] / {key} 须为词语列表"
