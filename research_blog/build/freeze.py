"""Freezing: the whole site as static files, built aside and swapped in whole.

Frozen-Flask requests every URL and writes the responses. It is imported here
only, so a host that embeds the blog never loads it. Where the files go, and
how the previous build and your own files in the folder are kept safe, is
outfolder.py's job.
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask, url_for

from . import outfolder, precompress, prepare
from ..state import generation, state
from .outfolder import MARKER  # noqa: F401 - re-exported: tests and tools look for it
from ..web.livereload import LIVE_RELOAD_ENDPOINTS
from ..web.livereload import switch_off as switch_off_live_reload
from ..web import findindex, indexkeeper
from ..web.pagecache import PageCache
from ..web.reader_views import READER_CONTENT_ENDPOINTS, reader_freeze_urls
from .reuse import Reuse
from ..web.security import netlify_headers
from ..web.urls import external_url
from ..web.views import CONTENT_ENDPOINTS, freeze_urls

ROBOTS = "research_blog.robots"
SEARCH = "research_blog.search"
SEARCH_DIGEST = "search-index "  # then the index's version and the file's name in it
SEARCH_FILE = "research_blog.search_file"  # written by _search_last, not requested: READER_CONTENT_ENDPOINTS excuses it


class FreezeError(Exception):
    """The site could not be frozen; the message says why and what to do."""


@dataclass(frozen=True)
class FreezeReport:
    pages: int
    bytes: int
    seconds: float
    destination: Path


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
        pages: that is not a forgotten URL generator. Nor is an endpoint whose
        files were all reused from the last build. Every other endpoint left
        without a URL still raises MissingURLGeneratorWarning.
        """

        reused_endpoints: set[str] = set()
        skipped_endpoints: set[str] = set()  # left out on purpose (robots.txt off the site's root)

        def _check_endpoints(self, seen_endpoints):
            # Frozen-Flask excuses static endpoints without files only when its own
            # generator, unwrapped, is registered; they are excused here likewise.
            excused = (CONTENT_ENDPOINTS | READER_CONTENT_ENDPOINTS | self.reused_endpoints
                       | self.skipped_endpoints | LIVE_RELOAD_ENDPOINTS | set(self._static_rules_endpoints()))
            super()._check_endpoints(set(seen_endpoints) | excused)

    # Its generators are registered by _freeze_into, wrapped. freeze_urls names every
    # page with arguments, so url_for calls need not be logged (a third of the time).
    return BlogFreezer(app, with_static_files=False, with_no_argument_rules=False, log_url_for=False)


def _once_cards_are_drawn():
    """reader_freeze_urls (share cards, series feeds), after the cards being drawn elsewhere are in."""
    prepare.cards_drawn()
    yield from reader_freeze_urls()


def _search_last(app: Flask, build: Path, to_file: Callable[[str], str],
                 previous: dict[str, tuple[str, str]], digests: dict[str, str]) -> Callable[[], Iterator]:
    """A generator of the search page, the freeze's last URL, that first writes the index's files.

    The index's build started before the first page (indexkeeper.py) and is
    waited for only now. Its files are bytes in memory already: they are written
    straight into ``build``, where a request each through Frozen-Flask took a
    second for a thousand posts' fragments. A file the last build has too is
    linked from there instead, as reuse.py links pages: any file of the same
    index (same version), and after an edit, each file named after its contents
    that the last index had (all fragments but the edited post's).
    """
    script_name = urlsplit(app.config.get("FREEZER_BASE_URL") or "").path.rstrip("/")
    # The last build's index files by their name in the bundle: a fragment, index chunk, filter
    # or metadata file is named after its contents, so one of the same name is the same file.
    last_by_name = {digest.split(" ", 2)[2]: path for digest, path in previous.values()
                    if digest.startswith(SEARCH_DIGEST) and digest.count(" ") >= 2}

    def search_last() -> Iterator:
        try:
            bundle = indexkeeper.keeper(app).bundle(generation(), wait=True)
        except findindex.SearchIndexError as error:
            raise FreezeError(f"{error}; nothing was published") from None
        # Run by Frozen-Flask inside its request context, so url_for gives the URLs it would.
        for name, data in bundle.files.items():
            url = url_for(SEARCH_FILE, version=bundle.version, name=name)[len(script_name):]
            relative = to_file(unquote(url))
            digests[relative] = digest = f"{SEARCH_DIGEST}{bundle.version} {name}"
            path = build / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            same_index = previous.get(relative, ("",))[0] == digest  # the index's version is the digest of its files
            last = (previous[relative][1] if same_index
                    else last_by_name.get(name) if findindex.named_by_contents(name) else None)
            try:
                if last:
                    os.link(last, path)
                    continue
            except OSError:  # another file system, or the file gone: write it
                pass
            path.write_bytes(data)
        yield SEARCH, {}

    return search_last


def _robots_off_the_root(app: Flask, base_url: str | None) -> str | None:
    """Why robots.txt is not written, if the blog is not at the site's root; else None.

    Crawlers read ``/robots.txt`` only: one under ``/blog/`` (an embedded blog) or
    ``/research/`` (a sub-path) would be ignored, and the host site's own file is
    not ours to write.
    """
    with app.test_request_context(base_url=base_url or "http://localhost/"):
        path, sitemap = url_for(ROBOTS), external_url("research_blog.sitemap")
    site_path = urlsplit(base_url or app.config.get("BLOG_SITE_URL") or "/").path
    if path == "/robots.txt" and site_path in ("", "/"):
        return None
    return (f"robots.txt not written: crawlers read it only at the site's root, and the blog's would be at {path}; "
            f"add `Sitemap: {sitemap}` to your site's own robots.txt")


def _without(endpoint: str, generator: Callable[[], Iterable]) -> Callable[[], Iterator]:
    """``generator``, less the URLs of ``endpoint``."""
    def urls() -> Iterator:
        for generated in generator():
            if not (isinstance(generated, tuple) and generated[0] == endpoint):
                yield generated

    urls.__name__ = generator.__name__
    return urls


def _write_extras(app: Flask, root: Path, base_url: str | None) -> None:
    """Files a static host wants that no URL produces: a 404 page and a headers file."""
    # "__404__" can never be a post slug, so this is always our 404 page.
    with app.test_request_context(base_url=base_url):
        missing = url_for("research_blog.post", slug="__404__")
    response = app.test_client().get(missing, base_url=base_url or "http://localhost/")
    (root / "404.html").write_bytes(response.data)
    # Netlify and Cloudflare Pages read _headers: the served site's headers, frozen.
    (root / "_headers").write_text(netlify_headers(), encoding="utf-8")


def _freeze_into(app: Flask, build: Path, base_url: str | None, progress: Callable[[str], None],
                 previous: dict[str, tuple[str, str]], digests: dict[str, str]) -> int:
    from flask_frozen import FrozenFlaskWarning

    app.config.update(FREEZER_DESTINATION=str(build), FREEZER_BASE_URL=base_url, FREEZER_REMOVE_EXTRA_FILES=False)
    if base_url:
        app.config["BLOG_SITE_URL"] = base_url
    freezer = _blog_freezer(app)
    # Pagefind indexes the posts in a process of its own while the pages are written; the
    # search page, which names the index's version, and the index's files are written last.
    keeper = indexkeeper.keeper(app)
    keeper.warm_for_readers = False  # the WebAssembly's .br sibling is precompress.py's, linked between builds
    keeper.bundle(generation())
    reuse = Reuse(app, previous, build, digests, freezer.urlpath_to_filepath)
    freezer.reused_endpoints = reuse.endpoints
    # Frozen-Flask's own generators, then ours, each less the URLs whose files are reused.
    # The share cards come last: the workers of prepare_freeze may still be drawing them.
    no_argument_urls = _without(SEARCH, freezer.no_argument_rules_urls)
    robots_skipped = _robots_off_the_root(app, base_url)
    if robots_skipped:
        no_argument_urls = _without(ROBOTS, no_argument_urls)
        freezer.skipped_endpoints = {ROBOTS}
        progress(f"  {robots_skipped}")
    for generator in (freezer.static_files_urls, no_argument_urls, freeze_urls, _once_cards_are_drawn,
                      _search_last(app, build, freezer.urlpath_to_filepath, previous, digests)):
        freezer.register_generator(reuse.only_changed(generator))
    pages = 0
    with warnings.catch_warnings():
        # A MIME type or URL generator mismatch means a broken static site.
        warnings.simplefilter("error", FrozenFlaskWarning)
        for page in freezer.freeze_yield():
            pages += 1
            progress(f"  {page.url} -> {page.path}")
    if reuse.linked:
        progress(f"  ... and {len(reuse.linked)} files unchanged since the last freeze, reused")
    _write_extras(app, build, base_url)
    return pages + len(reuse.linked) + 1


def freeze_site(app: Flask, out: Path, base_url: str | None = None,
                progress: Callable[[str], None] = lambda line: None, reuse: bool = True) -> FreezeReport:
    """Freeze ``app`` into ``out`` (atomically), with links for ``base_url`` if given.

    ``reuse``: link the files of the last freeze into ``out`` that nothing they
    depend on has changed since (reuse.py) instead of rendering them again.
    """
    out = out.resolve()
    _site_url_or_refuse(app, base_url)
    switch_off_live_reload(app)  # `flask --debug freeze`: a static page has no server to listen to
    started = time.perf_counter()
    try:
        outfolder.check_destination(out, state(app).content_dir)
        with outfolder.exclusive(out):
            outfolder.recover_leftovers(out)
            outfolder.check_destination(out, state(app).content_dir)
            progress(f"Freezing into {out} ...")
            build = outfolder.new_build_folder(out)
            saved = {key: app.config.get(key) for key in ("FREEZER_DESTINATION", "FREEZER_BASE_URL", "BLOG_SITE_URL")}
            previous, digests = outfolder.previous_digests(out) if reuse else {}, {}
            # Each page is requested once: keeping it in the page cache would only cost memory.
            blog, serving_cache = state(app), state(app).pages
            blog.pages = PageCache(0)
            try:
                # One read of the posts for the whole build: edits made meanwhile wait for the next freeze.
                with app.app_context(), blog.collection.snapshot():
                    pages = _freeze_into(app, build, base_url, progress, previous, digests)
                compressed = precompress.write_siblings(build, out if reuse else None)
                if compressed:
                    progress(f"  {compressed} .br and .gz files written beside the text files")
                size = outfolder.finish_and_swap(build, out, digests)
            except ValueError as error:
                shutil.rmtree(build, ignore_errors=True)
                if not str(error).startswith("Unexpected status '404"):
                    raise
                # Frozen-Flask's word for a URL that answered when generated and is gone now.
                raise FreezeError(f"{error}: a file the site needs (a figure?) was moved or deleted during the "
                                  f"freeze; nothing was published, {out} is as it was: freeze again") from None
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)
                raise
            finally:
                app.config.update(saved)
                blog.pages = serving_cache
    except outfolder.OutputFolderError as error:
        raise FreezeError(str(error)) from None
    return FreezeReport(pages, size, time.perf_counter() - started, out)
