"""A plain reader of a built index, by `format.py`'s declarations: what the tests read entries
with, and what the browser test compares the worker's own decoding with."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

from reform_archive.search.format import (CODED, COLUMN_BYTES, DOCINFO, DOCINFO_COLUMNS, MANIFEST, PACKED_POSITIONS,
                                          POSITIONS, SHARD, EntryKind, Manifest, entry_kind)


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


@dataclass
class Entry:
    key: str
    kind: EntryKind
    index: int                      # its place in the shard
    columns: dict[str, list[int]]   # per field of its kind's item, a value per document ("doc": the ids)
    after: dict[str, int]           # its kind's fields after the document list

    def pairs(self, *names: str) -> list[tuple[int, ...]]:
        """(doc, the named fields...) per document."""
        return list(zip(self.columns["doc"], *(self.columns[n] for n in names)))


def read_shard(data: bytes) -> dict[str, Entry]:
    entries, (count, at) = {}, read_varint(data, 0)
    for index in range(count):
        size, at = read_varint(data, at)
        key = data[at : at + size].decode("utf-8")
        at += size
        kind = entry_kind(key)
        documents, at = read_varint(data, at)
        columns: dict[str, list[int]] = {f.name: [] for f in kind.item}
        doc = 0
        for _ in range(documents):
            for f in kind.item:
                value, at = read_varint(data, at)
                if f.name == "doc":
                    doc += value
                    value = doc
                columns[f.name].append(value)
        after = {}
        for f in kind.after:
            after[f.name], at = read_varint(data, at)
        entries[key] = Entry(key, kind, index, columns, after)
    assert at == len(data), "bytes after the shard's last entry"
    return entries


def read_positions(entry: Entry, data: bytes) -> list[list[int]]:
    """A bigram's positions, per document of its entry."""
    out, at = [], 0
    for count in entry.columns["count"]:
        last, positions = 0, []
        for _ in range(count):
            delta, at = read_varint(data, at)
            last += delta
            positions.append(last)
        out.append(positions)
    assert at == len(data), "bytes after the bigram's last position"
    return out


def unpacked(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


@dataclass
class Index:
    manifest: Manifest
    shards: list[dict[str, Entry]]
    positions: dict[tuple[int, str], list[list[int]]]   # (shard, bigram) -> per document
    docinfo: dict[str, list[int]]


def read_index(folder: Path) -> Index:
    """Every entry, every bigram's positions and docinfo.bin of an index folder (search/, or its
    delta/)."""
    manifest = Manifest.from_json((folder / MANIFEST.path()).read_bytes())
    shards, positions = [], {}
    for n in range(manifest.shards):
        entries = read_shard(unpacked(folder / SHARD.path(shard=n)))
        shards.append(entries)
        packed_file = folder / PACKED_POSITIONS.path(shard=n)
        packed = unpacked(packed_file) if packed_file.exists() else b""
        offset = 0
        for key, entry in entries.items():
            size = entry.after.get("positionBytes")
            if size is None:
                continue
            if size <= manifest.pack_bytes:
                data, offset = packed[offset : offset + size], offset + size
            else:
                data = unpacked(folder / POSITIONS.path(shard=n, entry=entry.index))
            assert len(data) == size
            positions[n, key] = read_positions(entry, data)
        assert offset == len(packed), f"p/{n}.bin: bytes no bigram names"
    info = unpacked(folder / DOCINFO.path())
    docinfo, at = {}, 0
    for column in DOCINFO_COLUMNS:
        size = COLUMN_BYTES[column.type]
        stored = [int.from_bytes(info[at + size * i : at + size * (i + 1)], "little") for i in range(manifest.docs)]
        docinfo[column.name] = [CODED[column.code][1](v) for v in stored] if column.code else stored
        at += size * manifest.docs
    assert at == len(info)
    return Index(manifest, shards, positions, docinfo)
