"""Server-side KaTeX: TeX in, HTML + MathML out, with no JavaScript in the page.

KaTeX runs in an embedded V8 (mini-racer). One thread of ours owns the V8
context for its whole life: it creates the context on first use, runs every
render, and closes the context when the interpreter exits. Request threads
(the dev server's, gunicorn's ``--threads``) only hand it work and wait.

Why an owner thread: a V8 context belongs to the thread that made it. Made in a
short-lived request thread and freed from the main thread at exit (or freed by
the garbage collector, whichever thread it runs on), the context is torn down
from the wrong thread, and the process can die with SIGSEGV after everything
else worked. With one owner, creation, use and teardown happen in one place,
in order, and at exit the owner is told to stop and joined before Python
finalises.

Why a V8 flag: on CPUs with memory protection keys (``pku`` in /proc/cpuinfo:
most cloud machines), V8 guards its code pages with a key that only threads
started after V8 itself may use; any older thread that enters V8 later (a test
runner's main thread, a host app's own mini-racer, a second blog's request
thread) dies with SIGSEGV. ``--no-memory-protection-keys`` turns that guard
off. V8 takes flags once per process, so :func:`init_v8` must come before the
first context anyone makes: the engine calls it, and so does ``Blog.init_app``
when the host has mini-racer loaded already.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import threading
from concurrent.futures import Future
from functools import lru_cache
from pathlib import Path

KATEX_JS = Path(__file__).parent.parent / "vendor" / "katex.min.js"

# A wrapper that turns KaTeX's exception into a value: the message of a thrown
# JS error would otherwise arrive with the whole minified bundle attached.
# Commands that need trust (\\href, \\url, \\html..., \\includegraphics) stay
# untrusted; KaTeX would quietly draw them as red text, so refusing one is made
# an error here, which `check` reports like any other bad formula.
_WRAPPER = """
function renderTex(tex, display, output) {
  const refused = [];
  try {
    const html = katex.renderToString(tex, {
      displayMode: display, throwOnError: true, output: output, strict: "ignore",
      trust: (context) => { refused.push(context.command); return false; }});
    if (refused.length) {
      return {error: refused[0] + " is not allowed in math on this blog (it could add links or HTML): " +
                     "write links in Markdown, outside the formula"};
    }
    return {html: html};
  } catch (error) {
    return {error: String(error.message || error)};
  }
}
"""

# How long exit waits for a render in progress before giving up on a clean close.
_CLOSE_TIMEOUT_S = 10


# Added to mini-racer's own defaults; see the module docstring.
V8_FLAGS_ADDED = ("--no-memory-protection-keys",)

_v8_checked = False
_v8_lock = threading.Lock()


def init_v8() -> None:
    """Start V8 for this process with flags under which any thread may enter it. Idempotent.

    If something else started V8 first, its flags stand (V8 takes them once): that
    is logged once, with the fix, since a thread older than V8 may then crash on
    a CPU with memory protection keys.
    """
    global _v8_checked
    with _v8_lock:
        if _v8_checked:
            return
        _v8_checked = True
        from py_mini_racer import DEFAULT_V8_FLAGS, LibAlreadyInitializedError, init_mini_racer

        try:
            init_mini_racer(flags=(*DEFAULT_V8_FLAGS, *V8_FLAGS_ADDED))
        except LibAlreadyInitializedError:
            _warn_v8_started_elsewhere()


def _warn_v8_started_elsewhere() -> None:
    logging.getLogger(__name__).warning(
        "V8 (mini-racer) was started before the blog, so it runs without %s; on a CPU with memory protection "
        "keys a thread older than V8 may crash in it. Call research_blog.render.katex.init_v8() before making your "
        "own MiniRacer, or pass the flag to py_mini_racer.init_mini_racer yourself.", " ".join(V8_FLAGS_ADDED))


class MathError(ValueError):
    """KaTeX could not typeset a formula; the message is KaTeX's."""


class EngineClosed(RuntimeError):
    """A render was asked for after the engine shut down (the process is exiting)."""


_STOP = object()


class _Engine:
    """The owner thread and its queue of (arguments, future) jobs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: queue.SimpleQueue | None = None
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._closed = False
        self._registered = False

    def _ensure_started(self) -> queue.SimpleQueue:
        with self._lock:
            if self._closed:
                raise EngineClosed("the KaTeX engine is closed: the process is exiting")
            # A forked child (e.g. a gunicorn worker of a --preload master) does not
            # inherit the owner thread: it starts its own.
            if self._thread is None or self._pid != os.getpid():
                # Registered before the thread starts: a process that exits while V8 is
                # still loading (start_early, then no formula) must still close it.
                if not self._registered:
                    atexit.register(self.close)
                    self._registered = True
                init_v8()
                self._jobs = queue.SimpleQueue()
                ready: Future = Future()
                self._thread = threading.Thread(target=self._own, args=(self._jobs, ready),
                                                name="katex-engine", daemon=True)
                self._pid = os.getpid()
                self._thread.start()
                ready.result()  # raises if V8 or KaTeX failed to load
            return self._jobs

    @staticmethod
    def _own(jobs: queue.SimpleQueue, ready: Future) -> None:
        from py_mini_racer import MiniRacer

        try:
            context = MiniRacer()
            context.eval(KATEX_JS.read_text(encoding="utf-8"))
            context.eval(_WRAPPER)
        except BaseException as error:  # reported to the thread that asked for the engine
            ready.set_exception(error)
            return
        ready.set_result(None)
        try:
            while (job := jobs.get()) is not _STOP:
                arguments, result = job
                try:
                    result.set_result(context.call("renderTex", *arguments))
                except BaseException as error:
                    result.set_exception(error)
        finally:
            context.close()

    def start_early(self) -> None:
        """Start the engine on a thread of its own and return at once: V8 loads KaTeX while Python works."""
        def start() -> None:
            try:
                self._ensure_started()
            except Exception:  # noqa: S110 - the first render meets the same error and reports it
                pass

        if self._thread is None or self._pid != os.getpid():
            threading.Thread(target=start, name="katex-start", daemon=True).start()

    def render(self, tex: str, display: bool, output: str) -> str:
        result: Future = Future()
        self._ensure_started().put(((tex, display, output), result))
        value = result.result()
        # mini-racer hands back JS objects as mappings (or JSON text in older releases).
        value = json.loads(value) if isinstance(value, str) else dict(value)
        if "error" in value:
            raise MathError(value["error"])
        return value["html"]

    def close(self) -> None:
        """Stop the owner thread; it closes the V8 context itself. Idempotent."""
        with self._lock:
            self._closed = True
            thread, jobs = self._thread, self._jobs
            self._thread = self._jobs = None
        if thread is not None and self._pid == os.getpid():
            jobs.put(_STOP)
            thread.join(_CLOSE_TIMEOUT_S)


_engine = _Engine()


def start_early() -> None:
    """Have KaTeX loaded by the time the first formula comes (loading it takes about 0.1 s)."""
    _engine.start_early()


# KaTeX's output modes: HTML for the eye plus MathML for screen readers (pages),
# or MathML alone (feeds, whose readers have no KaTeX stylesheet).
OUTPUTS = ("htmlAndMathml", "mathml")


# A few thousand formulas: the common ones of a whole blog, in a few MB per process.
@lru_cache(maxsize=2048)
def render(tex: str, display: bool = False, output: str = "htmlAndMathml") -> str:
    """Typeset ``tex`` with KaTeX in one of :data:`OUTPUTS`.

    Raises :class:`MathError` with KaTeX's message when the TeX is invalid.
    Results are cached: the same formula appears in many posts and re-renders.
    """
    if output not in OUTPUTS:
        raise ValueError(f"unknown KaTeX output {output!r}")
    return _engine.render(tex, display, output)
