"""One spelling for comparison and extraction: simplified characters, ASCII digits.

Reports of the 1950s use full-width digits (`１９５６年`) and the 1954 work report is in
traditional characters (`全國人民代表大會`); a date may be written in Chinese numerals
(`二〇二六年一月二十七日`). Metadata rules and the duplicate detector read a normalised copy;
the report's text itself is never changed.

Traditional → simplified uses OpenCC's character table (`opencc-python-reimplemented`, data
shipped in the package, nothing fetched at run time) as a `str.translate` table: per character,
so it is fast enough for 10,000 reports, and phrase-level subtleties do not matter for matching.
"""

from __future__ import annotations

import importlib.resources
import re
import unicodedata
from functools import lru_cache

_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")}
_DIGITS.update({"零": "0", "○": "0", "Ｏ": "0"})
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})(?=\s*年)")
_CN_MONTH_DAY = re.compile(r"(?<=年)([一二三四五六七八九十]{1,3})(?=月)|(?<=月)([一二三四五六七八九十]{1,3})(?=日)")


@lru_cache(maxsize=1)
def traditional_to_simplified() -> dict[str, str]:
    """OpenCC's character table (its data file, read once; nothing imported from `opencc`): each
    traditional character to its first simplified form, one character to one."""
    table: dict[str, str] = {}
    data = importlib.resources.files("opencc").joinpath("dictionary", "TSCharacters.txt")
    for line in data.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1 and parts[1] != parts[0]:
            table[parts[0]] = parts[1]  # the first simplified form is the usual one
    return table


@lru_cache(maxsize=1)
def _t2s() -> dict[int, str]:
    # str.translate runs in C over the text: 10× a regex of the 4,105 traditional characters.
    return str.maketrans(traditional_to_simplified())


def to_simplified(text: str) -> str:
    """Traditional characters replaced by their simplified forms, character by character."""
    return text.translate(_t2s())


def _small_number(token: str) -> int:
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + int(_DIGITS[token[1]])
    if "十" in token:
        tens, _, ones = token.partition("十")
        return int(_DIGITS[tens]) * 10 + (int(_DIGITS[ones]) if ones else 0)
    return int(_DIGITS[token])


def arabic_dates(text: str) -> str:
    """`一九五六年` → `1956年`, `二〇二六年一月二十七日` → `2026年1月27日`."""
    text = _CN_YEAR.sub(lambda m: "".join(_DIGITS[c] for c in m.group(1)), text)
    return _CN_MONTH_DAY.sub(lambda m: str(_small_number(m.group(1) or m.group(2))), text)


def normalize_chinese(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), no zero-width spaces, simplified
    characters, Arabic dates."""
    text = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("\ufeff", "")
    return arabic_dates(to_simplified(text))


__all__ = ["arabic_dates", "normalize_chinese", "to_simplified", "traditional_to_simplified"]
