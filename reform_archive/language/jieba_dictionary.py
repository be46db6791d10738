"""jieba's own dictionary, loaded once per process and shared.

The gazetteer (place names) and the segmenter (the archive's terms) each need a jieba tokenizer
of their own, so that words added to one never reach the other; both start from a copy of the
one dictionary loaded here instead of loading it again (a copy takes milliseconds, a load a
second or more).

jieba is imported here, when a tokenizer is first wanted (`import_jieba`), not when a module of
the archive is: `reform-archive check` and a build use none.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba


def import_jieba():
    """The jieba module. jieba opens its own files through pkg_resources when that imports (a
    third of a second, for nothing: it falls back to a plain open), so it is imported with
    pkg_resources out of reach, unless something loaded pkg_resources already."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None   # `import pkg_resources` raises ImportError
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


def _base_dictionary() -> jieba.Tokenizer:
    """jieba's own dictionary, loaded once per process (from jieba's cache file when it has
    one): every tokenizer of the archive starts from a copy of it instead of loading it again."""
    global _BASE
    with _BASE_LOCK:
        if _BASE is None:
            jieba = import_jieba()
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
    tokenizer = import_jieba().Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
    tokenizer.initialized = True
    return tokenizer
