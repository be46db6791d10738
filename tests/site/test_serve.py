"""`reform-archive serve`: the live preview picks up a report added while it runs, and its
rebuild reuses what did not change (finished pages, the search index base)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ..conftest import REPO

NEW_REPORT = ("---\ntitle: 热河乡卫生院调查\nyear: 2019\nregion: 河北省\n---\n\n"
              "热河乡卫生院的编制与经费调查。\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def _wait_for(check, timeout: float, what: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        assert proc.poll() is None, f"serve exited ({proc.returncode}):\n{log.read_text()[-3000:]}"
        time.sleep(0.5)
    raise AssertionError(f"{what} not within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def test_serve_picks_up_a_new_report_and_rebuilds_from_the_cache(tmp_path):
    import shutil

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    for name in ("docs", "reports"):
        shutil.copytree(REPO / name, tmp_path / name)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reform_archive", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(lambda: _get(base)[0] == 200, 120, "the first build", proc, log)
        new_page = base + urllib.parse.quote("reports/2019/热河乡卫生院调查/")
        assert _get(new_page)[0] == 404
        (tmp_path / "reports" / "热河乡卫生院调查.md").write_text(NEW_REPORT, encoding="utf-8")
        _wait_for(lambda: "热河乡卫生院的编制" in _get(new_page)[1], 120, "the new report's page", proc, log)
        assert "热河乡卫生院调查" in _get(base + "years/2019/")[1]
        # The rebuild rendered only what the new report changed, and added it to the search
        # index as a delta on the first build's base.
        text = log.read_text(encoding="utf-8")
        assert "(reused, with 1 new and 0 removed)" in text, text[-3000:]
    finally:
        _stop(proc)


def _serve(project: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reform_archive", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, f"http://127.0.0.1:{port}/"


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_serve_after_build_reuses_its_pages_which_name_the_configured_address(tmp_path):
    """MkDocs' `serve` puts the dev server's address in `site_url`, so every page it rendered
    differed from `build`'s (the canonical link, the citation): a `serve` after a `build`
    rendered every page again (minutes at 10,000 reports). Served pages name the site's own
    address, and come from the build's cache."""
    import shutil

    site_url = "https://archive.example.org/reform/"
    (tmp_path / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8")
                                         + f"\nsite_url: {site_url}\n", encoding="utf-8")
    for name in ("docs", "reports"):
        shutil.copytree(REPO / name, tmp_path / name)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    built = subprocess.run([sys.executable, "-m", "reform_archive", "build"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    page = "reports/2016/" + urllib.parse.quote("山东省乡镇机构改革后基本情况") + "/"
    on_disk = (tmp_path / "site" / "reports" / "2016" / "山东省乡镇机构改革后基本情况" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{site_url}{page}">' in on_disk
    log = tmp_path / "serve.log"
    proc, base = _serve(tmp_path, log)
    try:
        _wait_for(lambda: _get(base)[0] == 200, 120, "the first build", proc, log)
        text = log.read_text(encoding="utf-8")
        assert ", 0 rendered" in text, text[-3000:]
        served = _get(base + "reform/" + page)[1]   # served under the site_url's path
        assert f'<link rel="canonical" href="{site_url}{page}">' in served
        assert f'<span class="ra-cite-url">{site_url}reports/2016/山东省乡镇机构改革后基本情况/</span>' in served
        assert "127.0.0.1" not in served.split("<script", 1)[0]   # (the live reload script names it)
    finally:
        _stop(proc)


def test_the_configured_site_url_is_read_as_mkdocs_reads_it(tmp_path):
    from reform_archive.mkdocs_plugin.site_address import configured_site_url

    base = tmp_path / "base.yml"
    base.write_text("site_name: 档案\nsite_url: https://archive.example.org/reform\n", encoding="utf-8")
    child = tmp_path / "mkdocs.yml"
    child.write_text("INHERIT: base.yml\nsite_name: 档案\n", encoding="utf-8")
    assert configured_site_url(str(child)) == "https://archive.example.org/reform/"
    child.write_text("site_name: 档案\n", encoding="utf-8")
    assert configured_site_url(str(child)) is None


def test_only_instant_navigation_needs_the_dev_address_in_serve():
    from reform_archive.theme import needs_served_address

    assert needs_served_address(["navigation.top", "navigation.instant"])
    assert not needs_served_address(["navigation.top", "search.highlight"])


@pytest.mark.parametrize("extra, kept", [("", False), ("\ntheme:\n  name: material\n  features: [navigation.instant]\n", True),
                                         ("\nplugins:\n  - reform-archive:\n      serve_as_built: false\n", True)])
def test_serve_keeps_the_dev_address_only_when_asked_or_needed(tmp_path, extra, kept):
    from mkdocs.config import load_config

    (tmp_path / "docs").mkdir()
    (tmp_path / "reports").mkdir()
    config_file = tmp_path / "mkdocs.yml"
    plugins = "" if "plugins:" in extra else "\nplugins:\n  - reform-archive\n"
    config_file.write_text(f"site_name: 档案\nsite_url: https://archive.example.org/{plugins}{extra}", encoding="utf-8")
    config = load_config(str(config_file))
    plugin = config.plugins["reform-archive"]
    plugin.on_startup(command="serve", dirty=False)
    config.site_url = "http://127.0.0.1:8000/"   # as MkDocs' serve sets it
    try:
        plugin.on_config(config)
    finally:
        plugin.on_shutdown()
    assert config.site_url == ("http://127.0.0.1:8000/" if kept else "https://archive.example.org/")


def test_serve_is_told_of_changes_by_file_events_not_polling(tmp_path):
    """MkDocs polls what it watches twice a second (at 10,000 reports, 40 % of a core and a
    third of every rebuild); the plugin hands the same paths to a native observer."""
    import time

    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers.polling import PollingObserver

    from reform_archive.mkdocs_plugin.watcher import watch_natively

    docs, reports = tmp_path / "docs", tmp_path / "reports"
    docs.mkdir()
    reports.mkdir()
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(docs))
    server.watch(str(reports))
    assert isinstance(server.observer, PollingObserver)
    assert watch_natively(server, str(reports))
    assert not isinstance(server.observer, PollingObserver)
    assert set(server._watched_paths) == {str(docs), str(reports)}
    (reports / "old.md").write_text("旧的。", encoding="utf-8")
    server.observer.start()
    try:
        # A build reads every report: reading is not a change (else each build starts the next).
        time.sleep(0.3)
        server._want_rebuild = False
        for _ in range(3):
            (reports / "old.md").read_text(encoding="utf-8")
        time.sleep(0.5)
        assert not server._want_rebuild
        for folder in (docs, reports):
            server._want_rebuild = False
            (folder / "new.md").write_text("新的。", encoding="utf-8")
            deadline = time.monotonic() + 10
            while not server._want_rebuild and time.monotonic() < deadline:
                time.sleep(0.02)
            assert server._want_rebuild, folder
    finally:
        server.observer.stop()
        server.observer.join()
        server.server_close()
    # Started, or not MkDocs' polling server: left as it is.
    assert not watch_natively(server, str(reports))
