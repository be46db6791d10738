"""Near-duplicate reports: the same article copied twice (篇1/篇2) is shown once.

Texts are compared as sets of character 5-grams ("shingles") after removing everything that
varies between copies of one article: whitespace, punctuation, Markdown markup, watermarks.
Word tokens would not do: jieba cuts edited copies differently, and text-dedup's whitespace
tokenizer sees a whole Chinese clause as one token.

MinHash LSH (datasketch) proposes candidate pairs cheaply; every candidate is then confirmed by
the exact Jaccard similarity of the two shingle sets. Two reports are duplicates when that
similarity is at least `JACCARD_THRESHOLD` (0.8): copies with a dropped comma, a watermark or a
few edited sentences score above 0.9, while different reports on the same subject stay below 0.3.
Groups are the connected components of confirmed pairs; nothing is ever deleted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from datasketch import MinHash, MinHashLSH

SHINGLE_CHARS = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.5       # candidates; deliberately below the confirmation threshold
JACCARD_THRESHOLD = 0.8   # confirmed duplicates
_NOISE = re.compile(r"[\W_]+|版权所有")


@dataclass
class DuplicateCluster:
    kept: str                                   # key of the version that is shown
    others: list[str]                           # keys of the versions shown on its page only
    similarity: dict[str, float] = field(default_factory=dict)  # other key → Jaccard with kept


def normalize_for_comparison(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


def shingles(text: str) -> set[str]:
    norm = normalize_for_comparison(text)
    if len(norm) <= SHINGLE_CHARS:
        return {norm} if norm else set()
    return {norm[i : i + SHINGLE_CHARS] for i in range(len(norm) - SHINGLE_CHARS + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def find_duplicate_clusters(texts: dict[str, str]) -> list[DuplicateCluster]:
    """Groups of near-identical texts. `texts` maps a stable key (the report's path) to its
    body. The kept version of a group is the most complete copy (see below)."""
    sets = {key: shingles(text) for key, text in texts.items()}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    signatures = {}
    for key in sorted(sets):
        if not sets[key]:
            continue
        signature = MinHash(num_perm=NUM_PERM)
        signature.update_batch([s.encode("utf-8") for s in sets[key]])
        signatures[key] = signature
        lsh.insert(key, signature)

    parent = {key: key for key in signatures}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for key, signature in signatures.items():
        for other in lsh.query(signature):
            if other > key and jaccard(sets[key], sets[other]) >= JACCARD_THRESHOLD:
                parent[root(other)] = root(key)

    groups: dict[str, list[str]] = {}
    for key in signatures:
        groups.setdefault(root(key), []).append(key)
    clusters = []
    for members in groups.values():
        if len(members) < 2:
            continue
        # Keep the most complete copy; copies within 1% of it in length differ by edits, not
        # content, and then the first by name wins (x.md before x-2.md), whatever the reading order.
        members.sort(key=lambda k: k.rsplit(".", 1)[0])
        lengths = {k: len(normalize_for_comparison(texts[k])) for k in members}
        longest = max(lengths.values())
        kept = next(k for k in members if lengths[k] >= 0.99 * longest)
        others = [k for k in members if k != kept]
        clusters.append(DuplicateCluster(
            kept, others, {o: round(jaccard(sets[kept], sets[o]), 3) for o in others}))
    return sorted(clusters, key=lambda c: c.kept)
