"""Reading source files into text: encodings are detected, never assumed.

Chinese pages arrive in UTF-8, GBK/GB18030 or UTF-16; charset-normalizer decides when the
bytes are not valid UTF-8. GBK is read as GB18030, its superset, so no character is lost.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from ..regular_file import NotRegularFile, read_regular_file

# GB2312 and GBK are subsets of GB18030; decoding with the superset never loses a character.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030"}


class SourceError(Exception):
    """A source file that cannot be read as text; the message names the file."""


@dataclass(frozen=True)
class SourceText:
    path: Path
    text: str
    encoding: str
    raw: bytes = field(default=b"", repr=False)  # the file as read, for the copy in _sources/
    # What a saved .html page says of itself outside the text (its <title>, date, canonical URL).
    html_title: str = ""
    html_date: str = ""
    html_url: str = ""


HTML_SUFFIXES = (".html", ".htm", ".xhtml")
DOCX_SUFFIXES = (".docx",)
MAX_SOURCE_BYTES = 100 * 1024 * 1024  # a saved page or a Word file; more is not one
# Control characters are never text of an article (a NUL would make the report a "binary
# file"); tab and line breaks are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_source_text(path: Path) -> SourceText:
    """Plain text of a source file: .txt and .md decoded; a saved .html page reduced to its main
    text by trafilatura (navigation, footers and scripts left out); a .docx's paragraphs."""
    try:
        raw = read_regular_file(path, MAX_SOURCE_BYTES)
    except NotRegularFile as exc:
        raise SourceError(f"{path}: not a regular file but {exc.kind} / 不是普通文件") from exc
    except OSError as exc:
        raise SourceError(f"{path}: cannot read / 无法读取: {exc.strerror or exc}") from exc
    suffix = path.suffix.lower()
    if suffix in DOCX_SUFFIXES:
        return SourceText(path, _CONTROL.sub("", docx_text(raw, str(path))), "docx", raw)
    text, encoding = decode_bytes(raw, str(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in HTML_SUFFIXES:
        return SourceText(path, html_main_text(text, str(path)), encoding, *html_metadata(text))
    if suffix == ".md":
        text = _strip_front_matter(text)
    return SourceText(path, _CONTROL.sub("", text), encoding, raw)


# A table row holding paragraphs of text (a cell of over 300 characters with sentences).
_LAYOUT_TABLE_ROW = re.compile(r"^\|[^\n]*[。！？][^\n]{300,}$", re.M)
LAYOUT_TABLE_KEEP = 0.9


def _chinese(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


def html_main_text(html: str, name: str) -> str:
    try:
        import trafilatura
    except ImportError as exc:  # an installation without the .html importer's dependencies
        raise SourceError(f"{name}: cannot import .html pages: {exc} (reinstall reform-archive, "
                          "whose requirements include it) / 缺少导入网页所需的软件包") from exc
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True,
                                   favor_recall=True, deduplicate=False)
        if text and _LAYOUT_TABLE_ROW.search(text):
            # A page laid out in a table: its whole article is one table cell, flattened into a
            # row of `| … |`. Read without tables, the article keeps its paragraphs.
            plain = trafilatura.extract(html, include_comments=False, include_tables=False,
                                        favor_recall=True, deduplicate=False)
            if plain and _chinese(plain) >= LAYOUT_TABLE_KEEP * _chinese(_LAYOUT_TABLE_ROW.sub("", text)):
                text = plain
    except Exception as exc:  # noqa: BLE001 - a hostile page must give a message, whatever fails
        raise SourceError(f"{name}: the page cannot be read as HTML ({_one_line(exc)}) "
                          "/ 无法解析网页") from exc
    if not text or not text.strip():
        raise SourceError(f"{name}: no article text found in the page / 网页中未找到正文")
    return text


def html_metadata(html: str) -> tuple[str, str, str]:
    """(title, YYYY-MM-DD date, URL) that trafilatura reads from a page's head; empty when absent."""
    import trafilatura

    try:
        meta = trafilatura.extract_metadata(html)
    except Exception:  # noqa: BLE001 - an unparsable head (hostile or broken): the text is still read
        return "", "", ""
    if meta is None:
        return "", "", ""
    return meta.title or "", meta.date or "", meta.url or ""


def docx_text(raw: bytes, name: str) -> str:
    import io

    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" ".join(cell.text for cell in row.cells))
    # A broken file fails anywhere in python-docx and lxml (BadZipFile, KeyError, XMLSyntaxError
    # …): each is a message naming the file, never a traceback.
    except Exception as exc:  # noqa: BLE001
        raise SourceError(f"{name}: not a readable .docx file ({_one_line(exc)}) "
                          "/ 无法读取 Word 文件") from exc
    text = "\n".join(lines)
    if not text.strip():
        raise SourceError(f"{name}: the document has no text / 文档没有文字")
    return text


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def _strip_front_matter(text: str) -> str:
    """A Markdown source's YAML front matter is not text of the article."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[end + 4 :].lstrip("\n")
    return text


def decode_bytes(raw: bytes, name: str) -> tuple[str, str]:
    if not raw.strip():
        raise SourceError(f"{name}: empty file / 空文件")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise SourceError(f"{name}: starts with a {encoding} byte-order mark but is not "
                                  f"valid {encoding} / 文件编码与其 BOM 不符") from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw[:4096]:
        raise SourceError(f"{name}: binary file, not text / 二进制文件，不是文本")
    best = from_bytes(raw).best()
    if best is None:
        raise SourceError(f"{name}: cannot detect the text encoding / 无法识别文件编码")
    encoding = _SUPERSET.get(best.encoding.lower(), best.encoding)
    if encoding in ("big5", "cp950", "big5hkscs") or not _mostly_cjk(raw, encoding):
        # charset-normalizer sometimes prefers Big5 or a Latin codepage for short GBK text;
        # a strict GB18030 decode that succeeds is the better reading for this archive.
        try:
            return raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    return raw.decode(encoding, errors="strict"), encoding


def _mostly_cjk(raw: bytes, encoding: str) -> bool:
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    letters = [c for c in text if not c.isspace() and not c.isascii()]
    cjk = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return bool(letters) and cjk / len(letters) > 0.8
