"""Run one post's python blocks in a fresh process and record what they showed.

The one executor: `flask execute` records with it, and the test suite
(tests/post_code.py) runs every shipped post through it and compares with what
was recorded. The blocks run as one program, in order, in runblocks.py, started
with this Python, in the post's folder, with matplotlib's non-interactive
backend and a time limit; nothing is written unless every block ran.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..content import codecells, outputs
from ..content.post import display_path

RUNNER = Path(__file__).with_name("runblocks.py")
TRACEBACK_LINES = 12


class ExecutionFailed(Exception):
    """A block raised, or the post ran out of time: ``str()`` is ``path:line: what happened``."""


@dataclass(frozen=True)
class Run:
    recorded: outputs.Recorded
    figure_files: dict[str, Path]  # name under figures/ -> the file drawn, in a temporary folder


def run_post(source: Path, figures_dir: Path, timeout: float, scratch: Path) -> Run:
    """Run the post's runnable blocks; their outputs, with figures drawn into ``scratch``."""
    text = source.read_text(encoding="utf-8")
    blocks = codecells.python_blocks(text)
    runnable = codecells.runnable(blocks)
    shown = display_path(source)
    job = {"blocks": [{"code": b.code, "name": f"{shown}:{b.line}"} for b in runnable], "figures": str(scratch)}
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "BLOG_FIGURES_DIR": str(figures_dir)}
    try:
        done = subprocess.run([sys.executable, str(RUNNER)], input=json.dumps(job), capture_output=True, text=True,
                              cwd=source.parent, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ExecutionFailed(f"{shown}: did not finish in {timeout:g} s (raise BLOG_EXECUTE_TIMEOUT, or make "
                              "the code faster)") from None
    last = done.stdout.strip().rsplit("\n", 1)[-1] if done.stdout.strip() else ""
    try:
        report = json.loads(last)
    except ValueError:
        raise ExecutionFailed(f"{shown}: the code's process ended without a report (exit {done.returncode}): "
                              f"{done.stderr.strip()[-2000:]}") from None
    if "error" in report:
        block = runnable[report["error"]["block"]]
        tail = "\n".join(report["error"]["traceback"].rstrip().split("\n")[-TRACEBACK_LINES:])
        raise ExecutionFailed(f"{shown}:{block.line}: the block raised\n{tail}")
    slug_folder = f"{outputs.FOLDER}/{source.stem}"
    results, files = [], {}
    for block, result in zip(runnable, report["blocks"], strict=True):
        names = []
        for drawn in result["figures"]:
            name = f"{slug_folder}/{drawn}"
            files[name] = scratch / drawn
            names.append(name)
        results.append(outputs.BlockOutput(result["text"], tuple(names), codecells.block_digest(block)))
    return Run(outputs.Recorded(codecells.code_digest(blocks), tuple(results)), files)


def record(source: Path, figures_dir: Path, timeout: float) -> outputs.Recorded:
    """Run the post and write its outputs file and figures (replacing the old ones); raise ExecutionFailed."""
    with tempfile.TemporaryDirectory(prefix="research-blog-execute-") as scratch:
        run = run_post(source, figures_dir, timeout, Path(scratch))
        folder = outputs.figures_folder(figures_dir, source.stem)
        if folder.exists():
            shutil.rmtree(folder)
        for name, drawn in run.figure_files.items():
            (figures_dir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(drawn, figures_dir / name)
    path = outputs.outputs_path(source)
    path.parent.mkdir(exist_ok=True)
    path.write_text(outputs.to_json(run.recorded), encoding="utf-8")
    return run.recorded
