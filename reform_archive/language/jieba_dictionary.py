"""jieba's own dictionary, loaded once per process and shared.

The gazetteer (place names) and the segmenter (the archive's terms) each need a jieba tokenizer
of their own, so that words added to one never reach the other; both start from a copy of the
one dictionary loaded here instead of loading it again (a copy takes milliseconds, a load a
second or more).
"""

from __future__ import annotations

import logging
import threading

import jieba


def _base_dictionary() -> jieba.Tokenizer:
    """jieba's own dictionary, loaded once per process (from jieba's cache file when it has
    one): every tokenizer of the archive starts from a copy of it instead of loading it again."""
    global _BASE
    with _BASE_LOCK:
        if _BASE is None:
            jieba.default_logger.setLevel(logging.WARNING)
            base = jieba.Tokenizer()
            base.initialize()
            _BASE = base
        return _BASE


_BASE: jieba.Tokenizer | None = None
_BASE_LOCK = threading.Lock()


def fresh_tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer of its own (words added to it stay in it) on jieba's dictionary,
    copied from the one loaded (a dictionary copy takes milliseconds, a load a second or more)."""
    base = _base_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
    tokenizer.initialized = True
    return tokenizer
