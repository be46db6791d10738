"""Reading source files into text: encodings are detected, never assumed.

Chinese pages arrive in UTF-8, GBK/GB18030 or UTF-16; charset-normalizer decides when the
bytes are not valid UTF-8. GBK is read as GB18030, its superset, so no character is lost.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

# GB2312 and GBK are subsets of GB18030; decoding with the superset never loses a character.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030"}


class SourceError(Exception):
    """A source file that cannot be read as text; the message names the file."""


@dataclass(frozen=True)
class SourceText:
    path: Path
    text: str
    encoding: str


def read_source_text(path: Path) -> SourceText:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read / 无法读取: {exc.strerror}") from exc
    text, encoding = decode_bytes(raw, str(path))
    return SourceText(path, text.replace("\r\n", "\n").replace("\r", "\n"), encoding)


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
