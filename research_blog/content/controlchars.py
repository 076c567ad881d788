"""Control characters: refused wherever a post's text comes from, each at its line.

A NUL or ``\\x01`` that reaches a page is invisible there and breaks the feed
(XML allows none of them) and the freeze. They arrive written raw in the file
(body or front matter) or as YAML escapes (``"\\0"``, ``"\\x01"``) that only show
up in the parsed values, so both are looked for. Tab, newline and carriage
return are text; the rest of C0, DEL, C1, lone surrogates and U+FFFE/U+FFFF are not.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .problems import Problem, shown

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MOST_PER_FILE = 10  # a file of binary junk gets a few lines, not thousands
# Unicode gives control characters no names; these are the ones an editor or a paste leaves.
_NAMES = {"\x00": "NUL", "\x08": "backspace", "\x0c": "form feed", "\x1b": "ESC", "\x7f": "DEL"}


def describe(character: str) -> str:
    """``U+0001``, with a name where it has a well-known one: ``U+001B (ESC)``."""
    name = _NAMES.get(character) or unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def blanked(text: str) -> str:
    """``text`` with each control character replaced by a space, so the rest can still be read and checked."""
    return CONTROL.sub(" ", text)


def raw_control_problems(text: str, path: str) -> list[Problem]:
    """A problem at the line of each control character written into the file, up to MOST_PER_FILE."""
    problems: list[Problem] = []
    line, counted_to = 1, 0
    for found in CONTROL.finditer(text):
        if len(problems) == MOST_PER_FILE:
            rest = sum(1 for _ in CONTROL.finditer(text, found.start()))
            problems.append(Problem(path, line, f"{rest} more control characters in the file: delete them"))
            break
        line += text.count("\n", counted_to, found.start())
        counted_to = found.start()
        problems.append(Problem(path, line, f"the file holds the control character {describe(found.group())}, "
                                            "which no page or feed can show: delete it"))
    return problems


def _strings(value: Any):
    """Every string inside a front-matter value (lists and mappings of any depth; aliases are refused earlier)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def value_control_problems(meta: dict[Any, Any], lines: dict[str, int], path: str) -> list[Problem]:
    """A problem at a key's line for each front-matter value holding a control character (e.g. a YAML ``"\\0"``)."""
    problems = []
    for key, value in meta.items():
        found = next((m for text in _strings([key, value]) for m in [CONTROL.search(text)] if m), None)
        if found:
            problems.append(Problem(path, lines.get(str(key), 1),
                                    f"{shown(key)} holds the control character {describe(found.group())} "
                                    "(written as a YAML escape such as \"\\0\" or \"\\x01\"): remove it"))
    return problems
