"""Extract and run the ``python`` code blocks of a post, in order, like a notebook.

A block fenced as ```` ```python ```` runs. An excerpt that cannot run on its own is
fenced as ```` ```{.python .no-run} ```` (the documented skip marker): it is shown
highlighted like any Python block and skipped here. Every other language is shown only.

Run by hand while writing: ``python tests/post_code.py pages/ppo.md``.
"""

from __future__ import annotations

import re
import sys
import types
from dataclasses import dataclass

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")
_SKIP_CLASS = "no-run"


@dataclass
class CodeBlock:
    line: int  # 1-based line of the opening fence in the file
    code: str
    runs: bool


def _language_and_classes(info: str) -> tuple[str, set[str]]:
    info = info.strip()
    if info.startswith("{"):
        classes = {word[1:] for word in info.strip("{} ").split() if word.startswith(".")}
        language = next(iter(sorted(c for c in classes if c == "python")), "")
        return language, classes
    return (info.split()[0] if info else ""), set()


def python_blocks(source: str) -> list[CodeBlock]:
    """All fenced ``python`` blocks of a Markdown file, in order."""
    blocks: list[CodeBlock] = []
    lines = source.split("\n")
    index = 0
    while index < len(lines):
        opening = _OPEN.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        language, classes = _language_and_classes(opening["info"])
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        if language == "python":
            body = "\n".join(line[indent:] for line in lines[index + 1 : end])
            blocks.append(CodeBlock(index + 1, body, _SKIP_CLASS not in classes))
        index = end + 1
    return blocks


def run_post_code(path: str) -> int:
    """Execute the runnable blocks of one post in a shared namespace; return how many ran."""
    with open(path, encoding="utf-8") as handle:
        blocks = python_blocks(handle.read())
    # A real module, as a notebook's __main__ is: dataclasses and pickling look
    # their class's module up in sys.modules.
    module = types.ModuleType("__post__")
    sys.modules[module.__name__] = module
    ran = 0
    for block in blocks:
        if not block.runs:
            continue
        # dont_inherit: this file's `from __future__` imports must not leak into the post.
        code = compile(block.code, f"{path}:{block.line}", "exec", dont_inherit=True)
        exec(code, module.__dict__)  # noqa: S102
        ran += 1
    return ran


if __name__ == "__main__":
    for post in sys.argv[1:]:
        print(f"{post}: {run_post_code(post)} python blocks ran")
