"""The per-app state of a mounted blog, and what a request reads from it.

``Blog.init_app`` (extension.py) puts one :class:`BlogState` in
``app.extensions["research_blog"]``; views, the build and the commands read it
through :func:`state` and ask it for the posts of the moment: re-read when the
files changed, grouped once per generation (content version, day, settings).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app, has_app_context

from .content import taxonomy
from .content.collection import Collection, Loaded, public
from .content.post import Post
from .content.published import Published
from .render.cache import DiskCache

EXTENSION_KEY = "research_blog"


class PageStore(Protocol):
    """What the state holds of the rendered pages: web/pagecache.py's PageCache, made by extension.py."""

    def get(self, generation: Hashable, key: Hashable) -> Any: ...

    def put(self, generation: Hashable, key: Hashable, body: bytes, mimetype: str) -> Any: ...


@dataclass
class BlogState:
    collection: Collection
    content_dir: Path
    render_cache: DiskCache  # BLOG_RENDER_CACHE: this app's renders on disk (or memory only)
    pages: PageStore  # the rendered pages kept in memory
    logged_problems: tuple = ()  # the problems last written to the log, so each is logged once
    warned_no_site_url: bool = False
    _published: tuple[tuple, Published] | None = None  # (generation, what readers see in it)

    @property
    def figures_dir(self) -> Path:
        return self.content_dir / "figures"


def render_cache() -> DiskCache | None:
    """The render cache of the app in whose context this runs, if a blog is mounted on it.

    The render stage asks this (render.pipeline.find_disk_cache_with): each app
    keeps its renders in its own BLOG_RENDER_CACHE, two apps in one process included.
    """
    if not has_app_context():
        return None
    blog = current_app.extensions.get(EXTENSION_KEY)
    return blog.render_cache if blog is not None else None


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
