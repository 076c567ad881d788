"""The full-text search index: every visible post, indexed by Pagefind into a static bundle.

Pagefind (https://pagefind.app) splits its index into fragments, so a query
downloads only the few kilobytes holding its words, and the browser builds
nothing: its WebAssembly searches the fragments as they arrive. Results carry an
excerpt with the matched words marked and sub-results that link to the heading
the words are under.

Pagefind indexes HTML files. Each post gets one small page written for the
indexer (``record_html``): the title, summary, tags, category and the rendered
body, with what a reader does not read as the post's text left out (KaTeX's
glyph boxes, permalinks, the references list, hover cards) and math replaced by
the words its TeX spells out. The pages go to a temporary folder, the
``pagefind`` binary (PyPI's ``pagefind-bin``) indexes it in one run, and the
bundle it writes is read back into memory: a ``Bundle`` of files under one
version, the fingerprint of them all. The blog serves the files from memory
under ``/pagefind/<version>/`` with the assets' immutable caching (a new index
is a new version, hence new URLs), and the freeze writes the same files.

One run of the binary rather than Pagefind's Python API: the API's service
answers one request per 0.1 s poll, so adding a thousand posts one by one took
minutes, where the binary indexes the folder on every core in a few seconds
(BENCHMARKS.md). Pagefind's files vary in their bytes from run to run, so a
bundle is kept under a key of the pages it indexed (``bundle_for``): the same
posts keep one version. When and where bundles are built is indexkeeper.py's job.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import os
import re
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..content.post import Post
from ..render.cache import fingerprint
from ..render.pipeline import disk_cache, render_all
from .search import tex_words
from .views import format_date

# What a reader does not read as the post's text: KaTeX's HTML boxes (the math is
# indexed by its TeX words instead), heading permalinks and footnote back links
# (their # and ↩), the references section and citation hover cards (other papers'
# titles), and sidenote copies of footnotes (the footnote itself is indexed).
EXCLUDED = (".katex-html", ".headerlink", ".footnote-backref", ".bibliography", ".cite-card",
            ".sidenote", "[data-pagefind-ignore]")
# Only what the blog's own search script loads: pagefind.js, its worker, its WebAssembly
# and the index. Pagefind also writes its ready-made UIs, which the blog does not use,
# and a WebAssembly for pages of no known language, which --force-language en rules out.
_UNUSED = re.compile(r"^(pagefind-(component-)?ui|pagefind-modular-ui|pagefind-highlight|playground|wasm\.unknown\.)")
_MATHML = re.compile(r'<span class="katex-mathml">.*?</span>(?=<span class="katex-html")', re.S)
_TEX = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.S)
EMPTY = "empty"  # the version of the index of a blog with no visible posts (it has no files)
BUILD_SECONDS_LIMIT = 300  # a binary that hangs must not hold a thread (or a freeze) forever


class SearchIndexError(Exception):
    """The index could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class Bundle:
    """Pagefind's files, by path relative to the bundle, and their version."""

    version: str
    files: dict[str, bytes]


def _math_as_words(body_html: str) -> str:
    """Each formula's MathML copy replaced by the words its TeX spells out (``\\operatorname{softmax}`` -> softmax)."""
    def words(found: re.Match) -> str:
        tex = _TEX.search(found.group(0))
        spelled = " ".join(tex_words(html.unescape(tex.group(1)))) if tex else ""
        # A formula of symbols only stays visible as "…" in excerpts: "the gradient is … ." rather than "is .".
        return f"<span>{html.escape(spelled) or '…'}</span>"
    return _MATHML.sub(words, body_html)


def _value(name: str, value: str) -> str:
    """An empty element carrying a meta or filter value in an attribute: its text is then not indexed twice."""
    return f'<span {name}="{html.escape(value)}"></span>'


def record_html(post: Post) -> str:
    """The page Pagefind indexes for ``post``: what its result shows (meta), its filters, and its text."""
    tags = " · ".join(tag.name for tag in post.tags)
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>',
        html.escape(post.title), "</title></head><body data-pagefind-body>",
        # Title matches weigh most; then tags, then the summary (Pagefind's weights run 0-10, text is 1).
        f'<h1 data-pagefind-meta="title" data-pagefind-weight="10">{html.escape(post.title)}</h1>',
        _value("data-pagefind-meta", f"date:{post.date.isoformat()}"),
        _value("data-pagefind-meta", f"shown:{format_date(post.date)}"),
        _value("data-pagefind-meta", f"minutes:{post.reading_minutes}"),
        _value("data-pagefind-filter", f"category:{post.category}"),
        *(_value("data-pagefind-filter", f"tag:{tag.name}") for tag in post.tags),
        *([_value("data-pagefind-filter", f"series:{post.series}")] if post.series else []),
        f'<p data-pagefind-weight="5">{html.escape(tags)}</p>' if tags else "",
        f'<p data-pagefind-weight="3">{html.escape(post.category)}</p>',
        f'<p data-pagefind-weight="3">{html.escape(post.summary)}</p>',
        _math_as_words(post.rendered.html),
        "</body></html>",
    ]
    return "".join(parts)


def executable() -> Path:
    """The ``pagefind`` binary that the ``pagefind-bin`` package installs."""
    try:
        from pagefind_bin import get_executable
    except ImportError as error:
        raise SearchIndexError("the search index needs the pagefind binary: pip install 'pagefind[bin]'") from error
    return Path(get_executable())


_CODE = fingerprint([Path(__file__).read_bytes()])
# The last bundles made in this process, by key: a blog without a disk cache (tests, a
# read-only home) still gets one version for the same posts.
_recent: dict[str, Bundle] = {}
_recent_lock = threading.Lock()


def _bundle_key(records: dict[str, str]) -> str:
    try:
        binary = metadata.version("pagefind-bin")
    except metadata.PackageNotFoundError:  # a binary found some other way: its bytes
        binary = fingerprint([executable().read_bytes()])
    return fingerprint(["search-index", _CODE, binary, *(part for slug in sorted(records)
                                                           for part in (slug, records[slug]))])


def _pack(bundle: Bundle) -> bytes:
    files = [[name, base64.b64encode(data).decode("ascii")] for name, data in bundle.files.items()]
    return zlib.compress(json.dumps({"version": bundle.version, "files": files}).encode("utf-8"), 1)


def _unpack(data: bytes) -> Bundle | None:
    """A bundle as ``_pack`` kept it, or None for anything else (then the posts are indexed again)."""
    try:
        entry = json.loads(zlib.decompress(data))
        files = {name: base64.b64decode(content, validate=True) for name, content in entry["files"]}
        version = entry["version"]
    except (ValueError, TypeError, KeyError, zlib.error, binascii.Error):
        return None
    return Bundle(version, files) if version == _version_of(files) else None


def _version_of(files: dict[str, bytes]) -> str:
    return fingerprint(part for name, data in files.items() for part in (name, data))[:12]


def bundle_for(records: dict[str, str]) -> Bundle:
    """The index of ``records``: from the disk cache if these very pages were indexed before, else built.

    Pagefind's output is not byte-for-byte the same from run to run (the order
    inside a filter file varies), so the same posts could get a new version and
    new URLs each time: the cache keeps one, and spares a freeze without body
    changes the indexing.
    """
    key = _bundle_key(records)
    with _recent_lock:
        bundle = _recent.get(key)
    if bundle is None:
        kept = disk_cache().get_packed(key)
        bundle = _unpack(kept) if kept is not None else None
        if bundle is None:
            bundle = build_bundle(records)
            disk_cache().put_packed(key, _pack(bundle))
    with _recent_lock:
        _recent.pop(key, None)
        _recent[key] = bundle
        while len(_recent) > 2:  # the current index and the one before, as a served blog keeps them
            del _recent[next(iter(_recent))]
    return bundle


def build_bundle(records: dict[str, str]) -> Bundle:
    """Index ``records`` (slug -> ``record_html``) with one run of the binary; the bundle, read into memory.

    No posts, no files: Pagefind refuses a folder without pages, and the search page needs no index to find nothing.
    """
    if not records:
        return Bundle(EMPTY, {})
    with tempfile.TemporaryDirectory(prefix="research-blog-search-") as folder:
        site = Path(folder) / "site"
        for slug, page in records.items():
            (site / slug).mkdir(parents=True)
            (site / slug / "index.html").write_text(page, encoding="utf-8")
        output = Path(folder) / "bundle"
        command = [str(executable()), "--site", str(site), "--output-path", str(output), "--force-language", "en",
                   "--exclude-selectors", ", ".join(EXCLUDED), "--silent"]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=BUILD_SECONDS_LIMIT,
                           stdin=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
        except subprocess.CalledProcessError as error:
            message = (error.stdout + error.stderr).decode(errors="replace").strip()
            raise SearchIndexError(f"pagefind could not index the posts (exit status {error.returncode}): {message}") from error
        except subprocess.TimeoutExpired as error:
            raise SearchIndexError(f"pagefind took over {BUILD_SECONDS_LIMIT} s to index the posts and was stopped") from error
        files = {path.relative_to(output).as_posix(): path.read_bytes()
                 for path in sorted(output.rglob("*")) if path.is_file()}
    files = {name: data for name, data in files.items() if not _UNUSED.match(name)}
    return Bundle(_version_of(files), files)


def records_of(posts: Iterable[Post]) -> dict[str, str]:
    """Each post's ``record_html``, by slug."""
    posts = list(posts)
    # Every body is needed: render what is not cached yet on every core first.
    render_all([(post.body, "htmlAndMathml", post.library) for post in posts])
    return {post.slug: record_html(post) for post in posts}
