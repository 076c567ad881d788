"""Run a post's python blocks with the engine's executor (research_blog/commands/executor.py).

Kept for the test suite and for authors used to it: ``python tests/post_code.py pages/ppo.md``
runs the blocks in a fresh process, as `flask --app app execute ppo` does, without
recording anything. The block parser is the engine's (research_blog/content/codecells.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from research_blog.commands.executor import ExecutionFailed, run_post
from research_blog.content.codecells import CodeBlock, python_blocks
from research_blog.content.outputs import Recorded

__all__ = ["CodeBlock", "ExecutionFailed", "python_blocks", "run_blocks"]


def run_blocks(path: Path, timeout: float = 300) -> tuple[Recorded, dict[str, bytes]]:
    """Run one post's blocks as `flask execute` does: its outputs and figures' bytes, nothing written."""
    path = Path(path).resolve()
    with tempfile.TemporaryDirectory() as scratch:
        run = run_post(path, path.parent / "figures", timeout, Path(scratch))
        return run.recorded, {name: drawn.read_bytes() for name, drawn in run.figure_files.items()}


if __name__ == "__main__":
    status = 0
    for post in sys.argv[1:]:
        try:
            print(f"{post}: {len(run_blocks(Path(post))[0].blocks)} python blocks ran")
        except ExecutionFailed as error:
            print(error, file=sys.stderr)
            status = 1
    sys.exit(status)
