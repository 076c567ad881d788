"""One render worker, forked as `flask freeze` or `flask check` starts, ready by the time it is needed.

A process's first render costs about 0.2 s before any post is read: Markdown and
its extensions compile a few hundred regular expressions, Pygments compiles its
lexers and V8 loads KaTeX. A freeze after one edit renders one or two posts, so
that start-up was a tenth of its time. Forked at the start of the command, the
worker does it on the other core while this process reads the posts, and the
few renders go to it (pipeline.render_all). A cold freeze, with hundreds of
renders, uses a pool of spawned workers instead, and this one is stopped.

It is forked only where forking is safe: on Linux, and while this process has
no other thread (a KaTeX engine thread, a host app's scheduler), since a fork
copies only the thread that made it.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from multiprocessing.connection import wait

_pool: ProcessPoolExecutor | None = None
_stop_registered = False  # with atexit, once per process

def worker_setup() -> None:
    """For a worker process (the initializer of both pools): ignore Ctrl+C, and die with the parent.

    Ctrl+C reaches every process of the terminal's group, and the command handles
    it. A parent killed outright (``kill -9``, the OOM killer, a CI timeout) runs
    no shutdown: its workers, each holding about 100 MB, would wait for work
    forever under PID 1. Every multiprocessing child holds a sentinel that becomes
    ready when its parent is gone; a thread waits on it and ends the process.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="parent-watch", daemon=True).start()


def _exit_with(parent_sentinel: int) -> None:
    wait([parent_sentinel])
    os._exit(1)  # nothing to clean up: the parent that wanted the results is gone


def start(warm_up: Callable[[], None]) -> None:
    """Fork the worker and have it run ``warm_up`` (the pipeline's start-up); do nothing where forking is not safe.

    The pipeline passes its own warm-up in: this module runs workers, it does not know what they render.
    """
    global _pool, _stop_registered
    if _pool is not None or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return
    if not _stop_registered:
        atexit.register(stop)
        _stop_registered = True
    _pool = ProcessPoolExecutor(1, mp_context=get_context("fork"), initializer=worker_setup)
    _pool.submit(warm_up)


def pool() -> ProcessPoolExecutor | None:
    """The warm worker, if one was started and is still running."""
    return _pool


def stop() -> None:
    """Let the worker go (idempotent)."""
    global _pool
    if _pool is not None:
        # Waits for the worker to finish what it is doing (its warm-up, at most) and leave:
        # left running, its manager thread races the interpreter's exit, and Python 3.11
        # then prints "Bad file descriptor" from concurrent.futures as the process ends.
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
