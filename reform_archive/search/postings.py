"""Array operations that grams (`grams.py`) and word entries (`word_entries.py`) share: groups of
sorted occurrences, their `where`, document items laid out by their kind (`format.py`), and
LEB128 varints of many values at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .format import WHERE_HEADING, WHERE_SHIFT, WHERE_TITLE, EntryKind


@dataclass
class Groups:
    """Groups of occurrences sorted by (key, document, position): one per (key, document)."""

    start: np.ndarray   # each group's first occurrence
    key: np.ndarray     # its key
    size: np.ndarray    # its number of occurrences
    delta: np.ndarray   # its document less the key's previous document (the first: the document)


def grouped(keys: np.ndarray, doc_ids: np.ndarray) -> Groups:
    n = keys.size
    new_group = np.ones(n, dtype=bool)
    if n:
        new_group[1:] = (keys[1:] != keys[:-1]) | (doc_ids[1:] != doc_ids[:-1])
    start = np.flatnonzero(new_group)
    key = keys[start]
    doc = doc_ids[start].astype(np.int64)
    size = np.diff(np.append(start, n))
    delta = doc.copy()
    same_key = np.zeros(start.size, dtype=bool)
    same_key[1:] = key[1:] == key[:-1]
    delta[1:][same_key[1:]] -= doc[:-1][same_key[1:]]
    return Groups(start, key, size, delta)


def where(position: np.ndarray, title: np.ndarray, heading: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Per group of occurrences (starting at `first`; positions in the document, ascending;
    `title`: the document's title length; `heading`: whether the occurrence starts in a heading
    line), the format's `where`."""
    if not first.size:
        return np.zeros(0, dtype=np.int64)
    no_body = np.iinfo(np.int64).max
    first_body = np.minimum.reduceat(np.where(position >= title, position, no_body), first)
    in_heading = np.logical_or.reduceat(heading, first).astype(np.int64)
    return (np.where(first_body == no_body, 0, first_body + 1) * (1 << WHERE_SHIFT) + in_heading * WHERE_HEADING
            + (position[first] < title[first]) * WHERE_TITLE)


def items(kind: EntryKind, columns: dict[str, np.ndarray]) -> np.ndarray:
    """Document items of `kind`, one after the other, each with the fields of `kind.item` in
    order, from one column per field (by name)."""
    width = len(kind.item)
    n = columns[kind.item[0].name].size
    out = np.empty(width * n, dtype=np.int64)
    for k, f in enumerate(kind.item):
        out[k::width] = columns[f.name]
    return out


@dataclass
class Varints:
    data: np.ndarray      # the bytes (uint8)
    offsets: np.ndarray   # each value's first byte, then the end


def _varint_lengths(values: np.ndarray) -> np.ndarray:
    out = np.ones(values.shape, dtype=np.int64)
    for bits in (7, 14, 21, 28, 35, 42, 49, 56):
        out += values >= (1 << bits)
    return out


def varints(values: np.ndarray, raw: np.ndarray) -> Varints:
    """LEB128 varints of `values`, except where `raw` (one byte, as is: a key's bytes)."""
    values = values.astype(np.uint64)
    sizes = np.where(raw, 1, _varint_lengths(values))
    offsets = np.zeros(values.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    out = np.zeros(int(offsets[-1]), dtype=np.uint8)
    for k in range(int(sizes.max()) if sizes.size else 0):
        mask = sizes > k
        chunk = (values[mask] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (sizes[mask] > k + 1).astype(np.uint64) << np.uint64(7)
        out[offsets[:-1][mask] + k] = (chunk | more).astype(np.uint8)
    out[offsets[:-1][raw]] = values[raw].astype(np.uint8)
    return Varints(out, offsets)
