"""`flask execute [POST ...]`: run each post's python blocks and record what they print and draw.

Posts are named by slug (or file); none named means every post with runnable
code. Each runs in a fresh process (executor.py) with a BLOG_EXECUTE_TIMEOUT;
a line per post says how it went. A block that raises is reported as
``path:line`` with the traceback's last lines, nothing is recorded for that
post, and the command exits 1 once every named post has had its turn.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..content import codecells
from ..content.notebooks import EXTENSION as NOTEBOOK
from ..content.post import display_path
from ..content.sources import post_paths
from ..state import state
from .executor import ExecutionFailed, record
from .notebookrun import run_notebook


def _chosen_posts(root: Path, names: tuple[str, ...]) -> list[Path]:
    """The posts to run: those named (by slug or file name), or every post with runnable code.

    Notebooks run only when named: re-running one rewrites the file the author edits in Jupyter.
    """
    by_slug = {path.stem: path for path in post_paths(root)}
    if not names:
        return [path for path in by_slug.values() if path.suffix != NOTEBOOK
                and codecells.runnable(codecells.python_blocks(path.read_text(encoding="utf-8")))]
    chosen = []
    for name in names:
        slug = Path(name).stem
        if slug not in by_slug:
            raise click.UsageError(f"no post '{name}' in {root} (name a post by its slug, e.g. "
                                   f"{next(iter(by_slug), 'ppo')})")
        chosen.append(by_slug[slug])
    return chosen


@click.command("execute")
@click.argument("posts", nargs=-1)
@with_appcontext
def execute_command(posts: tuple[str, ...]) -> None:
    """Run the python blocks of POSTS (default: all) and record their outputs beside them."""
    blog = state()
    timeout = float(current_app.config["BLOG_EXECUTE_TIMEOUT"])
    failed = 0
    for source in _chosen_posts(blog.content_dir, posts):
        started = time.perf_counter()
        try:
            if source.suffix == NOTEBOOK:
                summary = f"{run_notebook(source, timeout)} cells ran, outputs saved in the notebook"
            else:
                recorded = record(source, blog.figures_dir, timeout)
                figures = sum(len(block.figures) for block in recorded.blocks)
                summary = f"{len(recorded.blocks)} blocks ran, {figures} figures"
        except ExecutionFailed as error:
            failed += 1
            click.echo(f"{error}\nnothing recorded for {display_path(source)}", err=True)
            continue
        click.echo(f"{display_path(source)}: {summary} ({time.perf_counter() - started:.1f} s)")
    if failed:
        raise SystemExit(1)
