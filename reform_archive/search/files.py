"""The index's files other than the shards: per-report data for ranking (docinfo.bin), result
lines, text blocks for snippets, facets, the traditional → simplified table and the manifest,
each as `format.py` declares it."""

from __future__ import annotations

import gzip
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from isal import isal_zlib

from .corpus import SearchDocument
from .format import (BREAK_MARK, CODED, DOCINFO, DOCINFO_COLUMNS, FACETS, LINE, LINE_FIELDS, LINES_CHUNK, LINES_TABLE,
                     MANIFEST, META_CHUNK, T2S, TEXT, TEXT_BLOCK, TEXT_LINES, Manifest)
from .normalize import traditional_to_simplified

LINES_TABLE_MAX_BYTES = 256 * 1024  # every result line in one file, up to this size (gzip)
# The bulk (document lists, positions, text: ~560 MB before compression at 10,000 reports) goes
# through ISA-L's deflate at its level 3: 3-4x zlib level 1's speed, document lists 3 % smaller,
# positions the same, text blocks 2 % larger (measured on the 10,000-report index). The few
# files every cold query fetches whole get zlib's level 9.
GZIP_LEVEL = 3
GZIP_LEVEL_SHARED = 9
_GZIP_WBITS = 31   # deflate in a gzip container
_NUMPY_TYPE = {"u8": "u1", "u16": "<u2", "u32": "<u4"}


def compressed(files: dict[str, bytes]) -> dict[str, bytes]:
    """Each file gzip-compressed (`gzip_bulk`), on every core: ISA-L lets go of the GIL."""
    with ThreadPoolExecutor() as pool:
        return dict(zip(files, pool.map(gzip_bulk, files.values(), chunksize=64)))


def docinfo_file(docs: list[SearchDocument]) -> dict[str, bytes]:
    """Columns compress better than records: all title lengths, then all text lengths."""
    values = {f"{line.name}Length": [d.layout.line_lengths[k] for d in docs] for k, line in enumerate(TEXT_LINES)}
    values["length"] = [len(d.text) for d in docs]
    values["year"] = [d.year or 0 for d in docs]
    for column in DOCINFO_COLUMNS:
        if column.code:
            store = CODED[column.code][0]
            values[column.name] = [store(v) for v in values[column.name]]
    data = b"".join(np.array(values[c.name], dtype=_NUMPY_TYPE[c.type]).tobytes() for c in DOCINFO_COLUMNS)
    return {DOCINFO.path(): gzip_bytes(data, GZIP_LEVEL_SHARED)}


def _line(doc: SearchDocument) -> list:
    """What a result line shows, nothing more, as `LINE_FIELDS`."""
    values = {"url": doc.url, "title": doc.title, "year": doc.year or 0, "region": doc.region}
    return [values[f.name] for f in LINE_FIELDS]


@dataclass
class LineFiles:
    table: bool                # lines.json.gz, or else r/ and m/
    files: dict[str, bytes]


def line_files(docs: list[SearchDocument], table_max: int) -> LineFiles:
    """A result list shows up to 200 reports spread over the whole archive: one table of every
    line is one request; past `table_max` bytes, lines are fetched one report at a time, or by
    chunk where a list covers much of one."""
    lines = [_line(d) for d in docs]
    columns = [[line[k] for line in lines] for k in range(len(LINE_FIELDS))]
    table = gzip_bytes(_json(columns), GZIP_LEVEL_SHARED)
    if len(table) <= table_max:
        return LineFiles(True, {LINES_TABLE.path(): table})
    files = {LINE.path(doc=doc_id): _json(line) for doc_id, line in enumerate(lines)}
    chunks = {LINES_CHUNK.path(chunk=start // META_CHUNK): _json(lines[start : start + META_CHUNK])
              for start in range(0, len(docs), META_CHUNK)}
    return LineFiles(False, {**files, **compressed(chunks)})


def text_files(docs: list[SearchDocument]) -> dict[str, bytes]:
    """Each report's text in blocks of TEXT_BLOCK characters (positions), as written: a mark
    where a break was left out of matching goes with the character after it."""
    blocks = {}
    for doc_id, doc in enumerate(docs):
        for block, part in enumerate(_blocks(doc.layout.shown)):
            blocks[TEXT.path(doc=doc_id, block=block)] = part.encode("utf-8")
    return compressed(blocks)


def _blocks(shown: str) -> list[str]:
    """`shown` cut after every TEXT_BLOCK-th character that is not a mark (positions count no
    mark), where another such character follows: the marks before a block's first character
    are that block's."""
    if BREAK_MARK not in shown:
        return [shown[k : k + TEXT_BLOCK] for k in range(0, max(1, len(shown)), TEXT_BLOCK)]
    counted_in_all = len(shown) - shown.count(BREAK_MARK)
    cuts, need, counted, at = [0], TEXT_BLOCK, 0, 0
    for piece in shown.split(BREAK_MARK):   # walks the runs between marks, not the characters
        while need < counted_in_all and counted + len(piece) >= need:
            cuts.append(at + need - counted)
            need += TEXT_BLOCK
        counted += len(piece)
        at += len(piece) + 1
    cuts.append(len(shown))
    return [shown[a:b] for a, b in zip(cuts, cuts[1:])]


def facets_file(docs: list[SearchDocument]) -> dict[str, bytes]:
    regions = sorted({r for d in docs for r in d.regions})
    topics = sorted({t for d in docs for t in d.topics})
    region_at = {r: k for k, r in enumerate(regions)}
    topic_at = {t: k for k, t in enumerate(topics)}
    return {FACETS.path(): _json({
        "regions": regions,
        "topics": topics,
        "docs": [[d.year or 0, [region_at[r] for r in d.regions], [topic_at[t] for t in d.topics]] for d in docs],
    })}


def t2s_file() -> dict[str, bytes]:
    return {T2S.path(): gzip_bulk(_json(traditional_to_simplified()))}


def manifest_file(manifest: Manifest) -> dict[str, bytes]:
    return {MANIFEST.path(): manifest.to_json()}


def doc_file_prefixes(doc_id: int) -> tuple[str, ...]:
    """The starts of the paths of the files that belong to one report alone (its text blocks,
    its result line). Text blocks share one folder: a folder per report would be 10,000 folders
    to create and delete per build."""
    return (TEXT.template[: TEXT.template.index("{block}")].format(doc=doc_id), LINE.path(doc=doc_id))


def gzip_bulk(data: bytes) -> bytes:
    """A gzip file (no name, mtime 0: the same bytes every build) made by ISA-L, level GZIP_LEVEL."""
    return isal_zlib.compress(data, GZIP_LEVEL, wbits=_GZIP_WBITS)


def gzip_bytes(data: bytes, level: int = GZIP_LEVEL_SHARED) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
