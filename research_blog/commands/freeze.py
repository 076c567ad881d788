"""`flask freeze`: the content checked, then the whole site written as static files."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..state import state
from .batch import as_a_batch_job, problems


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
    with as_a_batch_job(), state().collection.snapshot():
        _freeze(out, base_url, render_all_pages)


def _freeze(out: Path, base_url: str | None, render_all_pages: bool) -> None:
    from ..build.freeze import FreezeError, freeze_site

    found = problems(for_freeze=True)
    if found:
        for problem in found:
            click.echo(str(problem), err=True)
        click.echo(f"Not frozen: fix the {len(found)} problem(s) above (`flask check` lists them).", err=True)
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
