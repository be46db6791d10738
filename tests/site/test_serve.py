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
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


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
