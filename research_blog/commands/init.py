"""`research-blog init DIR`: start a blog of one's own in a new folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .starter import CHOSEN_SETTINGS, files


class FolderNotEmptyError(click.ClickException):
    """init writes only into a new or empty folder, so it never overwrites a file."""


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def init_command(given: dict, folder: Path) -> None:
    """Write a new blog into FOLDER (new or empty): app.py, blog.toml, a welcome post, an About page."""
    if folder.exists() and any(folder.iterdir()):
        raise FolderNotEmptyError(f"{folder} is not empty: init writes only into a new or empty folder, so it "
                                  f"never overwrites a file; pick another name")
    # The blog.toml writer is passed in by research_blog/__main__.py: settings live above this stage.
    written = files(dt.date.today(), given["blog_toml"](CHOSEN_SETTINGS))
    for relative, text in written.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote a new blog into {folder}:")
    for relative in written:
        click.echo(f"  {relative}")
    click.echo(f"\nNext:\n  cd {folder}\n  flask --app app run --debug\nthen open http://127.0.0.1:5000/ "
               f"and edit pages/welcome.md; settings are in blog.toml.")
