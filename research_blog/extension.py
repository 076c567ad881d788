"""The Blog extension: mounts the whole blog on any Flask app.

All per-application state lives in ``app.extensions["research_blog"]``, never on
the extension object, so one ``Blog()`` can serve several apps. Each app gets its
own named FlatPages instance: FlatPages caches pages on the instance, and a
shared one would serve the first app's pages to the second.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from . import settings, state
from .commands.check import check_command
from .commands.execute import execute_command
from .commands.freeze import freeze_command
from .commands.new import new_command
from .content.collection import Collection
from .content.pagefiles import BlogPages
from .render import cache, katex, pipeline
from .state import EXTENSION_KEY, BlogState
from .web import assets, livereload, reader_views  # noqa: F401 - its routes (search, series feeds, cards) join the blueprint
from .web.pagecache import PageCache
from .web.security import relative_redirects
from .web.views import blueprint


class ContentFolderError(click.ClickException, RuntimeError):
    """BLOG_CONTENT_DIR does not name a folder; the message says which and what to do.

    A ClickException, so every ``flask`` command prints it as one line, not a traceback.
    """


def _noop_renderer(body: str) -> str:
    # FlatPages wants a renderer; ours lives in pipeline.py and is called by Post.
    return body


class Blog:
    """Flask extension: ``Blog(app)`` or ``blog = Blog(); blog.init_app(app)``."""

    def __init__(self, app: Flask | None = None):
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        settings.apply_defaults(app.config)
        settings.validate(app.config)
        content_dir = content_dir_of(app)
        if "py_mini_racer" in sys.modules:
            # The host runs JavaScript itself: V8 gets the flags KaTeX needs before its first context.
            katex.init_v8()
        # Renders are looked up in the cache of whichever app is at work (two may differ).
        pipeline.find_disk_cache_with(state.render_cache)
        prefix = f"FLATPAGES_{EXTENSION_KEY.upper()}_"
        # Absolute root: FlatPages would resolve a relative one against the host app.
        app.config.setdefault(prefix + "ROOT", str(content_dir))
        app.config.setdefault(prefix + "EXTENSION", ".md")
        app.config.setdefault(prefix + "HTML_RENDERER", _noop_renderer)
        # We decide when to re-read files (collection.py); FlatPages' own
        # "if debug" reload goes through a deprecated attribute.
        app.config.setdefault(prefix + "AUTO_RELOAD", False)
        pages = BlogPages(app, name=EXTENSION_KEY)
        app.extensions[EXTENSION_KEY] = BlogState(
            Collection(pages, content_dir, max_bytes=int(app.config["BLOG_MAX_POST_KB"]) * 1024,
                       max_output_bytes=int(app.config["BLOG_NOTEBOOK_OUTPUT_MB"] * 1024 * 1024)), content_dir,
            render_cache=cache.DiskCache(render_cache_folder(app.config["BLOG_RENDER_CACHE"])),
            pages=PageCache(int(app.config["BLOG_PAGE_CACHE_MB"]) * 1024 * 1024))

        app.register_blueprint(blueprint, url_prefix=app.config["BLOG_URL_PREFIX"] or None)
        app.after_request(relative_redirects)
        app.cli.add_command(check_command)
        app.cli.add_command(execute_command)
        app.cli.add_command(freeze_command)
        app.cli.add_command(new_command)
        # Only with --debug: everything a page is made from, but the render cache if it lies in there.
        livereload.install(app, [content_dir, Path(blueprint.template_folder), assets.static_dir(),
                                 *([Path(app.root_path, app.template_folder)] if app.template_folder else [])],
                           ignored=[folder for folder in [render_cache_folder(app.config["BLOG_RENDER_CACHE"])] if folder])


def render_cache_folder(setting: str | Path | None) -> Path | None:
    if not setting:
        return None
    return cache.default_folder() if setting == "default" else Path(setting).expanduser().resolve()


def content_dir_of(app: Flask) -> Path:
    """BLOG_CONTENT_DIR as an absolute folder; by default ``pages/`` beside the app."""
    configured = app.config.setdefault("BLOG_CONTENT_DIR", str(Path(app.root_path) / "pages"))
    folder = Path(configured).expanduser().resolve()
    if not folder.is_dir():
        raise ContentFolderError(
            f"BLOG_CONTENT_DIR is {folder}, which is not a folder: create it and put your .md posts in it, "
            f"or set BLOG_CONTENT_DIR (FLASK_BLOG_CONTENT_DIR in the environment) to the folder that holds them"
        )
    return folder


