"""Fixtures for the browser tests: a real build of a copy of the project, served over HTTP on
127.0.0.1, and Debian's Chromium driven by Playwright (sync API).

Nothing is mocked: the site is built by `python -m reform_archive build` in a temporary copy of
mkdocs.yml, docs/ and reports/ (the repository's own reports, never ../shared), and served by
Python's http.server exactly as any static web server would serve it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


@dataclass(frozen=True)
class BuiltSite:
    project: Path   # the copy of the project the site was built from
    site: Path      # the built site
    base_url: str   # e.g. http://127.0.0.1:41234/ (always ends with "/")

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")


def copy_project(dest: Path) -> Path:
    """mkdocs.yml, docs/ and reports/ of the repository, copied into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for name in ("docs", "reports"):
        shutil.copytree(REPO / name, dest / name)
    return dest


def build_site(project: Path, *options: str, out: Path | None = None) -> Path:
    """`reform-archive build [options]` run in `project`, as a user would run it; what it
    printed is kept in `project/build.log`."""
    out = out or project / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "reform_archive", "build", "--out", str(out), *options],
        cwd=project, env=env, capture_output=True, text=True, timeout=300)
    (project / "build.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    assert result.returncode == 0, (
        f"build failed ({result.returncode})\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    assert (out / "index.html").is_file(), f"no index.html in {out}\n{result.stderr}"
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def serve(directory: Path) -> tuple[ThreadingHTTPServer, threading.Thread, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"http:{directory}", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    return server, thread, f"http://{host}:{port}/"


def _built_and_served(project: Path) -> Iterator[BuiltSite]:
    site = build_site(project)
    server, thread, base_url = serve(site)
    try:
        yield BuiltSite(project, site, base_url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def make_site(tmp_path_factory) -> Iterator:
    """A factory: `make_site(name, {file name: text}, {plugin option: value})` copies the
    project, adds those report files to the copy's reports/ (and options to its reform-archive
    plugin), builds it and serves it; every server is shut down at the end
    of the session."""
    running: list = []

    def make(name: str, extra_reports: dict[str, str] | None = None,
             plugin_options: dict[str, object] | None = None) -> BuiltSite:
        project = copy_project(tmp_path_factory.mktemp(name) / "project")
        if plugin_options:
            config = project / "mkdocs.yml"
            block = "  - reform-archive:\n"
            text = config.read_text(encoding="utf-8")
            assert block in text, "mkdocs.yml has no reform-archive plugin block to add options to"
            options = "".join(f"      {key}: {json.dumps(value)}\n" for key, value in plugin_options.items())
            config.write_text(text.replace(block, block + options), encoding="utf-8")
        for file_name, text in (extra_reports or {}).items():
            (project / "reports" / file_name).write_text(text, encoding="utf-8")
        served = _built_and_served(project)
        site = next(served)
        running.append(served)
        return site

    yield make
    for served in running:
        served.close()  # runs the generator's `finally`: shuts the server down


@pytest.fixture(scope="session")
def built_site(make_site) -> BuiltSite:
    """The repository's site, built once per session from a copy and served on 127.0.0.1."""
    return make_site("browser_project")


@pytest.fixture(scope="session")
def playwright_instance():
    # A failure, not a skip: a machine without the browser must not pass these tests silently.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies, no storage) and page per test, at a desktop size
    where Material shows the header search field and the sidebars."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def shots_dir() -> Path | None:
    """Where to save screenshots for a person to look at: $BROWSER_SHOTS_DIR, if set (keep it
    outside the repository, e.g. /tmp/shots)."""
    folder = os.environ.get("BROWSER_SHOTS_DIR")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path
