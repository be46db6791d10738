"""Chinese word segmentation with the archive's own vocabulary.

jieba's stock dictionary does not know the archive's terms (事业站所, 乡镇机构改革) nor most
county names, and cuts them into pieces. `ArchiveSegmenter` is a private jieba tokenizer with a
user dictionary of those terms and of the gazetteer's place names; the same dictionary is given
to Material's search so that the index and the importer cut text the same way.
"""

from __future__ import annotations

import logging
import re
import threading

import jieba
import jieba.analyse
import jieba.posseg

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
        self._lock = threading.Lock()

    def user_dictionary(self) -> list[tuple[str, int, str]]:
        """(word, frequency, part of speech) triples, in jieba's user-dictionary sense."""
        words = [(term, TERM_FREQUENCY, "n") for term in self._terms]
        if self._with_places:
            from .ingest.gazetteer import gazetteer

            # One-character stems (和县, 道县) are left out: adding them would glue 和县级 together.
            words += [(name, PLACE_FREQUENCY, "ns") for name in gazetteer.names() if len(name) >= 3]
        return words

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        with self._lock:
            if self._tokenizer is None:
                jieba.default_logger.setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word, freq, tag in self.user_dictionary():
                    tokenizer.add_word(word, freq, tag)
                self._tokenizer = tokenizer
            return self._tokenizer

    def cut(self, text: str) -> list[str]:
        return [w for w in self.tokenizer.cut(text) if w.strip()]

    def keywords(self, text: str, count: int = 8) -> list[str]:
        """The text's most characteristic words (jieba TF-IDF over nouns and verbs)."""
        if self._tfidf is None:
            tfidf = jieba.analyse.TFIDF()
            tfidf.tokenizer = self.tokenizer
            tfidf.postokenizer = jieba.posseg.POSTokenizer(self.tokenizer)
            self._tfidf = tfidf
        words = self._tfidf.extract_tags(
            text, topK=count * 2, allowPOS=("n", "nr", "ns", "nt", "nz", "vn", "v", "l", "eng"))
        return [w for w in words if len(w) > 1 and not _KEYWORD_JUNK.match(w)][:count]


segmenter = ArchiveSegmenter()
cut = segmenter.cut
keywords = segmenter.keywords
