"""Server-side KaTeX: TeX in, HTML + MathML out, with no JavaScript in the page.

KaTeX runs in an embedded V8 (mini-racer) that is started once per process, on
first use, and closed at interpreter exit: a V8 isolate left open can keep the
process from exiting. Calls are serialised with a lock because one isolate must
not be entered from two threads at once (the dev server is threaded).
"""

from __future__ import annotations

import atexit
import json
import threading
from functools import lru_cache
from pathlib import Path

from py_mini_racer import MiniRacer

KATEX_JS = Path(__file__).parent / "vendor" / "katex.min.js"

# A wrapper that turns KaTeX's exception into a value: the message of a thrown
# JS error would otherwise arrive with the whole minified bundle attached.
_WRAPPER = """
function renderTex(tex, display, output) {
  try {
    return {html: katex.renderToString(tex, {
      displayMode: display, throwOnError: true, output: output,
      strict: "ignore", trust: false})};
  } catch (error) {
    return {error: String(error.message || error)};
  }
}
"""


class MathError(ValueError):
    """KaTeX could not typeset a formula; the message is KaTeX's."""


class _Engine:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._context: MiniRacer | None = None

    def _started(self) -> MiniRacer:
        if self._context is None:
            context = MiniRacer()
            context.eval(KATEX_JS.read_text(encoding="utf-8"))
            context.eval(_WRAPPER)
            self._context = context
            atexit.register(self.close)
        return self._context

    def render(self, tex: str, display: bool, output: str) -> str:
        with self._lock:
            result = self._started().call("renderTex", tex, display, output)
        # mini-racer hands back JS objects as mappings.
        result = dict(result) if not isinstance(result, str) else json.loads(result)
        if "error" in result:
            raise MathError(result["error"])
        return result["html"]

    def close(self) -> None:
        with self._lock:
            if self._context is not None:
                self._context.close()
                self._context = None


_engine = _Engine()


# KaTeX's output modes: HTML for the eye plus MathML for screen readers (pages),
# or MathML alone (feeds, whose readers have no KaTeX stylesheet).
OUTPUTS = ("htmlAndMathml", "mathml")


@lru_cache(maxsize=8192)
def render(tex: str, display: bool = False, output: str = "htmlAndMathml") -> str:
    """Typeset ``tex`` with KaTeX in one of :data:`OUTPUTS`.

    Raises :class:`MathError` with KaTeX's message when the TeX is invalid.
    Results are cached: the same formula appears in many posts and re-renders.
    """
    if output not in OUTPUTS:
        raise ValueError(f"unknown KaTeX output {output!r}")
    return _engine.render(tex, display, output)
