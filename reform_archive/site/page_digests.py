"""The hash of a report page's Markdown, known from what it is made of, without making it.

A rebuild with nothing changed made every report page's Markdown (its metadata block, related
list, other versions and citation: ~1 ms a page, 10 s at 10,000 reports) only to hash it and
find the finished page in the cache. A page is a function of its report, the reports it lists
(related reports, other versions), the keywords that have pages, the site's address and the
code that writes it; `PageDigests` keeps, between builds, the hash of the Markdown made from
each such input (`inputs`), so that a build makes the Markdown only of the pages it renders.

Every report in the input is taken whole (each of its fields; its text by its digest), so a change to
the page code that reads another field needs no change here. The store is one sealed file,
`page-digests.sealed`, under the code version of the page writer.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..archive import ArchivedReport
from ..cache import MemoFile
from ..cache_file import OnDamage, ignore_damage
from ..code_graph import code_version

CACHE_FILE = "page-digests.sealed"
PAGE_CODE = ("reform_archive.site.generate",)   # the page writer and all it imports


@dataclass(frozen=True)
class Deferred:
    """A page not made yet: `make()` makes it; `inputs` names what it is made of."""

    make: Callable[[], str]
    inputs: bytes


class PageDigests:
    def __init__(self, folder: Path | None, on_damage: OnDamage = ignore_damage) -> None:
        self.version = code_version(*PAGE_CODE) if folder is not None else ""
        self.memo = MemoFile(folder / CACHE_FILE if folder is not None else None, self.version, on_damage)
        self._reports: dict[int, bytes] = {}   # id(archived report) → its hash, once per build

    def _archived(self, r: ArchivedReport) -> bytes:
        """A report as a page shows it (each field of its report, its text by its digest, its
        key, slug and date added), hashed once per build."""
        digest = self._reports.get(id(r))
        if digest is None:
            report = r.report
            fields = [getattr(report, f.name) for f in dataclasses.fields(report)
                      if f.name not in ("path", "body")]
            digest = hashlib.sha256("\0".join((repr(fields), r.key, r.slug, r.added)).encode("utf-8")
                                    + b"\0" + r.digest).digest()
            self._reports[id(r)] = digest
        return digest

    def inputs(self, r: ArchivedReport, related: list[ArchivedReport], base_url: str,
               keyword_pages: frozenset[str]) -> bytes:
        """What the page of `r` is made of, hashed (of bytes joined: a repr of the nested
        digests was most of the time of a rebuild's 10,000 pages)."""
        h = hashlib.sha256(self._archived(r))
        for v, similarity in r.versions:
            h.update(self._archived(v) + repr(similarity).encode())
        h.update(b"\0related\0" + b"".join(self._archived(o) for o in related))
        h.update("\0".join((base_url, repr([k in keyword_pages for k in r.report.keywords]), self.version)).encode("utf-8"))
        return h.digest()

    def listing_inputs(self, src_uri: str, fixed: str, reports: list[ArchivedReport],
                       hidden: list[ArchivedReport]) -> bytes:
        """What an index page is made of: its path, its text around the list (`fixed`), the
        reports it lists and the hidden versions it names with theirs, hashed."""
        h = hashlib.sha256("\0".join((src_uri, fixed, self.version)).encode("utf-8"))
        h.update(b"\0listed\0" + b"".join(self._archived(r) for r in reports))
        h.update(b"\0hidden\0" + b"".join(self._archived(x) + self._archived(x.shown_version) for x in hidden))
        return h.digest()

    def get(self, inputs: bytes) -> bytes | None:
        return self.memo.get(inputs)

    def put(self, inputs: bytes, digest: bytes) -> None:
        self.memo.put(inputs, digest)

    def save(self) -> None:
        self.memo.save()
