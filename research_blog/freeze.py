"""Freezing: the whole site as static files, built aside and swapped in whole.

Frozen-Flask requests every URL and writes the responses. It is imported here
only, so a host that embeds the blog never loads it. A build goes to a fresh
folder next to the destination; only when every page has been written does it
replace the previous build, so a failed freeze leaves that build untouched.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, url_for

from .views import CONTENT_ENDPOINTS, freeze_urls

# Marks a folder as ours, so a freeze never replaces a folder it did not make.
MARKER = ".research-blog-build"


class FreezeError(Exception):
    """The site could not be frozen; the message says why and what to do."""


@dataclass(frozen=True)
class FreezeReport:
    pages: int
    bytes: int
    seconds: float
    destination: Path


def _check_destination(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise FreezeError(
            f"refusing to replace {out}: it is not empty and was not made by `flask freeze` "
            f"(no {MARKER} file); choose another --out"
        )


def _site_url_or_refuse(app: Flask, base_url: str | None) -> None:
    if not (base_url or app.config.get("BLOG_SITE_URL")):
        raise FreezeError(
            "no site URL: the feed, the sitemap and canonical links need the address the site will be "
            "published at; pass --base-url https://example.org/ (or set BLOG_SITE_URL)"
        )


def _blog_freezer(app: Flask):
    from flask_frozen import Freezer

    class BlogFreezer(Freezer):
        """Frozen-Flask, told that the content decides whether some endpoints have pages.

        A blog with no tags has no tag pages and a folder of drafts has no post
        pages: that is not a forgotten URL generator. Every other endpoint left
        without a URL still raises MissingURLGeneratorWarning.
        """

        def _check_endpoints(self, seen_endpoints):
            super()._check_endpoints(set(seen_endpoints) | CONTENT_ENDPOINTS)

    return BlogFreezer(app, with_static_files=True, with_no_argument_rules=True, log_url_for=True)


def _write_not_found_page(app: Flask, root: Path, base_url: str | None) -> None:
    # "__404__" can never be a post slug, so this is always our 404 page.
    with app.test_request_context(base_url=base_url):
        missing = url_for("research_blog.post", slug="__404__")
    response = app.test_client().get(missing, base_url=base_url or "http://localhost/")
    (root / "404.html").write_bytes(response.data)


def _swap_in(build: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{time.time_ns()}")
        out.rename(old)
    build.rename(out)
    if old is not None:
        shutil.rmtree(old)


def freeze_site(app: Flask, out: Path, base_url: str | None = None,
                progress: Callable[[str], None] = lambda line: None) -> FreezeReport:
    """Freeze ``app`` into ``out`` (atomically), with links for ``base_url`` if given."""
    from flask_frozen import FrozenFlaskWarning

    out = out.resolve()
    _site_url_or_refuse(app, base_url)
    _check_destination(out)
    progress(f"Freezing into {out} ...")
    out.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    started = time.perf_counter()
    saved = {key: app.config.get(key) for key in ("FREEZER_DESTINATION", "FREEZER_BASE_URL", "BLOG_SITE_URL")}
    try:
        app.config.update(FREEZER_DESTINATION=str(build), FREEZER_BASE_URL=base_url,
                          FREEZER_REMOVE_EXTRA_FILES=False)
        if base_url:
            app.config["BLOG_SITE_URL"] = base_url
        freezer = _blog_freezer(app)
        freezer.register_generator(freeze_urls)
        pages = 0
        with warnings.catch_warnings():
            # A MIME type or URL generator mismatch means a broken static site.
            warnings.simplefilter("error", FrozenFlaskWarning)
            for page in freezer.freeze_yield():
                pages += 1
                progress(f"  {page.url} -> {page.path}")
        _write_not_found_page(app, build, base_url)
        (build / MARKER).write_text("Made by `flask freeze`; the next freeze replaces this folder.\n")
        size = sum(f.stat().st_size for f in build.rglob("*") if f.is_file())
        _swap_in(build, out)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    finally:
        app.config.update(saved)
    return FreezeReport(pages + 1, size, time.perf_counter() - started, out)
