"""Near-duplicate reports: the same article copied twice (篇1/篇2) is shown once.

Texts are compared as sets of character 5-grams ("shingles") after removing everything that
varies between copies of one article: whitespace, punctuation, Markdown markup, watermarks, and
traditional vs simplified characters (OpenCC's table, see ingest/chinese.py).
Word tokens would not do: jieba cuts edited copies differently, and text-dedup's whitespace
tokenizer sees a whole Chinese clause as one token.

MinHash LSH proposes candidate pairs cheaply; every candidate is then confirmed by the exact
Jaccard similarity of the two shingle sets. For speed (10,000 reports in seconds) the shingles
are 64-bit rolling hashes computed with numpy, the signature is a one-permutation MinHash (one
hash, the minimum in each of NUM_PERM bins) and the LSH bands are plain dictionaries; exact
Jaccard is computed on the sorted hash arrays. `shingles` and `jaccard` give the same figures on
the shingle strings, for tests and readers. Two reports are duplicates when that
similarity is at least `JACCARD_THRESHOLD` (0.8): copies with a dropped comma, a watermark or a
few edited sentences score above 0.9, while different reports on the same subject stay below 0.3.
Groups are the connected components of confirmed pairs; nothing is ever deleted.

A rebuild need not shingle every report again: `SignatureStore` keeps each text's signature
(keyed by a hash of the text), the exact similarity of every candidate pair (keyed by both
texts' hashes) and the code-point tables between builds, so only new or edited texts and the
pairs they are in are shingled.
"""

from __future__ import annotations

import marshal
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .cache_file import OnDamage, ignore_damage, read_sealed, write_sealed
from .language.chinese import to_simplified
from .report import text_digest

SHINGLE_CHARS = 5
NUM_PERM = 128
LSH_BANDS, LSH_ROWS = 32, 4   # 32 bands of 4: pairs at Jaccard 0.5 are candidates with p ≈ 0.87,
                              # at 0.8 with p > 0.99999; candidates below 0.8 are then rejected
JACCARD_THRESHOLD = 0.8   # confirmed duplicates
_NOISE = re.compile(r"[\W_]+|版权所有")
_BIN_SHIFT = np.uint64(64 - 7)            # top 7 bits choose one of 128 bins
assert NUM_PERM == 128 and LSH_BANDS * LSH_ROWS == NUM_PERM


@dataclass
class DuplicateCluster:
    kept: str                                   # key of the version that is shown
    others: list[str]                           # keys of the versions shown on its page only
    similarity: dict[str, float] = field(default_factory=dict)  # other key → Jaccard with kept


class SignatureStore:
    """Signatures of texts seen in earlier builds, and the code-point tables, in one file.
    `path` None keeps them for this process only. An outdated file is ignored, a damaged one
    too (`on_damage` is told); either is written anew by `save`."""

    def __init__(self, path: Path | None, version: str = "", on_damage: OnDamage = ignore_damage) -> None:
        self.path, self.version = path, version
        self.signatures: dict[bytes, bytes] = {}
        self.scores: dict[bytes, float] = {}    # two texts' hashes, in order → their Jaccard
        self.tables: tuple[bytes, bytes] | None = None
        self.changed = False
        payload = read_sealed(path, on_damage) if path is not None else None
        if payload is not None:
            try:
                data = marshal.loads(payload)
                if data["version"] == version:
                    self.signatures, self.tables = data["signatures"], data["tables"]
                    self.scores = data["scores"]
            except (EOFError, ValueError, TypeError, KeyError):  # another version's layout
                self.changed = True

    def save(self, keep: set[bytes]) -> None:
        """Write the store, keeping only the signatures of `keep` (the texts of this build)."""
        if self.path is None or not (self.changed or keep != self.signatures.keys()):
            return
        data = {"version": self.version, "tables": self.tables,
                "signatures": {d: s for d, s in self.signatures.items() if d in keep},
                "scores": {pair: score for pair, score in self.scores.items()
                           if pair[:16] in keep and pair[16:] in keep}}
        write_sealed(self.path, marshal.dumps(data))


_tables: tuple[np.ndarray, np.ndarray] | None = None  # this process's code-point tables, whole
# Until the whole tables are needed (a build stores them), only the code points met so far are
# looked up: an import compares a few reports, and the whole tables take a second or two to make.
_partial: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
TABLE_SIZE = 0x30000


def _code_point_tables(points: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The tables, whole, or filled at least for `points`."""
    global _tables, _partial
    if _tables is not None:
        return _tables
    if points is None:
        _tables = _build_code_point_tables()
        return _tables
    if _partial is None:
        _partial = (np.arange(TABLE_SIZE, dtype=np.uint32), np.zeros(TABLE_SIZE, dtype=bool),
                    np.zeros(TABLE_SIZE, dtype=bool))
    mapping, is_word, known = _partial
    unknown = np.unique(points[~known[points]])
    _fill_tables(mapping, is_word, unknown.tolist())
    known[unknown] = True
    return mapping, is_word


def _share_tables(store: SignatureStore) -> None:
    """The store's tables for this process, or this process's for the store (built only if
    this build needed them, i.e. shingled something)."""
    global _tables
    if _tables is None and store.tables is not None:
        _tables = (np.frombuffer(store.tables[0], dtype=np.uint32).copy(),
                   np.frombuffer(store.tables[1], dtype=bool).copy())
    elif store.tables is None and (_tables is not None or _partial is not None):
        _code_point_tables()
        store.tables, store.changed = (_tables[0].tobytes(), _tables[1].tobytes()), True


def _build_code_point_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point: its comparison form (NFKC, then simplified), and whether it is a word
    character (what `\\W` removes is not). Built once; normalising a text is then two numpy
    lookups instead of three passes of Python string functions over every report."""
    mapping = np.arange(TABLE_SIZE, dtype=np.uint32)
    is_word = np.zeros(TABLE_SIZE, dtype=bool)
    _fill_tables(mapping, is_word, range(TABLE_SIZE))
    return mapping, is_word


def _fill_tables(mapping: np.ndarray, is_word: np.ndarray, codes) -> None:
    for code in codes:
        if 0xD800 <= code <= 0xDFFF:
            continue
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and ord(to_simplified(folded)) < TABLE_SIZE:
            mapping[code] = ord(to_simplified(folded))
        is_word[code] = not _NOISE.fullmatch(chr(mapping[code]))


def _comparison_points(text: str) -> np.ndarray:
    points = np.frombuffer(text.replace("版权所有", "").encode("utf-32-le"), dtype="<u4")
    points = points[points < TABLE_SIZE]  # planes 3+ hold no Chinese text
    mapping, is_word = _code_point_tables(points)
    points = mapping[points]
    _code_point_tables(points)  # `is_word` is read at the folded code points
    return points[is_word[points]]


def normalize_for_comparison(text: str) -> str:
    """What two copies of one report share: simplified characters (a traditional-script copy of
    the 1954 report is the same report), NFKC digits, no punctuation, markup or watermarks."""
    return _comparison_points(text).astype("<u4").tobytes().decode("utf-32-le")


def shingles(text: str) -> set[str]:
    norm = normalize_for_comparison(text)
    if len(norm) <= SHINGLE_CHARS:
        return {norm} if norm else set()
    return {norm[i : i + SHINGLE_CHARS] for i in range(len(norm) - SHINGLE_CHARS + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def shingle_hashes(text: str) -> np.ndarray:
    """Sorted unique 64-bit hashes of the text's shingles (one per distinct shingle)."""
    points = _comparison_points(text).astype(np.uint64)
    if not len(points):
        return np.empty(0, dtype=np.uint64)
    if len(points) < SHINGLE_CHARS:
        points = np.concatenate([points, np.zeros(SHINGLE_CHARS - len(points), dtype=np.uint64)])
    count = len(points) - SHINGLE_CHARS + 1
    h = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE_CHARS):  # a polynomial over the code points, wrapping at 2**64
            h = h * np.uint64(1_000_003) + points[k : k + count]
        h = np.sort(_mix(h))
    return h[np.concatenate(([True], h[1:] != h[:-1]))]


_BIN_STARTS = np.arange(NUM_PERM, dtype=np.uint64) << _BIN_SHIFT


def _signature(hashes: np.ndarray) -> np.ndarray:
    """One-permutation MinHash: the smallest hash in each of 128 bins (the top 7 bits); an
    empty bin holds its own marker, so two texts agree on it only as both lacking that bin."""
    # hashes are sorted and a bin is a range of values: its minimum is its first hash
    first = np.searchsorted(hashes, _BIN_STARTS)
    present = first < len(hashes)
    present[present] = (hashes[first[present]] >> _BIN_SHIFT) == np.arange(NUM_PERM, dtype=np.uint64)[present]
    signature = np.arange(NUM_PERM, dtype=np.uint64) + np.uint64(1 << 57)
    signature[present] = hashes[first[present]] & np.uint64((1 << 57) - 1)
    return signature


def _exact_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) and not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


class _LazyHashes(dict):
    """Shingle hashes of a text, computed when first asked for."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        super().__init__()
        self.texts = texts

    def __missing__(self, key: str) -> np.ndarray:
        value = self[key] = shingle_hashes(self.texts[key])
        return value


def _band_candidates(keys: list[str], signatures: dict[str, bytes]) -> list[tuple[str, str]]:
    """The pairs of keys (in key order, sorted) whose signatures agree on every row of at least
    one band. Each band's rows are hashed to one number with the band's index, and the
    archive's numbers sorted once: equal runs are the buckets. Two bands that differ yet hash
    alike would only propose one more pair, which the exact similarity then judges."""
    if len(keys) < 2:
        return []
    rows = np.frombuffer(b"".join(signatures[k] for k in keys), dtype=np.uint64).reshape(len(keys), LSH_BANDS, LSH_ROWS)
    with np.errstate(over="ignore"):
        h = np.broadcast_to(np.arange(LSH_BANDS, dtype=np.uint64), (len(keys), LSH_BANDS))
        for row in range(LSH_ROWS):
            h = _mix(h * np.uint64(0x9E3779B97F4A7C15) + rows[:, :, row])
    h = h.ravel()
    order = np.argsort(h, kind="stable")   # stable: a bucket's members stay in key order
    ordered = h[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, len(ordered)])
    members_of = order // LSH_BANDS
    candidates = set()
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist()):
        members = members_of[start : start + size].tolist()
        candidates.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :] if a != b)
    return [(keys[a], keys[b]) for a, b in sorted(candidates)]


def find_duplicate_clusters(texts: Mapping[str, str], store: SignatureStore | None = None,
                            prefer: Callable[[str], tuple] | None = None,
                            digests: dict[str, bytes] | None = None) -> list[DuplicateCluster]:
    """Groups of near-identical texts. `texts` maps a stable key (the report's path) to its
    body. The kept version of a group is the member with the smallest `prefer(key)`, ties
    going to the first by name. With a `store`, signatures of texts seen before are read from
    it, and only candidates are shingled. `digests`: each text's `text_digest`, if known."""
    if store is not None:
        _share_tables(store)
    keys = sorted(texts)
    hashes = _LazyHashes(texts)
    signatures: dict[str, bytes] = {}   # key → its signature, 128 uint64 as bytes
    seen: set[bytes] = set()
    given_digests = digests or {}
    text_digests: dict[str, bytes] = {}   # key → its text's digest
    scores = store.scores if store is not None else {}

    def similarity(a: str, b: str) -> float:
        pair = b"".join(sorted((text_digests[a], text_digests[b])))
        score = scores.get(pair)
        if score is None:
            score = scores[pair] = _exact_jaccard(hashes[a], hashes[b])
            if store is not None:
                store.changed = True
        return score

    for key in keys:
        digest = text_digests[key] = given_digests.get(key) or text_digest(texts[key])
        seen.add(digest)
        known = store.signatures.get(digest) if store is not None else None
        if known is None:
            found = hashes[key]
            known = _signature(found).tobytes() if len(found) else b""
            if store is not None:
                store.signatures[digest], store.changed = known, True
        if known:  # an empty text (no shingles) is nobody's duplicate
            signatures[key] = known
    keys = [key for key in keys if key in signatures]
    candidates = _band_candidates(keys, signatures)

    parent = {key: key for key in keys}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in candidates:
        if root(a) == root(b):
            continue
        score = similarity(a, b)
        if score >= JACCARD_THRESHOLD:
            parent[root(b)] = root(a)

    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(root(key), []).append(key)
    clusters = []
    for members in groups.values():
        if len(members) < 2:
            continue
        # Which copy is shown is the caller's rule (archive.py: the cleanest, then the earliest);
        # by default the first by name (x.md before x-2.md), whatever the reading order.
        kept = min(members, key=lambda k: (prefer(k) if prefer else (), k.rsplit(".", 1)[0], k))
        others = [k for k in members if k != kept]
        clusters.append(DuplicateCluster(
            kept, others, {o: round(similarity(kept, o), 3) for o in others}))
    if store is not None:
        _share_tables(store)
        store.save(seen)
    return sorted(clusters, key=lambda c: c.kept)
