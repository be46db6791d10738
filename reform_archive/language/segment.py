"""Chinese word segmentation with the archive's own vocabulary.

jieba's stock dictionary does not know the archive's terms (事业站所, 乡镇机构改革) nor most
county names, and cuts them into pieces. `ArchiveSegmenter` is a private jieba tokenizer with a
user dictionary of those terms and of the gazetteer's place names, for the importer (keywords);
the search index's whole words are cut with the same dictionary (`PlainCutter`).

`PlainCutter` cuts as `jieba.cut(text, HMM=False)` with that dictionary, for the search index's
whole words: by `rjieba` (bindings of jieba-rs) when it is installed, about 13 times faster, with
the same output; by jieba otherwise. Without HMM, because jieba-rs's HMM cuts differ from
jieba's (and a word jieba's HMM guesses is no better for ranking than its characters).
"""

from __future__ import annotations

import logging
import re
import threading
from importlib.resources import files

from typing import TYPE_CHECKING

from .jieba_dictionary import fresh_tokenizer, import_jieba

if TYPE_CHECKING:
    import jieba
    import jieba.analyse

# Terms of the archive's domain that jieba would otherwise split.
ARCHIVE_TERMS = (
    "乡镇机构改革", "镇级机构改革", "机构改革", "农村税费改革", "税费改革", "事业站所", "乡镇卫生院",
    "卫生院", "机构编制", "行政编制", "事业编制", "人员编制", "领导职数", "编外人员", "编办",
    "三定方案", "政事分开", "政企分开", "科技示范乡镇", "政府职能转变", "服务型政府", "撤并乡镇",
    "乡镇撤并", "事业单位", "党委系统", "文件管理", "合作医疗", "精兵简政", "政府工作报告",
)
TERM_FREQUENCY = 20000   # high enough that jieba keeps a term whole
PLACE_FREQUENCY = 5000
_KEYWORD_JUNK = re.compile(r"^[\d.%％+*]+$|^[a-zA-Z]$")


class ArchiveSegmenter:
    def __init__(self, terms: tuple[str, ...] = ARCHIVE_TERMS, with_places: bool = True):
        self._terms = terms
        self._with_places = with_places
        self._tokenizer: jieba.Tokenizer | None = None
        self._tfidf: jieba.analyse.TFIDF | None = None
        self._plain: PlainCutter | None = None
        self._lock = threading.Lock()

    def user_dictionary(self) -> list[tuple[str, int, str]]:
        """(word, frequency, part of speech) triples, in jieba's user-dictionary sense."""
        words = [(term, TERM_FREQUENCY, "n") for term in self._terms]
        if self._with_places:
            from .gazetteer import gazetteer

            # One-character stems (和县, 道县) are left out: adding them would glue 和县级 together.
            words += [(name, PLACE_FREQUENCY, "ns") for name in gazetteer.names() if len(name) >= 3]
        return words

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        with self._lock:
            if self._tokenizer is None:
                tokenizer = fresh_tokenizer()
                for word, freq, tag in self.user_dictionary():
                    tokenizer.add_word(word, freq, tag)
                self._tokenizer = tokenizer
            return self._tokenizer

    def plain_cutter(self) -> PlainCutter:
        """`jieba.cut(text, HMM=False)` with this dictionary, fast (see `PlainCutter`)."""
        with self._lock:
            if self._plain is None:
                self._plain = PlainCutter(self.user_dictionary())
            return self._plain

    def cut(self, text: str) -> list[str]:
        return [w for w in self.tokenizer.cut(text) if w.strip()]

    def keywords(self, text: str, count: int = 8) -> list[str]:
        """The text's most characteristic words (jieba TF-IDF over nouns and verbs)."""
        if self._tfidf is None:
            self._tfidf = _keyword_extractor(self.tokenizer)
        words = self._tfidf.extract_tags(
            text, topK=count * 2, allowPOS=("n", "nr", "ns", "nt", "nz", "vn", "v", "l", "eng"))
        return [w for w in words if len(w) > 1 and not _KEYWORD_JUNK.match(w)][:count]


def _keyword_extractor(tokenizer: jieba.Tokenizer):
    """jieba's TF-IDF extractor on our tokenizer. jieba.analyse loads its IDF table and
    jieba.posseg its word tags when imported; the extractor shares those tables instead of
    reading both files a second time (a second each). Imported here: the index's word
    counting processes (`PlainCutter` only) need not load them at all."""
    import_jieba()
    import jieba.analyse
    import jieba.posseg

    class ArchivePOSTokenizer(jieba.posseg.POSTokenizer):
        def __init__(self, tokenizer: jieba.Tokenizer, word_tags: dict) -> None:
            self.tokenizer = tokenizer
            self.word_tag_tab = dict(word_tags)

    class ArchiveTFIDF(jieba.analyse.TFIDF):
        def __init__(self, tokenizer: jieba.Tokenizer, loaded: jieba.analyse.TFIDF) -> None:
            self.tokenizer = tokenizer
            self.postokenizer = ArchivePOSTokenizer(tokenizer, jieba.posseg.dt.word_tag_tab)
            self.stop_words = loaded.stop_words.copy()
            self.idf_loader = loaded.idf_loader
            self.idf_freq, self.median_idf = loaded.idf_freq, loaded.median_idf

    return ArchiveTFIDF(tokenizer, jieba.analyse.default_tfidf)


# jieba-rs (0.9) takes these characters into its Chinese runs, jieba (0.42) does not: jieba cuts
# the text on either side of one apart and the character alone. Cut apart the same way, both give
# the same words; cut as one run, a tie between two cuts can fall the other way.
_BEYOND_JIEBAS_RUNS = re.compile("[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
                                 "\U0002a700-\U0002ebef\U0002f800-\U0002fa1f]")
# A key no text can match (jieba only looks words up inside runs of Chinese, letters and digits).
_TOTAL_BALANCE = "\t"


def _jieba_frequencies() -> tuple[dict[str, int], int]:
    """jieba's dict.txt as {word: frequency} (a word listed twice at its last frequency, as
    jieba-rs takes it), and how much more jieba's total is (jieba counts every line)."""
    text = files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    fields = text.split()   # word, frequency, tag on every line: split at once, not line by line
    if len(fields) == 3 * (text.count("\n") + (not text.endswith("\n"))):
        words, counts = fields[0::3], list(map(int, fields[1::3]))
        frequency = dict(zip(words, counts))
        return frequency, sum(counts) - sum(frequency.values())
    frequency, balance = {}, 0
    for line in text.splitlines():
        word, freq = line.split(" ")[:2]
        balance += frequency.get(word, 0)   # jieba counts it again, jieba-rs replaces it
        frequency[word] = int(freq)
    return frequency, balance


class PlainCutter:
    """`jieba.cut(text, HMM=False)` with a user dictionary, as a list: by rjieba when it can be
    imported (same words, about 13 times faster), else by jieba itself.

    Two differences between the libraries are evened out. jieba-rs takes a few more kinds of
    character into a Chinese run (`_BEYOND_JIEBAS_RUNS`); and the dictionary's total frequency,
    which every word's probability is divided by, differs: jieba adds the frequency of every
    line of dict.txt (a word listed twice counts twice) and of every `add_word` (a word it knew
    already counts twice), where jieba-rs counts each word once, at its last frequency. A word no
    text can contain (`_TOTAL_BALANCE`) carries the difference, so both totals are equal; with
    another total, cuts of equal probability in exact arithmetic (乡乡乡: 乡乡+乡 or 乡+乡乡) round
    apart and fall differently."""

    def __init__(self, user_words: list[tuple[str, int, str]]) -> None:
        try:
            import rjieba
        except ImportError:
            jieba = import_jieba()
            tokenizer = jieba.Tokenizer()
            jieba.default_logger.setLevel(logging.WARNING)
            tokenizer.initialize()
            for word, freq, tag in user_words:
                tokenizer.add_word(word, freq, tag)
            self._cut = lambda text: tokenizer.lcut(text, HMM=False)
            self.fast = False
            return
        rust = rjieba.Jieba()
        frequency, balance = _jieba_frequencies()
        for word, freq, tag in user_words:
            balance += frequency.get(word, 0)
            frequency[word] = freq
            rust.add_word(word, freq, tag)
        if balance:
            rust.add_word(_TOTAL_BALANCE, balance, "x")
        self._cut = lambda text: rust.cut(text, False)
        self.fast = True

    def __call__(self, text: str) -> list[str]:
        if not self.fast or not _BEYOND_JIEBAS_RUNS.search(text):
            return self._cut(text)
        words, start = [], 0
        for match in _BEYOND_JIEBAS_RUNS.finditer(text):
            words += self._cut(text[start : match.start()])
            words.append(match.group())
            start = match.end()
        return words + self._cut(text[start:])


segmenter = ArchiveSegmenter()
cut = segmenter.cut
keywords = segmenter.keywords
