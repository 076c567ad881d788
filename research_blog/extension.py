"""The Blog extension: mounts the whole blog on any Flask app.

All per-application state lives in ``app.extensions["research_blog"]``, never on
the extension object, so one ``Blog()`` can serve several apps. Each app gets its
own named FlatPages instance: FlatPages caches pages on the instance, and a
shared one would serve the first app's pages to the second.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app

from . import katex, rendercache, rendering, settings, taxonomy
from .collection import Collection, Loaded, public
from .content import Post
from .pagecache import PageCache
from .pagefiles import BlogPages
from .published import Published
from .security import relative_redirects

EXTENSION_KEY = "research_blog"


class ContentFolderError(click.ClickException, RuntimeError):
    """BLOG_CONTENT_DIR does not name a folder; the message says which and what to do.

    A ClickException, so every ``flask`` command prints it as one line, not a traceback.
    """


@dataclass
class BlogState:
    collection: Collection
    content_dir: Path
    logged_problems: tuple = ()  # the problems last written to the log, so each is logged once
    warned_no_site_url: bool = False
    pages: PageCache = field(default_factory=lambda: PageCache(64 * 1024 * 1024))
    _published: tuple[tuple, Published] | None = None  # (generation, what readers see in it)

    @property
    def figures_dir(self) -> Path:
        return self.content_dir / "figures"


def _noop_renderer(body: str) -> str:
    # FlatPages wants a renderer; ours lives in rendering.py and is called by Post.
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
        rendering.use_disk_cache(render_cache_folder(app.config["BLOG_RENDER_CACHE"]))
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
            Collection(pages, content_dir, max_bytes=int(app.config["BLOG_MAX_POST_KB"]) * 1024), content_dir,
            pages=PageCache(int(app.config["BLOG_PAGE_CACHE_MB"]) * 1024 * 1024))

        from . import reader_views  # noqa: F401 - adds search, series feeds and share cards to the blueprint
        from .cli import check_command, freeze_command
        from .newpost import new_command
        from .views import blueprint

        app.register_blueprint(blueprint, url_prefix=app.config["BLOG_URL_PREFIX"] or None)
        app.after_request(relative_redirects)
        app.cli.add_command(check_command)
        app.cli.add_command(freeze_command)
        app.cli.add_command(new_command)


def render_cache_folder(setting: str | Path | None) -> Path | None:
    if not setting:
        return None
    return rendercache.default_folder() if setting == "default" else Path(setting).expanduser().resolve()


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


def state(app: Flask | None = None) -> BlogState:
    return (app or current_app).extensions[EXTENSION_KEY]


def reload_interval(app: Flask) -> float | None:
    """How old the last look at the content files may be: 0 every request, None never again."""
    setting = app.config["BLOG_AUTO_RELOAD"]
    if setting is None:
        return 0.0 if app.debug else float(app.config["BLOG_RELOAD_SECONDS"])
    return 0.0 if setting else None


def loaded_posts(app: Flask | None = None) -> Loaded:
    """Every valid post and every problem, re-read when the files changed."""
    app = app or current_app._get_current_object()
    return state(app).collection.loaded(max_age=reload_interval(app))


def public_posts() -> list[Post]:
    """The posts readers see, newest first.

    With ``--debug`` broken content raises ContentError, so the writer sees the
    problems at once. In production one bad file must not take the blog down:
    the other posts (and the last good version of the bad one) stay online and
    the problems go to the log, once.
    """
    return published().posts


_day: tuple[dt.date, float] = (dt.date.min, 0.0)  # the local date, and time.time() at its end


def today() -> dt.date:
    """The local date, as ``dt.date.today()``; worked out again once the clock passes midnight."""
    global _day
    now = time.time()
    if now >= _day[1]:
        date = dt.date.fromtimestamp(now)
        _day = (date, dt.datetime.combine(date + dt.timedelta(days=1), dt.time()).timestamp())
    return _day[0]


def generation() -> tuple:
    """What every page depends on besides its URL: the content version, the day, the settings."""
    # Every request asks this first: one look-up of the app, then plain attributes.
    app = current_app._get_current_object()
    loaded = loaded_posts(app)
    if loaded.problems and not app.debug:
        _log_once(loaded)
    config = app.config
    return (state(app).collection.version, today(), config["BLOG_SHOW_DRAFTS"], app.debug,
            config.get("BLOG_SITE_URL"))


def published() -> Published:
    """The posts readers see and their groupings, worked out once per generation."""
    blog, current = state(), generation()
    if blog._published is None or blog._published[0] != current:
        loaded = loaded_posts()
        posts = public(loaded, current[1], current[2], strict=current_app.debug)
        blog._published = (current, Published(posts, taxonomy.series_sizes(loaded.posts)))
    return blog._published[1]


def _log_once(loaded: Loaded) -> None:
    blog = state()
    if blog.logged_problems != loaded.problems:
        blog.logged_problems = loaded.problems
        listing = "\n".join(f"  {problem}" for problem in loaded.problems)
        current_app.logger.error("The blog's content has %d problem(s); serving the last good version of "
                                 "each post meanwhile (`flask check` lists them):\n%s", len(loaded.problems), listing)
