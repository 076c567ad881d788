"""The `flask check` and `flask freeze` commands."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import prepare, warmworker
from .checks import all_problems
from .extension import state


@contextmanager
def _as_a_batch_job() -> Iterator[None]:
    """This process set up for one run over every post (check, freeze), and set back after it."""
    # Forked before the posts are read, it loads the pipeline on the other core meanwhile.
    warmworker.start()
    # A run makes hundreds of thousands of small objects that live to its end (posts,
    # renders, URL tables) and few cycles: collecting every 700 allocations would cost
    # about 70 ms of a 1,000-post freeze and find next to nothing.
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        prepare.stop()  # share cards still being drawn when a freeze failed or was stopped
        warmworker.stop()  # the worker serves one command: a host's process may run more


def _problems(for_freeze: bool = False) -> list:
    blog = state()
    loaded = blog.collection.loaded(max_age=0, patient=False)
    if for_freeze and not loaded.problems:
        # Everything a freeze derives from the posts, made on every core first: the
        # checks below and then the freeze find it all in the caches.
        prepare.prepare_freeze(loaded)
    return all_problems(loaded, blog.figures_dir)


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Validate every post; print each problem as path:line: message."""
    with _as_a_batch_job(), state().collection.snapshot():
        problems = _problems()
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(1)
    count = len(state().collection.loaded().posts)
    click.echo(f"OK: {count} post{'' if count == 1 else 's'} in {state().content_dir}, no problems.")


@click.command("freeze")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Folder to write the static site to (replaced whole on success).")
@click.option("--base-url", default=None,
              help="Where the site will be published, e.g. https://user.github.io/research/ .")
@click.option("--all", "render_all_pages", is_flag=True,
              help="Render every page, reusing none of the last freeze's (after changing a host app's own code).")
@with_appcontext
def freeze_command(out: Path, base_url: str | None, render_all_pages: bool) -> None:
    """Validate the content, then write the whole site as static files."""
    # The posts are read once: what is checked is exactly what is frozen.
    with _as_a_batch_job(), state().collection.snapshot():
        _freeze(out, base_url, render_all_pages)


def _freeze(out: Path, base_url: str | None, render_all_pages: bool) -> None:
    from .freeze import FreezeError, freeze_site

    problems = _problems(for_freeze=True)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"Not frozen: fix the {len(problems)} problem(s) above (`flask check` lists them).", err=True)
        raise SystemExit(1)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    try:
        report = freeze_site(current_app._get_current_object(), out, base_url, progress=click.echo,
                             reuse=not render_all_pages)
    except FreezeError as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(1) from None
    except OSError as error:  # a full or read-only disk: the previous build is untouched
        where = f" ({error.filename})" if error.filename else ""
        click.echo(f"Error: could not write the site: {error.strerror or error}{where}; "
                   f"the previous build in {out} is unchanged", err=True)
        raise SystemExit(1) from None
    click.echo(f"Froze {report.pages} files ({report.bytes / 1024:.0f} KiB) into {report.destination} "
               f"in {report.seconds:.1f} s.")
