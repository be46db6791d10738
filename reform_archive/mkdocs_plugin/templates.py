"""The theme's compiled templates, kept between builds.

MkDocs compiles Material's Jinja templates afresh at every build (a second of a rebuild, of
every live reload). Jinja can keep their bytecode, but its own file cache trusts what it reads:
a truncated file is a traceback, a changed one is code run as it stands. Here each template's
bytecode is a sealed file (cache_file.py), so damage is a miss, reported, and compiled again.
"""

from __future__ import annotations

from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from ..cache_file import OnDamage, read_sealed, write_sealed


class SealedBytecodeCache(BytecodeCache):
    def __init__(self, folder: Path, on_damage: OnDamage) -> None:
        self.folder, self.on_damage = folder, on_damage

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.sealed"

    def load_bytecode(self, bucket: Bucket) -> None:
        path = self._path(bucket)
        payload = read_sealed(path, self.on_damage)
        if payload is None:
            return
        try:
            bucket.bytecode_from_string(payload)   # a stale checksum resets the bucket itself
        except Exception:   # sealed whole, yet not Jinja's: as damaged
            bucket.reset()
            self.on_damage(path)

    def dump_bytecode(self, bucket: Bucket) -> None:
        write_sealed(self._path(bucket), bucket.bytecode_to_string())
