"""`flask check`: every post validated, every problem as path:line: message."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..state import state
from .batch import as_a_batch_job, problems


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Validate every post; print each problem as path:line: message."""
    with as_a_batch_job(), state().collection.snapshot():
        found = problems()
    for problem in found:
        click.echo(str(problem), err=True)
    if found:
        raise SystemExit(1)
    loaded = state().collection.loaded().posts
    pages = sum(post.is_page for post in loaded)
    count = len(loaded) - pages
    also = f" and {pages} page{'' if pages == 1 else 's'}" if pages else ""
    click.echo(f"OK: {count} post{'' if count == 1 else 's'}{also} in {state().content_dir}, no problems.")
