"""Live reload on the dev server: a saved post, .bib, figure, template or stylesheet repaints the open tab.

Only an app in debug mode has it (``flask run --debug``): ``install`` is called
from ``Blog.init_app`` and does nothing otherwise, so a production or embedded
app has no endpoint, no script and no open connection, and ``freeze_site``
switches it off so no frozen page links to it.

Each page then loads ``js/livereload.js``, which keeps one Server-Sent Events
connection to ``/_live-reload/<boot>``. The server holds it open, asleep on a
condition, until file events (watchdog, the kernel's inotify: nothing is polled)
say something under the content folder, the templates or the static files was
written; it then sends ``reload``. A page loaded before the server restarted
(after a change to Python code) reconnects with the old boot id and is told to
reload at once.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, url_for

from ..content.watcher import start_observer, stop_observer, stop_when_gone

EXTENSION_KEY = "research_blog_live_reload"
SCRIPT = "js/livereload.js"  # a static file, but served and frozen only where live reload is on
HEARTBEAT_SECONDS = 15.0  # a comment line now and then: a dead tab's connection is noticed and closed
SETTLE_SECONDS = 0.05  # an editor's save is several writes: answer once they are done

# Files editors write beside the one being saved: vim's swap files and its 4913 probe, backups.
_EDITOR_LITTER = (".swp", ".swx", "~", ".tmp", "4913")

blueprint = Blueprint("research_blog_live_reload", __name__)
# A dev server's endpoint: a freeze (even of a debug app) has nothing to write for it.
LIVE_RELOAD_ENDPOINTS = frozenset({"research_blog_live_reload.events"})


class Changes:
    """A counter that file events under some folders raise; readers sleep until it moves."""

    def __init__(self, folders: Iterable[Path], ignored: Iterable[Path] = ()):
        self.version = 0
        self.enabled = True
        self._moved = threading.Condition()
        self._ignored = tuple(os.fsdecode(folder) + os.sep for folder in ignored)
        # The observer's thread holds the handler; the handler holds this object only weakly,
        # so a dropped app's Changes is collected and its watches stopped (stop_when_gone).
        saw = weakref.WeakMethod(self._saw)
        self._observers = [_observe([folder for folder in dict.fromkeys(folders) if folder.is_dir()],
                                    lambda path: (method := saw()) and method(path))]
        stop_when_gone(self, self._observers)

    def _saw(self, path: str) -> None:
        name = os.path.basename(path)
        if name.startswith(".#") or name.endswith(_EDITOR_LITTER) or path.startswith(self._ignored):
            return
        with self._moved:
            self.version += 1
            self._moved.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        """The version once it differs from ``seen``, or ``seen`` after ``timeout`` seconds."""
        with self._moved:
            self._moved.wait_for(lambda: self.version != seen, timeout=timeout)
        if self.version != seen:
            time.sleep(SETTLE_SECONDS)
        return self.version

    def stop(self) -> None:
        while self._observers:
            stop_observer(self._observers.pop())


def _observe(folders: list[Path], saw) -> object:
    from watchdog import events

    class Handler(events.FileSystemEventHandler):
        def on_any_event(self, event):
            # A folder's "modified" only echoes a file event inside it, which is seen itself.
            if event.event_type not in ("opened", "closed_no_write") and not (
                    event.is_directory and event.event_type == "modified"):
                saw(os.fsdecode(getattr(event, "dest_path", "") or event.src_path))

    def schedule(observer) -> None:
        for folder in folders:
            observer.schedule(Handler(), str(folder), recursive=True)

    return start_observer(schedule)


_BOOT = uuid.uuid4().hex[:12]  # one per server process: a restart gives pages a new one


def install(app: Flask, folders: Iterable[Path], ignored: Iterable[Path] = ()) -> None:
    """Give a debug app live reload; on any other app, do nothing at all."""
    if not app.debug:
        return
    try:
        changes = Changes(folders, ignored)
    except (ImportError, OSError) as error:  # no watchdog, or the system's inotify limits reached
        app.logger.warning("Live reload is off: the files cannot be watched (%s); reload the page by hand", error)
        return
    app.extensions[EXTENSION_KEY] = changes
    app.register_blueprint(blueprint, url_prefix=app.config["BLOG_URL_PREFIX"] or None)


def stop_watching(app: Flask) -> None:
    """Release the file watches of ``app``'s live reload (tests that make many debug apps)."""
    changes = app.extensions.get(EXTENSION_KEY)
    if changes is not None:
        changes.stop()


def switch_off(app: Flask) -> None:
    """No page rendered from now on links to live reload (a freeze of a debug app)."""
    changes = app.extensions.get(EXTENSION_KEY)
    if changes is not None:
        changes.enabled = False


def is_on() -> bool:
    """Whether the app at work has live reload switched on (a debug app, not freezing)."""
    changes = current_app.extensions.get(EXTENSION_KEY)
    return changes is not None and changes.enabled


def script_url() -> str | None:
    """Where pages connect for reload events, or None where live reload is off (the usual case)."""
    if not is_on():
        return None
    return url_for("research_blog_live_reload.events", boot=_BOOT)


@blueprint.route("/_live-reload/<boot>")
def events(boot: str) -> Response:
    """Server-Sent Events: ``reload`` when a watched file changes, or at once for a page of an earlier server."""
    changes: Changes = current_app.extensions[EXTENSION_KEY]
    response = Response(_stream(changes, boot != _BOOT), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    return response


def _stream(changes: Changes, stale: bool) -> Iterator[str]:
    seen = changes.version
    yield "retry: 300\n\n"  # after a restart the browser reconnects within a third of a second
    if stale:
        yield "data: reload\n\n"
        return
    while True:
        now = changes.wait_past(seen, HEARTBEAT_SECONDS)
        if now != seen:
            yield "data: reload\n\n"
            return
        yield ": still here\n\n"
