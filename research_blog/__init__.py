"""Research Blog: a Flask blog engine for long technical posts.

``create_app()`` builds the standalone site; ``Blog`` mounts the same blog on a
Flask application you already have.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import StrictUndefined

from . import settings, settings_file
from .content.shipped import shipped_dir
from .extension import Blog
from .web.security import add_security_headers

__all__ = ["Blog", "create_app"]


def create_app(config: Mapping[str, Any] | None = None, settings_path: str | Path | None = None) -> Flask:
    """The standalone blog: defaults, ``blog.toml``, the environment (``FLASK_*``, ``BLOG_*``), then ``config``.

    ``settings_path`` names the settings file; by default ``blog.toml`` in the current
    folder is read when there is one (``research-blog init`` writes an ``app.py`` that
    names the one beside it).
    """
    # No app-level static folder: the blog serves its own assets under /assets/.
    app = Flask(__name__, static_folder=None)
    app.config["BLOG_CONTENT_DIR"] = str(default_content_dir())
    path = Path(settings_path).resolve() if settings_path is not None else settings_file.default_path()
    if settings_path is not None and not path.is_file():
        raise settings_file.SettingsFileError(f"{path}: no such settings file; create it (`research-blog init` "
                                              f"writes a commented one) or leave settings_path out")
    settings_file.load_into(app.config, path)
    app.config.from_prefixed_env()
    # BLOG_SHOW_DRAFTS=true as well as FLASK_BLOG_SHOW_DRAFTS=true, each value typed by its setting.
    app.config.update(settings.environment_layer())
    if config:
        app.config.from_mapping(config)
    # A missing template variable is a bug: fail loudly instead of printing nothing.
    app.jinja_env.undefined = StrictUndefined
    Blog(app)

    from .web.views import not_found

    app.register_error_handler(404, not_found)
    app.after_request(add_security_headers)
    return app


def default_content_dir() -> Path:
    """The current directory's ``pages/`` if there is one (the writer's own), else the shipped demo posts."""
    here = Path.cwd() / "pages"
    return here if here.is_dir() else shipped_dir("pages")
