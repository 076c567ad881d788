"""Recorded outputs: what `flask execute` saw each python block print and draw, shown under it.

A post ``pages/ppo.md`` has its outputs in ``pages/_outputs/ppo.json`` (committed
with the post; JSON with one line of output per list item, so a diff reads like
the output's) and its figures in ``figures/_outputs/ppo/``. The file is keyed by
a digest of the post's runnable code (codecells.code_digest): when the code
changes, the outputs are stale, shown no more, and `check` says to run
`execute` again. Nothing here runs code: serving and freezing show what was
recorded (Quarto's ``freeze``).

Outputs enter the page as Markdown, spliced into the body under each block
(``with_outputs``): text as an ``output`` fence (render/outputblocks.py draws it),
figures as ``![alt](figures/...)`` with a caption block, so they are numbered and
cross-referenced like any figure. The body a post renders from then holds its
outputs, so the render cache and the freeze's reuse digests, keyed by the body,
change when the outputs do.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import codecells
from .post import Post, display_path
from .problems import Problem

FOLDER = "_outputs"  # beside the posts, and under figures/
FORMAT = 1
_BACKTICKS = re.compile(r"`{3,}")


@dataclass(frozen=True)
class BlockOutput:
    text: str
    figures: tuple[str, ...] = ()  # files under the content's figures/ folder
    code: str = ""  # codecells.block_digest of the block that printed it


@dataclass(frozen=True)
class Recorded:
    code_digest: str
    blocks: tuple[BlockOutput, ...]


class OutputsError(ValueError):
    """An outputs file that cannot be read: the message names it and the fix."""


def outputs_path(source: Path) -> Path:
    """Where the outputs of the post at ``source`` are recorded."""
    return source.parent / FOLDER / f"{source.stem}.json"


def figures_folder(figures_dir: Path, slug: str) -> Path:
    return figures_dir / FOLDER / slug


def to_json(recorded: Recorded) -> str:
    """The file's text: stable key order and one output line per list item, for readable diffs."""
    blocks = [{"code": block.code, "lines": block.text.split("\n") if block.text else [], "figures": list(block.figures)}
              for block in recorded.blocks]
    return json.dumps({"format": FORMAT, "code": recorded.code_digest, "blocks": blocks},
                      indent=1, ensure_ascii=False) + "\n"


def read_recorded(path: Path) -> Recorded:
    """The outputs recorded in ``path``; OutputsError if it is not such a file."""
    fix = f"run `flask --app app execute {path.stem}` to record it again"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or not isinstance(data.get("code"), str):
            raise ValueError("not a recorded-outputs file of this version")
        blocks = tuple(BlockOutput("\n".join(_strings(b["lines"])), tuple(_strings(b["figures"])),
                                   _strings([b.get("code", "")])[0]) for b in data["blocks"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise OutputsError(f"{display_path(path)}: unreadable recorded outputs ({error}): {fix}") from None
    return Recorded(data["code"], blocks)


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("expected a list of strings")
    return value


def _fence_for(text: str) -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=2)
    return "`" * max(3, longest + 1)


def _opening_without_own_attributes(line: str) -> str:
    """The fence's opening line less alt=, caption= and #label: they describe the figures, not the code."""
    if "{" not in line:
        return line
    head, _, info = line.partition("{")
    words = [w.group(0) for w in codecells.ATTRIBUTE.finditer(info.rstrip().rstrip("}"))
             if not (w["key"] in codecells.OWN_KEYS or (w["word"] or "").startswith("#"))]
    return f"{head}{{{' '.join(words)}}}"


def _shown_output(block: codecells.CodeBlock, output: BlockOutput, indent: str) -> list[str]:
    """The Markdown lines that show one block's output."""
    shown: list[str] = []
    text = output.text.rstrip("\n")
    if text:
        fence = _fence_for(text)
        shown += ["", f"{fence}output", *text.split("\n"), fence]
    caption = block.attributes.get("caption", "")
    for number, name in enumerate(output.figures):
        alt = (block.attributes.get("alt") or caption or "A figure drawn by the code above").replace("]", "\\]")
        label = f"{{#{block.label}}}" if block.label and number == 0 else ""
        shown += ["", f"![{alt}](figures/{name}){label}"]
        if caption:
            shown += ["", "/// figure-caption", caption, "///"]
    shown.append("")
    return [indent + line if line else line for line in shown]


def with_outputs(body: str, recorded: Recorded | None) -> str:
    """``body`` with each runnable block's recorded output under it (or in its place, for .output-only)."""
    blocks = codecells.python_blocks(body)
    if not blocks:
        return body
    lines = body.split("\n")
    outputs = iter(recorded.blocks if recorded else ())
    pairs = [(block, next(outputs, None) if block.runs else None) for block in blocks]
    for block, output in reversed(pairs):  # from the end, so the earlier blocks' line numbers hold
        start, end = block.line - 1, block.end_line  # the fence's lines are [start, end)
        indent = re.match(r"[ \t]*", lines[start]).group(0)
        code = [_opening_without_own_attributes(lines[start]), *lines[start + 1:end]]
        shown = _shown_output(block, output, indent) if output is not None and block.shows_output else []
        lines[start:end] = (code if block.shows_code or output is None else []) + shown
    return "\n".join(lines)


def recorded_for(source: Path, body: str, slug: str) -> tuple[Recorded | None, Problem | None]:
    """The recorded outputs of the post at ``source`` if they match its code; else None, and the problem."""
    path = outputs_path(source)
    if not path.is_file():
        return None, None
    try:
        recorded = read_recorded(path)
    except OutputsError as error:
        return None, Problem(display_path(path), None, str(error).split(": ", 1)[1])
    blocks = codecells.python_blocks(body)
    if recorded.code_digest != codecells.code_digest(blocks):
        return None, Problem(display_path(source), _first_changed(blocks, recorded), f"outputs of "
                             f"`{display_path(source)}` are stale: run `flask --app app execute {slug}`")
    return recorded, None


def _first_changed(blocks: list[codecells.CodeBlock], recorded: Recorded) -> int | None:
    """The line of the first runnable block whose code is not the code recorded (None: one was removed)."""
    runnable = codecells.runnable(blocks)
    for block, output in zip(runnable, recorded.blocks, strict=False):
        if codecells.block_digest(block) != output.code:
            return block.line
    return runnable[len(recorded.blocks)].line if len(runnable) > len(recorded.blocks) else None


def attach_outputs(posts: list[Post]) -> list[Post]:
    """``posts`` with their recorded outputs spliced into their bodies (stale ones left out)."""
    attached = []
    for post in posts:
        recorded, _ = recorded_for(post.source, post.body, post.slug)
        # Without outputs too: a fence's alt= and caption= are taken out before Markdown sees them.
        body = with_outputs(post.body, recorded)
        attached.append(dataclasses.replace(post, body=body) if body != post.body else post)
    return attached


def output_problems(posts: list[Post]) -> list[Problem]:
    """Stale or unreadable outputs files, for `check` (and so `freeze`).

    Read from the files: a loaded post's body already holds its outputs.
    """
    found = []
    for post in posts:
        try:
            text = post.source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):  # gone since the load: the next load reports it
            continue
        problem = recorded_for(post.source, text, post.slug)[1]
        if problem is not None:
            found.append(problem)
    return found
