"""`mkdocs serve` watching the project by the system's file events instead of polling.

MkDocs' live-reload server polls every watched folder twice a second, taking a snapshot of it
(a `stat` of every file). With 10,000 report files that is 20,000 `stat`s a second in Python:
about 40 % of a core for as long as `serve` runs, and, sharing the interpreter with the build,
a rebuild at 10,000 reports took 26 s in `serve` against 17 s from the command line
(py-spy: 38 % of the samples in watchdog's polling emitter). watchdog's native observer
(inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows) is told of changes
instead, at no cost while idle. Only events that change a file count: a native observer also
reports a file opened or read, and every build reads every report (MkDocs' callback takes any
event for a change: a build would start the next one, for ever).

Events do not arrive from every file system (network shares, a Windows drive seen from WSL):
there, the plugin's `watch_polling: true` keeps MkDocs' polling. A native observer that cannot
start here (the system's limit of watches reached) falls back to polling, with a message.
"""

from __future__ import annotations

import logging

log = logging.getLogger("mkdocs.plugins.reform_archive")


def watch_natively(server, folder: str) -> bool:
    """Give MkDocs' `LiveReloadServer` a native observer of the paths it watches so far (before
    `serve()` starts it); False (polling kept) when this MkDocs' server is not the one known,
    or the native observer cannot watch `folder` here."""
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    watched = getattr(server, "_watched_paths", None)
    observer = getattr(server, "observer", None)
    if not isinstance(watched, dict) or not isinstance(observer, PollingObserver) or observer.is_alive():
        return False
    if not _can_watch(Observer, folder):
        log.info("reform-archive: file events cannot be watched here; serve polls for changes instead "
                 "/ 无法监听文件事件，改为轮询")
        return False
    counts = dict(watched)
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = _changes_observer(Observer)
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
    return True


def _changes_observer(native):
    """A native observer whose watches report only the events that change a file."""
    from watchdog.events import (FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent,
                                 FileMovedEvent)

    changes = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent]

    class ChangesObserver(native):
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None, **kwargs):
            return super().schedule(event_handler, path, recursive=recursive,
                                    event_filter=event_filter or changes, **kwargs)

    return ChangesObserver()


def _can_watch(observer_class, folder: str) -> bool:
    from watchdog.events import FileSystemEventHandler

    probe = observer_class()
    try:
        probe.schedule(FileSystemEventHandler(), folder, recursive=True)
        probe.start()
    except OSError:
        return False
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()
    return True
