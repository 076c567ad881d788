"""When the search index is built: in the background, for a served blog and for a freeze alike.

A served or embedded blog must never make a page wait for Pagefind (seconds at a
thousand posts), so the first ask for the index of a generation (content
version, day, settings) starts a thread that builds it, and the search page says
the index is on its way until it is there. The thread is a daemon, started on
a request, never at import or app creation: ``flask freeze`` forks its warm
worker only while no other thread runs (render/warmworker.py), and a daemon does
not hold up a process's exit. A freeze starts the build before it writes any page
and waits for it only to write the search page and the index's files, last:
Pagefind is a process of its own, working on the other core meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from flask import Flask, current_app

from ..render.katex import EngineClosed
from ..state import published
from . import searchfiles
from .findindex import Bundle, SearchIndexError, bundle_for


class IndexKeeper:
    """The served blog's index: built in a background thread for each generation, never while a page waits.

    ``bundle()`` answers at once with the index of the current generation, or
    None while it is being built; the first ask starts the build. The last
    built bundle is kept until the next replaces it, so a page asking for an
    old version's files still gets them (a reader mid-search during an edit).
    """

    def __init__(self, app: Flask):
        self._app = app
        self._lock = threading.Lock()
        self._bundles: dict[str, Bundle] = {}  # by version: the current one and the one before
        self._current: tuple[Hashable, Bundle] | None = None
        self._building: tuple[Hashable, threading.Event] | None = None  # the generation being built, set when done
        self.error: str | None = None
        # A served blog compresses the index's WebAssembly once it is built, before a reader asks
        # (searchfiles.py); a freeze has its own way (precompress.py, linked between builds).
        self.warm_for_readers = True

    def bundle(self, generation: Hashable, wait: bool = False) -> Bundle | None:
        """The index of ``generation``; None while a background build runs, unless ``wait`` (a freeze).

        The first ask starts the build in a thread; ``wait`` then waits for it
        (or for the one already running), so a freeze can start the index first,
        write its pages while Pagefind works, and ask for the index last.
        """
        with self._lock:
            if self._current and self._current[0] == generation:
                return self._current[1]
            start = self._building is None or self._building[0] != generation
            if start:
                self._building = (generation, threading.Event())
            done = self._building[1]
        if start:
            threading.Thread(target=self._build, args=(generation, done), name="research-blog-search-index",
                             daemon=True).start()
        if not wait:
            return None
        done.wait()
        with self._lock:
            if self._current and self._current[0] == generation:
                return self._current[1]
        raise SearchIndexError(self.error or "the search index could not be built")

    def file(self, version: str, name: str) -> bytes | None:
        """One file of a bundle built here (the current one or the one before), or None."""
        with self._lock:
            bundle = self._bundles.get(version)
        return bundle.files.get(name) if bundle else None

    def _build(self, generation: Hashable, done: threading.Event) -> None:
        try:
            with self._app.app_context():
                built = bundle_for(published().posts)
        except EngineClosed:  # the process is exiting under the build: nothing to report, no one to serve
            built = None
        except Exception as error:  # noqa: BLE001 - a failed index must not take the blog down: it is logged
            self.error = str(error)
            self._app.logger.error("The search index could not be built: %s", error)
            built = None
        with self._lock:
            if built is not None:
                self.error = None
                previous = self._current[1] if self._current else None
                self._bundles = {built.version: built, **({previous.version: previous} if previous else {})}
                self._current = (generation, built)
            if self._building and self._building[1] is done:
                self._building = None  # built, or failed: the next ask tries again
        done.set()
        if built is not None and self.warm_for_readers:
            searchfiles.warm(built)  # after the index is out: no reader waits for this


def keeper(app: Flask | None = None) -> IndexKeeper:
    """The app's IndexKeeper (one per app, the embedding host's when embedded)."""
    app = app or current_app._get_current_object()  # the app itself: the build thread has no context to proxy
    found = app.extensions.get("research_blog_search_index")
    if found is None:
        found = app.extensions.setdefault("research_blog_search_index", IndexKeeper(app))
    return found
