"""Research Blog: a Flask blog engine for long technical posts.

``create_app()`` builds the standalone site; ``Blog`` mounts the same blog on a
Flask application you already have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from jinja2 import StrictUndefined

from .extension import Blog
from .security import add_security_headers
from .shipped import shipped_dir

__all__ = ["Blog", "create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The standalone blog: defaults, then FLASK_* environment, then ``config``."""
    # No app-level static folder: the blog serves its own assets under /assets/.
    app = Flask(__name__, static_folder=None)
    # The standalone site serves the posts that ship with the engine unless told otherwise.
    app.config["BLOG_CONTENT_DIR"] = str(shipped_dir("pages"))
    app.config.from_prefixed_env()
    if config:
        app.config.from_mapping(config)
    # A missing template variable is a bug: fail loudly instead of printing nothing.
    app.jinja_env.undefined = StrictUndefined
    Blog(app)

    from .views import not_found

    app.register_error_handler(404, not_found)
    app.after_request(add_security_headers)
    return app
