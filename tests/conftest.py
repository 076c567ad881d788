"""Shared fixtures: an app over the fixture posts in tests/fixtures/pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from research_blog import create_app

FIXTURE_PAGES = Path(__file__).parent / "fixtures" / "pages"
PROJECT_ROOT = Path(__file__).parent.parent


def make_app(content_dir: Path = FIXTURE_PAGES, **config):
    return create_app({"TESTING": True, "BLOG_CONTENT_DIR": str(content_dir), **config})


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
