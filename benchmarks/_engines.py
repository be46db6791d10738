"""The three search engines the benchmarks compare, each built from the same reports into its
own folder, and served on 127.0.0.1.

* **ours** — `python -m reform_archive build --reports DIR --out SITE` over a copy of the
  repository's `mkdocs.yml` and `docs/`: whatever search the working tree ships (our engine
  under site/search/, driven through Material's header search box).
* **material** — a plain MkDocs + Material site of the same reports as ordinary pages
  (`theme: material, language: zh`, `plugins: [search: {lang: zh}]`, jieba installed so Material
  segments Chinese), built with `.venv/bin/mkdocs build`.
* **pagefind** — Pagefind 1.5.2, extended build (`pagefind_extended`, which segments Chinese),
  run over a copy of the *material* site's HTML (`<html lang="zh">`), indexing each page's
  `<article>` — the same content Material's search indexes.

Plugging our own engine in: see `OURS_INDEX_PATHS` (what counts as its index on disk) and
`OURS_SEARCH_URL` (which requests count as search traffic). The browser side needs no change as
long as the engine keeps Material's header search (`.md-search__input`,
`.md-search-result__meta`, `.md-search-result__item > a`).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from _corpus import Document, REPO

MKDOCS = REPO / ".venv" / "bin" / "mkdocs"
PAGEFIND_VERSION = "1.5.2"
PAGEFIND_DIR = Path(os.environ.get("PAGEFIND_DIR", f"/tmp/pagefind-{PAGEFIND_VERSION}"))
PAGEFIND_BIN = PAGEFIND_DIR / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"

# --- what counts as an engine's index and its search traffic -----------------------------------

# Our engine's index on disk: every file under these site paths (a folder counts with all its
# files). Today that is Material's search/search_index.json; when our engine writes its
# shards and worker under site/search/, this same setting measures them — add any other path
# the engine ships (e.g. a table or a worker script elsewhere).
OURS_INDEX_PATHS = ("search",)
# Requests that count as search traffic for our engine (regular expression on the URL path):
# the index under /search/, our worker and UI script (/assets/reform-archive/search-*.js), and
# Material's worker and lunr in case Material's search is still switched on.
OURS_SEARCH_URL = (r"/search/|/assets/reform-archive/search|/assets/javascripts/workers/search"
                   r"|/assets/javascripts/lunr/")

MATERIAL_INDEX_PATHS = ("search/search_index.json",)
MATERIAL_SEARCH_URL = r"/search/search_index\.json|/assets/javascripts/workers/search|/assets/javascripts/lunr/"
PAGEFIND_INDEX_PATHS = ("pagefind",)
PAGEFIND_SEARCH_URL = r"/pagefind/"


def path_bytes(root: Path, paths: tuple[str, ...]) -> int:
    """Bytes on disk of the files at `paths` under `root` (folders: all files below)."""
    total = 0
    for rel in paths:
        p = root / rel
        if p.is_file():
            total += p.stat().st_size
        elif p.is_dir():
            total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return total


def stop_all(engines: dict, workdir: Path, keep: bool) -> None:
    """Stop every engine's server; remove the work folder unless asked to keep it."""
    for engine in engines.values():
        engine.stop()
    if keep:
        log(f"kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


# --- a built engine ----------------------------------------------------------------------------

@dataclass
class Engine:
    """A built site and what the benchmarks need to know about it.

    `pages` maps a result's URL path (decoded, no query or fragment) to the key of the document
    shown on that page; `ui` says which browser runner drives it ("material" — Material's header
    search, also used for ours — or "pagefind" — Pagefind's JS API)."""

    name: str
    site: Path
    ui: str
    pages: dict[str, str]
    index_paths: tuple[str, ...]
    search_url: str
    build_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    base_url: str = ""
    _server: ThreadingHTTPServer | None = None

    @property
    def documents(self) -> set[str]:
        """Keys of the documents that have a page of their own on this site."""
        return set(self.pages.values())

    def index_bytes(self) -> int:
        return path_bytes(self.site, self.index_paths)

    def is_search_request(self, url: str) -> bool:
        return re.search(self.search_url, unquote(urlsplit(url).path)) is not None

    def page_of(self, url: str) -> str | None:
        """The document key for a result URL, or None for a page that is not a report."""
        return self.pages.get(url_path(url))

    # serving
    def start(self) -> str:
        self._server, self.base_url = serve(self.site)
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def url_path(url: str) -> str:
    """`http://h/reports/2007/%E4%B8%8A/?h=x#a` → `/reports/2007/上/` (index.html dropped)."""
    path = unquote(urlsplit(url).path)
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path


# --- serving -----------------------------------------------------------------------------------

# HTTP/1.1 keeps connections open between requests, as every production web server does (the
# standard library's default, HTTP/1.0, opens a connection per file). REFORM_ARCHIVE_BENCH_HTTP=1.0
# measures the old way.
HTTP_VERSION = "HTTP/" + os.environ.get("REFORM_ARCHIVE_BENCH_HTTP", "1.1")


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = HTTP_VERSION
    # Headers and body go out in separate writes: with Nagle's algorithm on, a kept-alive
    # connection waits out the browser's delayed ACK (40 ms) before each body.
    disable_nagle_algorithm = True
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript",
                      ".mjs": "text/javascript", ".json": "application/json"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser gave up on a response (a closed context): not our concern


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    """Python's http.server in a thread, on 127.0.0.1 and a free port (no compression;
    keep-alive unless HTTP_VERSION says otherwise)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=f"http:{directory}", daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/"


# --- builders ----------------------------------------------------------------------------------

class BuildError(RuntimeError):
    pass


# Peak memory (max RSS, bytes) of the last build command, from os.wait4.
last_peak_rss = 0


def _run(cmd: list, cwd: Path) -> subprocess.CompletedProcess:
    """Runs a build command; its output is kept for the error message, its peak memory in
    `last_peak_rss`."""
    global last_peak_rss
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=out,
                                stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        last_peak_rss = usage.ru_maxrss * 1024  # KiB on Linux
        out.seek(0)
        output = out.read()
    if proc.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-25:])
        raise BuildError(f"{' '.join(map(str, cmd[:4]))} … failed ({proc.returncode}):\n{tail}")
    return subprocess.CompletedProcess(cmd, proc.returncode, output, "")


def build_ours(workdir: Path, reports_dir: Path, docs: list[Document]) -> Engine:
    """The archive as users build it: `reform-archive build` with the repository's
    mkdocs.yml and docs/, reading `reports_dir`. Pages come from the site's own catalogue
    (data/reports.json): a near-duplicate has no page of its own, so only the kept report of
    each duplicate group has one."""
    project = workdir / "ours"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "docs", project / "docs")
    site = project / "site"
    started = time.perf_counter()
    _run([sys.executable, "-m", "reform_archive", "build", "--reports", reports_dir.resolve(),
          "--out", site], cwd=project)
    seconds = time.perf_counter() - started
    by_file = {d.file_name: d.key for d in docs}
    catalogue = json.loads((site / "data" / "reports.json").read_text(encoding="utf-8"))
    pages, notes = {}, []
    for rec in catalogue:
        if rec.get("duplicate_of"):
            continue
        key = by_file.get(rec["file"])
        if key is not None:
            pages[url_path(rec["url"])] = key
    merged = sum(1 for r in catalogue if r.get("duplicate_of"))
    left_out = len(docs) - len(catalogue)
    notes.append(f"{len(pages)} report pages ({merged} near-duplicates merged into another page"
                 + (f", {left_out} reports left out by the build" if left_out else "") + ")")
    return Engine("ours", site, "material", pages, OURS_INDEX_PATHS, OURS_SEARCH_URL, seconds, notes)


MATERIAL_HOME = "# 检索测试站点\n\n本站仅用于检索基准测试。\n"


def build_material(workdir: Path, docs: list[Document], *, nav: bool = True) -> Engine:
    """A stock Material site: one ordinary page per report (`# title` + body) under r/, a
    home page, Material's search with `lang: zh` (jieba segments, without the archive's
    dictionary). `nav=False` keeps the report pages out of the navigation (with 10,000 pages a
    default navigation would repeat 10,000 links on every page); they are still built and
    indexed."""
    project = workdir / "material"
    if project.exists():
        shutil.rmtree(project)
    (project / "docs" / "r").mkdir(parents=True)
    width = max(3, len(str(len(docs))))
    pages = {}
    (project / "docs" / "index.md").write_text(MATERIAL_HOME, encoding="utf-8")
    for i, doc in enumerate(docs):
        name = f"{i:0{width}d}"
        meta = yaml.safe_dump({"title": doc.title}, allow_unicode=True, width=1000)
        (project / "docs" / "r" / f"{name}.md").write_text(
            f"---\n{meta}---\n\n# {doc.title}\n\n{doc.body.strip()}\n", encoding="utf-8")
        pages[f"/r/{name}/"] = doc.key
    config = {
        "site_name": "Search benchmark (stock Material)",
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "zh", "font": False},
        "plugins": [{"search": {"lang": "zh"}}],
    }
    if not nav:
        config["nav"] = [{"Home": "index.md"}]
        config["not_in_nav"] = "/r/\n"
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    site = project / "site"
    mkdocs = [str(MKDOCS)] if MKDOCS.exists() else [sys.executable, "-m", "mkdocs"]
    started = time.perf_counter()
    _run(mkdocs + ["build", "--site-dir", str(site)], cwd=project)
    seconds = time.perf_counter() - started
    return Engine("material", site, "material", pages, MATERIAL_INDEX_PATHS, MATERIAL_SEARCH_URL,
                  seconds, [f"{len(pages)} report pages"])


def pagefind_binary() -> Path:
    """`pagefind_extended` 1.5.2 from the npm package @pagefind/linux-x64, installed into
    PAGEFIND_DIR (/tmp by default, never into the repository) when not there yet."""
    if not PAGEFIND_BIN.exists():
        log(f"installing pagefind {PAGEFIND_VERSION} with npm into {PAGEFIND_DIR} …")
        PAGEFIND_DIR.mkdir(parents=True, exist_ok=True)
        if not (PAGEFIND_DIR / "package.json").exists():
            (PAGEFIND_DIR / "package.json").write_text('{"private": true}\n')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", f"pagefind@{PAGEFIND_VERSION}",
                        f"@pagefind/linux-x64@{PAGEFIND_VERSION}"], cwd=PAGEFIND_DIR, check=True,
                       capture_output=True, text=True, timeout=600)
    version = subprocess.run([str(PAGEFIND_BIN), "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    if PAGEFIND_VERSION not in version:
        raise BuildError(f"{PAGEFIND_BIN} is {version!r}, not {PAGEFIND_VERSION}")
    return PAGEFIND_BIN


def build_pagefind(workdir: Path, material: Engine) -> Engine:
    """Pagefind (extended) over a hard-linked copy of the stock Material site. Pagefind reads
    the language from `<html lang="zh">` and indexes each page's `<article>` (the content
    Material's own search indexes, without navigation). Material's search_index.json is
    removed from the copy, so Material's own search does not load beside Pagefind's."""
    binary = pagefind_binary()
    site = workdir / "pagefind-site"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(material.site, site, copy_function=os.link)
    shutil.rmtree(site / "search", ignore_errors=True)
    started = time.perf_counter()
    result = _run([binary, "--site", site, "--root-selector", "article"], cwd=workdir)
    seconds = time.perf_counter() - started
    notes = [line.strip() for line in result.stdout.splitlines()
             if re.search(r"Indexed \d+ (pages|words)", line)]
    return Engine("pagefind", site, "pagefind", dict(material.pages), PAGEFIND_INDEX_PATHS,
                  PAGEFIND_SEARCH_URL, seconds, notes)


def human_bytes(n: float | None) -> str:
    if n is None:
        return "n/a"
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"
