"""Knowing that the content folder changed without looking at every file.

The dev server wants an edit to show on the next request, but statting a
thousand files on every request costs more than serving the page. The
operating system's file events (inotify, through watchdog) say it instead: a
flag is raised when anything under the folder is created, written, moved or
deleted, and the collection re-reads the files only then. Reading a file
raises no flag, so our own scans do not keep the flag up.
"""

from __future__ import annotations

import threading
from pathlib import Path

_CHANGES = frozenset({"created", "modified", "moved", "deleted", "closed"})


class FolderWatch:
    """A flag that file events under ``root`` raise; ``take()`` reads and lowers it."""

    def __init__(self, root: Path):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self._changed = threading.Event()
        self._changed.set()  # nothing has been read yet
        flag = self._changed

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                if event.event_type in _CHANGES:
                    flag.set()

        self._observer = Observer()
        self._observer.daemon = True  # never holds the process open at exit
        self._observer.schedule(Handler(), str(root), recursive=True)
        self._observer.start()

    def take(self) -> bool:
        """Whether anything changed since the last call."""
        if not self._changed.is_set():  # the usual answer, without clear()'s lock
            return False
        self._changed.clear()
        return True

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)


def watch(root: Path) -> FolderWatch | None:
    """A watch on ``root``, or None where the system offers no file events (then the caller scans)."""
    try:
        return FolderWatch(root)
    except (ImportError, OSError):  # no watchdog, or inotify limits reached
        return None
