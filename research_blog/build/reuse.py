"""Which pages of the last freeze can be reused as they are.

Each frozen file gets a digest of everything its bytes depend on; a freeze
whose digest for a file matches the last freeze's (and whose copy of the file
is untouched) links the old file into the new build instead of rendering it.

What a page depends on is kept coarse on purpose, so it cannot be wrong:

* every page: the engine's code, templates and static files, the library
  versions, the URL rules, the settings, and the *listing* of the site, which
  is every visible post's front matter, reading time and place (a new post, a
  changed title or a tag edit therefore rebuilds every page);
* a post page, and the feeds, also: the text of the bodies they show. An edit
  to one post's body rebuilds its page and the feeds it is in, and nothing else;
* a file of the search index: nothing more, since its URL holds the version of
  the whole index (findindex.py), which a changed body changes; the search page,
  which names that version, is always written.
* a copied file (a figure, a host's static file): its bytes. Its size and
  time would miss a file replaced by another of the same size and time (a
  copy that keeps times, an rsync, a checkout), and hashing is cheap beside
  rendering.

A host app's context processors are outside what is seen here: ``flask freeze
--all`` renders every page regardless.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from unicodedata import normalize
from urllib.parse import unquote, urlsplit

from flask import Flask, url_for

from ..web import assets
from ..content.post import Post
from ..state import published, state
from ..web.feeds import FEED_SIZE
from ..render.cache import fingerprint, text_digest
from ..render.pipeline import PIPELINE

_PACKAGE = Path(__file__).parent.parent  # research_blog/: every stage's code
_LIBRARIES = ("flask", "jinja2", "werkzeug", "frozen-flask", "markdown", "pymdown-extensions", "pygments",
              "mini-racer", "feedgen", "pybtex", "pillow")
_URL_SETTINGS = ("SERVER_NAME", "APPLICATION_ROOT", "PREFERRED_URL_SCHEME", "FREEZER_BASE_URL")


def _hash(parts: Iterable[str | bytes]) -> str:
    return fingerprint(parts)[:32]


def _engine(app: Flask) -> list[str | bytes]:
    """The code, templates (the host's overrides included), static files and libraries."""
    code = [path.read_bytes() for path in sorted(_PACKAGE.rglob("*.py"))]
    loader = app.jinja_env.loader
    templates = []
    for name in sorted(loader.list_templates()) if loader else []:
        templates += [name, loader.get_source(app.jinja_env, name)[0]]
    versions = []
    for library in _LIBRARIES:
        try:
            versions.append(f"{library}=={metadata.version(library)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{library} missing")
    return [*code, *templates, *versions, PIPELINE, assets.version()]


def _settings(app: Flask) -> list[str]:
    keys = sorted(key for key in app.config if key.startswith("BLOG_") or key in _URL_SETTINGS)
    rules = sorted(f"{rule.rule} {rule.endpoint}" for rule in app.url_map.iter_rules())
    return [f"{key}={app.config[key]!r}" for key in keys] + rules


def _listing_entry(post: Post) -> str:
    # Everything a page may show of a post but its body: the pages that show a body add its digest.
    return repr((post.slug, post.title, post.date, post.summary, post.category, post.tags, post.series,
                 post.series_part, post.draft, post.updated, post.links, post.bibliography,
                 post.reading_minutes, str(post.source)))


def _body(post: Post) -> str:
    return _hash([text_digest(post.body), post.library.digest])


class PageDigests:
    """Digests of the frozen files of one freeze, by endpoint and URL arguments."""

    def __init__(self, app: Flask):
        with app.app_context():
            self._visible = published()
        self._posts = self._visible.posts
        self._site = _hash([*_engine(app), *_settings(app), *(_listing_entry(post) for post in self._posts)])
        self._figures_dir = state(app).figures_dir
        self._static_folder = Path(app.static_folder) if app.static_folder else None
        self._copied: dict[Path, list[str] | None] = {}  # a figure shown by several posts is read once

    def digest(self, endpoint: str | None, values: dict) -> str | None:
        """The digest of one file, or None for one that is always built anew."""
        shown = self._bodies_shown(endpoint, values)
        if shown is None:
            return None
        return _hash([self._site, endpoint or "", repr(sorted(values.items())), *shown])

    def _bodies_shown(self, endpoint: str | None, values: dict) -> list[str] | None:
        visible = self._visible
        if endpoint == "research_blog.post":
            post = visible.by_slug.get(values.get("slug", ""))
            return [_body(post)] if post else None
        if endpoint == "research_blog.feed":
            return [_body(post) for post in self._posts[:FEED_SIZE]]
        if endpoint == "research_blog.series_feed":
            return [_body(post) for post in visible.series_parts(values.get("name", ""))]
        if endpoint == "research_blog.search":
            return None  # it names the search index's version, which every body decides: always written
        if endpoint == "research_blog.figure":
            return self._file(self._figures_dir / values.get("filename", ""))
        if endpoint == "static" and self._static_folder:
            return self._file(self._static_folder / values.get("filename", ""))
        if endpoint and endpoint.startswith("research_blog."):
            return []  # the listing and the engine decide it
        return None  # a host's own page: what it shows is not known here

    def _file(self, path: Path) -> list[str] | None:
        if path not in self._copied:
            self._copied[path] = _file_digest(path)
        return self._copied[path]


def _file_digest(path: Path) -> list[str] | None:
    """The digest of a copied file's bytes, or None (always built anew) for one that cannot be read."""
    try:
        with open(path, "rb") as handle:
            return [hashlib.file_digest(handle, "sha256").hexdigest()]
    except OSError:  # missing, a folder, unreadable: Frozen-Flask says what is wrong
        return None


class Reuse:
    """Links each unchanged file of the last build into the new one, before Frozen-Flask sees its URL.

    ``previous`` maps a file (relative to the build) to its last digest and the
    file to link; ``chosen`` collects this freeze's digests for the marker.
    Frozen-Flask's URL generators are wrapped with :meth:`only_changed`: a URL
    whose file was linked is not passed on, so Frozen-Flask neither requests
    it nor does its per-file work, and the freeze costs what changed.
    """

    def __init__(self, app: Flask, previous: dict[str, tuple[str, str]], build: Path, chosen: dict[str, str],
                 url_to_file: Callable[[str], str]):
        self._digests = PageDigests(app)
        # A digest names the endpoint, its arguments, the URL rules and settings: the
        # same digest is the same URL, so the same file, and url_for need not be asked.
        self._by_digest = {digest: (relative, path) for relative, (digest, path) in previous.items()}
        self._build, self._chosen = str(build), chosen
        self._url_to_file = url_to_file
        self._script_name = urlsplit(app.config.get("FREEZER_BASE_URL") or "").path.rstrip("/")
        self._made: set[str] = set()  # folders made so far: a post's page and card share one
        self.linked: list[str] = []  # each file reused
        self.endpoints: set[str] = set()  # endpoints of the files reused, for Frozen-Flask's check

    def only_changed(self, generator: Callable[[], Iterable]) -> Callable[[], Iterator]:
        """``generator``, less the URLs whose files were linked from the last build."""
        def changed() -> Iterator:
            # Run by Frozen-Flask inside its request context, so url_for works here.
            for generated in generator():
                if not (isinstance(generated, tuple) and self._linked(*generated[:2])):
                    yield generated

        changed.__name__ = generator.__name__  # Frozen-Flask names a mapping's endpoint after its generator
        return changed

    def _linked(self, endpoint: str, values: dict) -> bool:
        digest = self._digests.digest(endpoint, values)
        if digest is None:
            return False
        last = self._by_digest.get(digest)
        if last is None:
            # Built anew; the marker keeps its digest under the file Frozen-Flask will
            # write for this URL, found the way Frozen-Flask finds it.
            url = url_for(endpoint, **values)[len(self._script_name):]
            self._chosen[normalize("NFC", self._url_to_file(urlsplit(unquote(url)).path))] = digest
            return False
        relative, source = last
        self._chosen[relative] = digest
        path = f"{self._build}/{relative}"
        folder = os.path.dirname(path)
        try:
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
            os.link(source, path)
        except FileExistsError:  # the same URL again: linked once already
            return True
        except OSError:
            return False
        self.linked.append(relative)
        self.endpoints.add(endpoint)
        return True
