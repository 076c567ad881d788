"""Shared fixtures: an app over the fixture posts in tests/fixtures/pages."""

from __future__ import annotations

import gc
import os
import shutil
import time
from pathlib import Path

import pytest

from research_blog import create_app
from research_blog.content import watcher
from research_blog.web import assets

FIXTURE_PAGES = Path(__file__).parent / "fixtures" / "pages"
PROJECT_ROOT = Path(__file__).parent.parent


SITE_URL = "https://example.org"
# Where the static files are served: /assets/<version of their content>/...
ASSETS = f"assets/{assets.version()}"


def make_app(content_dir: Path = FIXTURE_PAGES, **config):
    """The blog over ``content_dir``, published at SITE_URL unless ``BLOG_SITE_URL=None`` says it is not known."""
    # Renders stay in memory: a test must not read, or leave, a cache outside its own folders.
    settings = {"TESTING": True, "BLOG_CONTENT_DIR": str(content_dir), "BLOG_SITE_URL": SITE_URL, "BLOG_RENDER_CACHE": None}
    return create_app({**settings, **config})


def write_settled(path: Path, text: str) -> None:
    """Write a file as if saved a while ago: the served blog waits a moment before
    reporting a broken file that was just written (it may be a save in progress)."""
    path.write_text(text, encoding="utf-8")
    past = time.time() - 60
    os.utime(path, (past, past))


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def pages_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture posts, for tests that change files."""
    target = tmp_path / "pages"
    shutil.copytree(FIXTURE_PAGES, target)
    return target


@pytest.fixture(autouse=True)
def _give_back_file_watches():
    """Collect the apps earlier tests dropped once many file watches are open.

    Each served app watches its content folder (and a debug app its templates and
    static files too) with an inotify instance, of which a user has 128; an app's
    watches stop when it is collected (content/watcher.py), but a Flask app is a
    cycle of references that waits for the collector's slowest generation.
    """
    yield
    if watcher.running_observers() > 32:
        gc.collect()

