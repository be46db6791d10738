"""Live reload: how long `reform-archive serve` takes to show a report added, edited or removed
while it runs.

    .venv/bin/python benchmarks/serve_reload.py [--reports DIR]   # default: the seed's reports/
    .venv/bin/python benchmarks/serve_reload.py --project DIR     # a project built before, as it is

A copy of the repository's mkdocs.yml, docs/ and the reports (the seed, or a folder that
make_archive.py wrote) is served on a free port. After the first build, one report is added,
then edited, then removed; each time the figure is the wall time from the file's change to
the server answering with the change (the new page there, the edit in it, then a 404), polled
every 50 ms. It includes MkDocs' own wait for the folder to settle before it rebuilds. The
first build's time is printed for context. Before each change the server is left idle for
--settle seconds (default 2: a person adding a report does not do it within a second of the
last page appearing; the server uses that time to make the word cutters a rebuild needs);
--settle 0 makes the changes back to back. Wall time on a shared machine: run it a few times.

With --project, that project folder is served as it is, its `.cache/` and all (a 10,000-report
archive built once, without a cold build at every run); the report it adds is removed at the
end, and the folder is left otherwise as it was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NEW_REPORT = ("---\ntitle: 热河乡卫生院调查\nyear: 2019\nregion: 河北省\n---\n\n"
              "热河乡卫生院的编制与经费调查。\n")
NEW_PAGE = "reports/2019/" + urllib.parse.quote("热河乡卫生院调查") + "/"


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


def _until(check, timeout: float, proc: subprocess.Popen) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if check():
            return time.perf_counter() - started
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited ({proc.returncode})")
        time.sleep(0.05)
    raise TimeoutError(f"not within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=Path, default=REPO / "reports")
    parser.add_argument("--project", type=Path, help="serve this project folder as it is (mkdocs.yml, reports/)")
    parser.add_argument("--port", type=int, help="serve on this port (default: a free one); the pages a "
                        "served site was built with name it, so a project served again on the same "
                        "port reuses them")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--settle", type=float, default=2.0, help="idle seconds before each change (default 2)")
    args = parser.parse_args(argv)

    if args.project is not None:
        work = args.project.resolve()
        if not (work / "mkdocs.yml").is_file() or not (work / "reports").is_dir():
            parser.error(f"{work}: no mkdocs.yml and reports/ there")
    else:
        work = Path(tempfile.mkdtemp(prefix="ra-serve-reload-"))
        shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
        shutil.copytree(REPO / "docs", work / "docs")
        shutil.copytree(args.reports, work / "reports")
    count = sum(1 for _ in (work / "reports").glob("*.md"))
    port = args.port or _free_port()
    base = f"http://127.0.0.1:{port}/"
    log = work / "serve.log" if args.project is None else Path(tempfile.mkstemp(prefix="ra-serve-reload-", suffix=".log")[1])
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reform_archive", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=work, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        first = _until(lambda: _get(base)[0] == 200, args.timeout, proc)
        print(f"serve {count} reports: first build served after {first:.1f} s; {args.settle:g} s idle before each change",
              flush=True)
        report = work / "reports" / "热河乡卫生院调查.md"
        time.sleep(args.settle)
        report.write_text(NEW_REPORT, encoding="utf-8")
        added = _until(lambda: "热河乡卫生院的编制" in _get(base + NEW_PAGE)[1], args.timeout, proc)
        print(f"  a report added:   shown after {added:.2f} s", flush=True)
        time.sleep(args.settle)
        report.write_text(NEW_REPORT + "\n补充：本报告已修订。\n", encoding="utf-8")
        edited = _until(lambda: "本报告已修订" in _get(base + NEW_PAGE)[1], args.timeout, proc)
        print(f"  a report edited:  shown after {edited:.2f} s", flush=True)
        time.sleep(args.settle)
        report.unlink()
        removed = _until(lambda: _get(base + NEW_PAGE)[0] == 404, args.timeout, proc)
        print(f"  a report removed: gone after {removed:.2f} s", flush=True)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if args.project is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            (work / "reports" / "热河乡卫生院调查.md").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
