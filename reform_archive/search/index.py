"""The archive's search index: exact substring matching that scales, in static files.

Why not Material's lunr index or Pagefind: both match words, so a query jieba glued into a longer
word (税费 inside 农村税费改革) is missed, and unknown words fall back to prefixes. Here every
report's normalised text is indexed by character bigrams with positions, and single characters
by unigrams (`grams.py`); the archive's jieba words get entries beside them, for the whole-word
ranking boost and so that a word is found without positions (`word_entries.py`). Entries are
spread over shards by a hash of their key (`shards.py`); the other files serve ranking, result
lines, snippets and facets (`files.py`). The files, and every field in them, are declared in
`format.py` (the worker in assets/ decodes by the same declaration).

    build_search_index(docs) -> {path under search/: bytes}
"""

from __future__ import annotations

from .corpus import Corpus, SearchDocument
from .files import (LINES_TABLE_MAX_BYTES, compressed, doc_file_prefixes, docinfo_file, facets_file, line_files,
                    manifest_file, t2s_file, text_files)
from .format import FORMAT_VERSION, META_CHUNK, POSITIONS_PACK_BYTES, TEXT_BLOCK, Manifest
from .grams import encode_grams
from .shards import shard_files
from .word_entries import encode_word_entries, find_words, word_postings
from .words import WholeWordCounter, WholeWordCounting

__all__ = ["LINES_TABLE_MAX_BYTES", "SearchDocument", "build_search_index", "doc_file_prefixes"]


def build_search_index(docs: list[SearchDocument], *, lines_table_max: int = LINES_TABLE_MAX_BYTES,
                       words: WholeWordCounting | None = None) -> dict[str, bytes]:
    """Every file of the index, keyed by its path under `search/`. `lines_table_max`: the
    largest lines.json.gz (bytes) to write; a larger archive gets per-report result lines.
    `words`: the whole-word counts of `docs`, under way (`WholeWordCounter.counting`); by
    default they are counted now, in a worker process for a large archive, while the bigrams
    are encoded here."""
    if words is None:
        words = WholeWordCounter().counting(range(len(docs)), (d.text for d in docs))
    # The counts first: their merge is the largest passing need of memory (~1 GB at 10,000
    # reports), and in a build the worker has counted all but the last pages by now.
    whole_words = words.result()
    corpus = Corpus.of(docs)
    grams = encode_grams(corpus)
    found = find_words(whole_words, corpus)
    del corpus, whole_words   # the word entries' merge needs none of it: its memory back
    postings = word_postings(found)
    del found
    shards = shard_files(grams, encode_word_entries(postings), postings.shard_hash)
    del grams, postings
    files = compressed(shards.files)
    shards.files.clear()   # the uncompressed shards' memory back

    files.update(docinfo_file(docs))
    lines = line_files(docs, lines_table_max)
    files.update(lines.files)
    files.update(text_files(docs))
    files.update(facets_file(docs))
    files.update(t2s_file())
    files.update(manifest_file(Manifest(
        version=FORMAT_VERSION, docs=len(docs), shards=shards.shards, meta_chunk=META_CHUNK, text_block=TEXT_BLOCK,
        pack_bytes=POSITIONS_PACK_BYTES, lines_table=lines.table,
        avg_length=(sum(len(d.text) for d in docs) / len(docs)) if docs else 0)))
    return files
