"""Knowing that the content folder changed without looking at every file.

The dev server wants an edit to show on the next request, but statting a
thousand files on every request costs more than serving the page. The
operating system's file events (inotify, through watchdog) say it instead: a
flag is raised when anything under the folder is created, written, moved or
deleted, and the collection re-reads the files only then. Reading a file
raises no flag, so our own scans do not keep the flag up: the kernel is asked
for write events only, never for opens (a flood of open events from reading
a large tree is what overflows inotify's queue).

A watch follows the folder it was started on, by inode. Deploy scripts, rsync
and ``git checkout`` often replace the content folder whole (``mv pages.new
pages``); the old inode then lives on elsewhere or nowhere. So every look also
compares the folder's inode with the watched one, and starts a new watch on
the folder now at that path when they differ.

Each watch holds one of the kernel's inotify instances, of which a user gets
only 128 (``fs.inotify.max_user_instances``). A watch is therefore stopped
when what it watches for goes away (``stop_when_gone``): an app dropped by a
host, or by a test that makes hundreds of them, gives its instances back.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

_running: set = set()  # the observers started here and not stopped yet
_running_lock = threading.Lock()


def start_observer(schedule: Callable[[object], None]):
    """A started watchdog observer, its watches put on by ``schedule(observer)``."""
    from watchdog.observers import Observer

    observer = Observer()
    observer.daemon = True  # never holds the process open at exit
    schedule(observer)
    observer.start()
    with _running_lock:
        _running.add(observer)
    return observer


def stop_observer(observer, wait: bool = True) -> None:
    """Stop ``observer`` (its inotify instances close as its threads end)."""
    with _running_lock:
        _running.discard(observer)
    observer.stop()
    if wait:
        observer.join(timeout=5)


def stop_when_gone(owner: object, observers: list) -> None:
    """Stop whatever observers ``observers`` holds once ``owner`` is garbage-collected.

    No waiting then: the collector may run in any thread, at any moment.
    """
    weakref.finalize(owner, lambda: [stop_observer(observer, wait=False) for observer in observers])


def running_observers() -> int:
    """How many observers are running: each holds inotify instances, of which there are few."""
    with _running_lock:
        return len(_running)


def _identity(root: Path) -> tuple[int, int] | None:
    """The folder now at ``root`` (device and inode), or None if there is none."""
    try:
        info = os.stat(root)
    except OSError:
        return None
    return info.st_dev, info.st_ino


class FolderWatch:
    """A flag that file events under ``root`` raise; ``take()`` reads and lowers it."""

    def __init__(self, root: Path):
        self._root = root
        self._changed = threading.Event()
        self._changed.set()  # nothing has been read yet
        self._gone = threading.Event()  # the watched folder itself was deleted
        self._observers: list = []  # the one observer, in a list stop_when_gone shares
        self._watched = _identity(root)
        if self._watched is not None:
            self._observers.append(_observe(root, self._changed, self._gone))
        stop_when_gone(self, self._observers)

    def take(self) -> bool:
        """Whether anything changed since the last call."""
        # A folder made after `rm -rf` may get the freed inode back: the deletion tells.
        if self._gone.is_set() or _identity(self._root) != self._watched:
            self._rewatch()
        if not self._changed.is_set():  # the usual answer, without clear()'s lock
            return False
        self._changed.clear()
        return True

    def _rewatch(self) -> None:
        """The folder at ``root`` was replaced (or removed): watch the one there now."""
        self.stop()
        self._gone.clear()
        self._watched = _identity(self._root)
        if self._watched is not None:
            self._observers.append(_observe(self._root, self._changed, self._gone))
        self._changed.set()

    def stop(self) -> None:
        while self._observers:
            stop_observer(self._observers.pop())


def _observe(root: Path, flag: threading.Event, gone: threading.Event):
    """A started watchdog observer that raises ``flag`` on every write event under ``root``
    (and ``gone`` when ``root`` itself is deleted)."""
    from watchdog import events

    watched = os.fsdecode(root)

    class Handler(events.FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type == "deleted" and os.fsdecode(event.src_path) == watched:
                gone.set()
            flag.set()

    writes = [events.FileCreatedEvent, events.DirCreatedEvent, events.FileModifiedEvent, events.DirModifiedEvent,
              events.FileMovedEvent, events.DirMovedEvent, events.FileDeletedEvent, events.DirDeletedEvent,
              events.FileClosedEvent]
    return start_observer(lambda observer: observer.schedule(Handler(), str(root), recursive=True, event_filter=writes))


def watch(root: Path) -> FolderWatch | None:
    """A watch on ``root``, or None where the system offers no file events (then the caller scans)."""
    try:
        return FolderWatch(root)
    except (ImportError, OSError):  # no watchdog, or inotify limits reached
        return None
