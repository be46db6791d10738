"""What a command does not use, it does not load: `check` imports no jieba, and a build loads
no jieba dictionary (Material's search, which used to segment the hand-written pages with it,
indexes no page: its index is emptied, our worker answers the header search)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from .conftest import REPO


def _python(code: str, cwd) -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_check_imports_no_jieba():
    loaded = _python("import sys\nfrom reform_archive.cli import main\nmain(['check', 'reports'])\n"
                     "print('jieba' in sys.modules, 'pkg_resources' in sys.modules)", REPO)
    assert loaded == "False False"


def test_a_build_loads_no_jieba_dictionary_and_materials_index_gets_no_page(tmp_path):
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    for name in ("docs", "reports"):
        shutil.copytree(REPO / name, tmp_path / name)
    # Material's search plugin imports jieba; its dictionary loads at the first cut.
    loaded = _python("import sys\nfrom reform_archive.cli import main\n"
                     "assert main(['build', '--out', 'site']) == 0\n"
                     "jieba = sys.modules.get('jieba')\n"
                     "print(bool(jieba and (jieba.dt.initialized or jieba.dt.FREQ)))", tmp_path)
    assert loaded == "False"
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == []


def test_serve_makes_the_word_cutters_of_a_rebuild_before_the_first_change():
    """A build from the cache makes neither cutter; the first report added to a running serve
    needs both (the delta index's whole words, the new report's related list): made while the
    server waits, they cost that rebuild nothing (about a second of it, before)."""
    made = _python("from reform_archive.build import prepare_for_rebuilds\n"
                   "from reform_archive.language.segment import segmenter\n"
                   "from reform_archive.site.related import CUTTER\n"
                   "before = (segmenter._plain, CUTTER._jieba)\n"
                   "prepare_for_rebuilds().join(timeout=120)\n"
                   "print(before == (None, None), segmenter._plain is not None, CUTTER._jieba is not None, "
                   "CUTTER('乡镇机构改革') == list(CUTTER.made().cut('乡镇机构改革', False)))", REPO)
    assert made == "True True True True"
