"""How deeply a Markdown body nests its lists and quotes, measured before Python-Markdown sees it.

Python-Markdown's block parser nests a list inside a list by recursion. Up to
3.11.3 hundreds of levels raised RecursionError (cheaply); 3.11.4 caps the
nesting instead, silently, but takes quadratic time to get there: a list 1,000
levels deep took 2.4 s to render, 3,000 levels 38 s. No writer means either, so
the engine refuses such a body itself, the same way whichever version is
installed, at the line where it happens.

The measure over-counts a little, which is what a guard wants: four columns of
indentation are one level (Python-Markdown's tab length) and each list or quote
marker at the start of a line is another, so ``- - - x`` is three levels.
Fenced code is skipped (its indentation is code, not structure), and so is a
thematic break (``- - - -`` or ``* * *``), which nests nothing.
"""

from __future__ import annotations

import re

MAX_DEPTH = 100  # a real post stays under 10; Python-Markdown's own cap is about 220
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")  # indented too: a fence may sit in a list item
_MARKER = r"[>*+-]|\d{1,9}[.)]"  # a quote, a bullet or an ordered item's number
_LEADING_MARKERS = re.compile(rf"(?:(?:{_MARKER})(?:[ \t]+|$))+")
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$")


def _depth(line: str) -> int:
    stripped = line.lstrip(" \t")
    indent = len(line[: len(line) - len(stripped)].expandtabs(4))
    markers = _LEADING_MARKERS.match(stripped)
    count = len(re.findall(_MARKER, markers.group(0))) if markers else 0
    return indent // 4 + count


def too_deep_line(body: str) -> int | None:
    """The 1-based line of ``body`` where nesting first passes MAX_DEPTH, or None."""
    fence = None
    for number, line in enumerate(body.splitlines(), 1):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
        elif not _RULE.match(line) and _depth(line) > MAX_DEPTH:
            return number
    return None
