"""The ``research-blog`` command (also ``python -m research_blog``): verbs that need no blog yet.

The verbs of an existing blog (``check``, ``freeze``, ``new``) are ``flask --app app ...``.
"""

from __future__ import annotations

import click

from . import settings_file
from .commands.init import init_command


@click.group()
@click.pass_context
def main(context: click.Context) -> None:
    """Research Blog: start a blog with `research-blog init DIR`."""
    # The settings live above the commands' stage: init is handed the writer of blog.toml.
    context.obj = {"blog_toml": settings_file.commented_file}


main.add_command(init_command)

if __name__ == "__main__":
    main()
