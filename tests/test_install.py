"""What an installation from pyproject.toml holds is what the code imports.

A fresh install could not import `.html` pages: `lxml.html.clean`, which trafilatura reaches
through jusText, left lxml for its own distribution (`lxml_html_clean`) in lxml 5.2, and came
only through an extra that another package asked for (`lxml[html_clean]`, requested by jusText
from 3.0.1 on). An `.html` import is run here in a fresh interpreter; every distribution its
modules come from must be reached from pyproject.toml's requirements through the requirements
each package declares, without counting on extras that other packages request.

(A real fresh virtual environment would test the same but needs the package index and minutes;
this reads the installed metadata, in a second.)
"""

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

from .conftest import REPO

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ingest" / "hunan_2026_page.html"


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> list[Requirement]:
    with open(REPO / "pyproject.toml", "rb") as handle:
        return [Requirement(r) for r in tomllib.load(handle)["project"]["dependencies"]]


def _reached(roots: list[Requirement]) -> set[str]:
    """Distributions the requirements reach, each package's own requirements followed (those
    behind an extra only when that package's requirer is pyproject.toml itself)."""
    seen: set[str] = set()
    todo = [(r.name, set(r.extras)) for r in roots]
    while todo:
        name, extras = todo.pop()
        if _name(name) in seen:
            continue
        seen.add(_name(name))
        try:
            requirements = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for text in requirements:
            requirement = Requirement(text)
            environments = [{"extra": e} for e in extras] or [{"extra": ""}]
            if requirement.marker and not any(requirement.marker.evaluate(e) for e in environments):
                continue
            todo.append((requirement.name, set()))
    return seen


def test_every_distribution_an_html_import_loads_is_required_by_pyproject():
    code = ("import json, sys, importlib.metadata\n"
            "from pathlib import Path\n"
            "from reform_archive.ingest.importer import articles_from_source\n"
            f"reports = articles_from_source(Path({str(FIXTURE)!r}))\n"
            "assert reports and reports[0].body.strip()\n"
            "by_module = importlib.metadata.packages_distributions()\n"
            "print(json.dumps(sorted({d for m in list(sys.modules) for d in by_module.get(m.split('.')[0], [])})))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    loaded = {_name(d) for d in json.loads(run.stdout.splitlines()[-1])} - {"reform-archive"}
    assert "lxml-html-clean" in loaded and "trafilatura" in loaded, loaded
    declared = _declared()
    missing = sorted(loaded - _reached(declared) - {"setuptools"})  # setuptools: the editable install's hook
    assert missing == [], f"imported by an .html import but not required by pyproject.toml: {missing}"
    # and the installed versions are the pinned ones
    for requirement in declared:
        assert str(requirement.specifier).startswith("=="), requirement
        assert importlib.metadata.version(requirement.name) in requirement.specifier, requirement


def test_an_html_import_without_its_dependencies_is_a_message_and_the_rest_is_imported(tmp_path):
    """An installation that lacks them anyway: a failure naming the page, not an ImportError
    traceback after the sources before it were written."""
    from .conftest import SEED

    code = ("import sys\n"
            "sys.modules['lxml.html.clean'] = None  # as on an installation without lxml_html_clean\n"
            "from reform_archive.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    run = subprocess.run([sys.executable, "-c", code, "import", str(SEED), str(FIXTURE), "--out",
                          str(tmp_path / "reports")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    failed = [line for line in run.stderr.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and str(FIXTURE) in failed[0] and "cannot import .html pages" in failed[0], run.stderr
    assert "8 imported" in run.stdout
