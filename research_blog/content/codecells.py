"""The python blocks of a Markdown post: which run, what they show, and a digest of their code.

A block fenced ```` ```python ```` runs. Classes in the fence's braces change that:
``.no-run`` (an excerpt: shown, never run), ``.no-output`` (run, its output not
shown), ``.output-only`` (run, its output shown in place of the code: plotting
code). ``alt="..."``, ``caption="..."`` and ``#fig:label`` describe the figures it
draws. One parser for the executor (commands/execute.py), the recorded outputs
(outputs.py) and the test suite (tests/post_code.py), so they agree on what runs.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")
ATTRIBUTE = re.compile(r'(?P<key>[\w-]+)="(?P<value>[^"]*)"|(?P<word>[.#][^\s}]+)')
NO_RUN, NO_OUTPUT, OUTPUT_ONLY = "no-run", "no-output", "output-only"
# Our own attributes: taken out of the fence before Markdown sees it.
OWN_KEYS = ("alt", "caption")


@dataclass(frozen=True)
class CodeBlock:
    line: int  # 1-based line of the opening fence in the file
    end_line: int  # 1-based line of the closing fence (or the last line, if never closed)
    code: str
    classes: frozenset[str] = frozenset()
    label: str | None = None  # #fig:... for the first figure the block draws
    attributes: dict[str, str] = field(default_factory=dict)  # alt, caption

    @property
    def runs(self) -> bool:
        return NO_RUN not in self.classes

    @property
    def shows_output(self) -> bool:
        return NO_OUTPUT not in self.classes

    @property
    def shows_code(self) -> bool:
        return OUTPUT_ONLY not in self.classes


def _parse_info(info: str) -> tuple[str, frozenset[str], str | None, dict[str, str]]:
    """(language, classes, #label, key="value" attributes) of a fence's info string."""
    info = info.strip()
    if not info.startswith("{"):
        return (info.split()[0] if info else ""), frozenset(), None, {}
    classes, label, attributes = set(), None, {}
    for found in ATTRIBUTE.finditer(info.strip("{} ")):
        if found["key"]:
            attributes[found["key"]] = found["value"]
        elif found["word"].startswith("."):
            classes.add(found["word"][1:])
        else:
            label = found["word"][1:]
    language = "python" if "python" in classes else ""
    return language, frozenset(classes), label, attributes


def python_blocks(source: str) -> list[CodeBlock]:
    """All fenced ``python`` blocks of a Markdown text, in order."""
    blocks: list[CodeBlock] = []
    lines = source.split("\n")
    index = 0
    while index < len(lines):
        opening = _OPEN.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        language, classes, label, attributes = _parse_info(opening["info"])
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        if language == "python":
            body = "\n".join(line[indent:] for line in lines[index + 1 : end])
            blocks.append(CodeBlock(index + 1, min(end, len(lines) - 1) + 1, body, classes, label, attributes))
        index = end + 1
    return blocks


def runnable(blocks: list[CodeBlock]) -> list[CodeBlock]:
    return [block for block in blocks if block.runs]


def block_digest(block: CodeBlock) -> str:
    """One block's code, so `check` can say which block changed."""
    return "sha256:" + hashlib.sha256(block.code.encode()).hexdigest()[:16]


def code_digest(blocks: list[CodeBlock]) -> str:
    """What recorded outputs are keyed by: the runnable code, in order (not the prose, not line numbers)."""
    codes = [block.code for block in runnable(blocks)]
    return "sha256:" + hashlib.sha256(json.dumps(codes).encode()).hexdigest()
