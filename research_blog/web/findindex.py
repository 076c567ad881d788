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
the words its TeX spells out. Each page is kept in the render cache under a key
of what it is made of (``_record_key``), so after an edit only the edited post's
is made again. The ``pagefind`` binary (PyPI's ``pagefind-bin``) indexes them
all in one run (pagefindrun.py), and the bundle it writes is read back into
memory: a ``Bundle`` of files under one version, the fingerprint of them all. The blog serves the files from memory
under ``/pagefind/<version>/`` with the assets' immutable caching (a new index
is a new version, hence new URLs), and the freeze writes the same files.

One run of the binary rather than Pagefind's Python API: the API's service
answers one request per 0.1 s poll, so adding a thousand posts one by one took
minutes, where the binary indexes the folder on every core in a few seconds
(BENCHMARKS.md). Pagefind's files vary in their bytes from run to run, so a
bundle is kept under a key of the pages it indexed (``bundle_for``): the same
posts keep one version, and its key is worked out without rendering or reading a
body. When and where bundles are built is indexkeeper.py's job.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..content import taxonomy
from ..content.post import Post
from ..render.cache import Unreadable, fingerprint
from ..render.pipeline import disk_cache, render_all, render_key
from . import pagefindrun
from .search import tex_words
from .views import format_date

# What a reader does not read as the post's text: KaTeX's HTML boxes (the math is
# indexed by its TeX words instead), heading permalinks and footnote back links
# (their # and ↩), the references section and citation hover cards (other papers'
# titles), and sidenote copies of footnotes (the footnote itself is indexed).
EXCLUDED = (".katex-html", ".headerlink", ".footnote-backref", ".bibliography", ".cite-card",
            ".sidenote", "[data-pagefind-ignore]")
_MATHML = re.compile(r'<span class="katex-mathml">.*?</span>(?=<span class="katex-html")', re.S)
_TEX = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.S)
EMPTY = "empty"  # the version of the index of a blog with no visible posts (it has no files)


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


_KATEX_HTML = '<span class="katex-html"'
_SPAN_TAG = re.compile(r"<(/?)span\b[^>]*>")


def _without_katex_boxes(body_html: str) -> str:
    """``body_html`` less KaTeX's HTML boxes (each a nest of spans, closed where its depth returns to 0).

    Pagefind skips them anyway (EXCLUDED) but parses them first, and they are
    most of a math-heavy post's bytes: on the benchmark's 1,000 posts the pages
    went from 44 KB to 18 KB each and indexing from 2.1 s to 1.4 s.
    """
    kept, at = [], 0
    while (start := body_html.find(_KATEX_HTML, at)) >= 0:
        depth, end = 0, None
        for tag in _SPAN_TAG.finditer(body_html, start):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        if end is None:  # not closed: leave the rest to Pagefind's EXCLUDED
            break
        kept.append(body_html[at:start])
        at = end
    kept.append(body_html[at:])
    return "".join(kept)


FilterNames = Mapping[str, Mapping[str, str]]  # "category", "tag", "series" -> slug -> the name shown


def filter_names(posts: list[Post]) -> FilterNames:
    """One spelling per category, tag and series, as their pages use it: ``PyTorch`` and ``pytorch`` filter alike."""
    return {"category": taxonomy.categories(posts), "tag": taxonomy.tags(posts), "series": taxonomy.series_names(posts)}


def filter_choices(posts: list[Post]) -> dict[str, list[tuple[str, int]]]:
    """The search page's filter choices: for each filter, its values (as indexed) and how many posts have each.

    Worked out here rather than asked of Pagefind in the browser: the choices are
    in the page before any script runs, and the first query does not wait for
    (or download) Pagefind's filter files.
    """
    names = filter_names(posts)
    counts = {"category": Counter(p.category_slug for p in posts),
              "tag": Counter(slug for p in posts for slug in {tag.slug for tag in p.tags}),
              "series": Counter(p.series_slug for p in posts if p.series_slug)}
    return {kind: sorted(((names[kind][slug], count) for slug, count in counts[kind].items() if slug in names[kind]),
                         key=lambda choice: choice[0].casefold())
            for kind in counts}


def _value(name: str, value: str) -> str:
    """An empty element carrying a meta or filter value in an attribute: its text is then not indexed twice."""
    return f'<span {name}="{html.escape(value)}"></span>'


def filter_values(post: Post, names: FilterNames | None = None) -> list[str]:
    """``post``'s Pagefind filters (``category:Research``, ``tag:PyTorch``, ...).

    ``names`` (``filter_names`` of all the indexed posts) gives each value one
    spelling across posts; without it, the post's own spelling is used.
    """
    def named(kind: str, slug: str, own: str) -> str:
        return f"{kind}:{names[kind].get(slug, own) if names else own}"

    return [named("category", post.category_slug, post.category),
            *(named("tag", tag.slug, tag.name) for tag in post.tags),
            *([named("series", post.series_slug, post.series)] if post.series and post.series_slug else [])]


def record_html(post: Post, names: FilterNames | None = None) -> str:
    """The page Pagefind indexes for ``post``: what its result shows (meta), its filters (see ``filter_values``), and its text."""
    tags = " · ".join(tag.name for tag in post.tags)
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>',
        html.escape(post.title), "</title></head><body data-pagefind-body>",
        # Title matches weigh most; then tags, then the summary (Pagefind's weights run 0-10, text is 1).
        f'<h1 data-pagefind-meta="title" data-pagefind-weight="10">{html.escape(post.title)}</h1>',
        _value("data-pagefind-meta", f"date:{post.date.isoformat()}"),
        _value("data-pagefind-meta", f"shown:{format_date(post.date)}"),
        _value("data-pagefind-meta", f"minutes:{post.reading_minutes}"),
        *(_value("data-pagefind-filter", value) for value in filter_values(post, names)),
        f'<p data-pagefind-weight="5">{html.escape(tags)}</p>' if tags else "",
        f'<p data-pagefind-weight="3">{html.escape(post.category)}</p>',
        f'<p data-pagefind-weight="3">{html.escape(post.summary)}</p>',
        _without_katex_boxes(_math_as_words(post.rendered.html)),
        "</body></html>",
    ]
    return "".join(parts)


_CODE = fingerprint([Path(__file__).read_bytes()])
# The last bundles made in this process, by key: a blog without a disk cache (tests, a
# read-only home) still gets one version for the same posts.
_recent: dict[str, Bundle] = {}
_recent_lock = threading.Lock()


def _record_key(post: Post, names: FilterNames) -> str:
    """What decides ``record_html(post, names)``, without rendering: its fields and its render's key."""
    return fingerprint(["search-record", _CODE, post.slug, post.title, post.date.isoformat(), str(post.reading_minutes),
                        post.summary, post.category, *(tag.name for tag in post.tags), *filter_values(post, names),
                        render_key(post.body, library=post.library)])


def _bundle_key(record_keys: dict[str, str]) -> str:
    try:
        binary = metadata.version("pagefind-bin")
    except metadata.PackageNotFoundError:  # a binary found some other way: its bytes
        binary = fingerprint([pagefindrun.executable().read_bytes()])
    return fingerprint(["search-index", _CODE, binary, *(part for slug in sorted(record_keys)
                                                           for part in (slug, record_keys[slug]))])


_PACKED = b"research-blog search bundle 2\n"  # then a JSON line of the version and each file's name and size, then the files


def _pack(bundle: Bundle) -> bytes:
    """The bundle as one cache entry: its files as they are (Pagefind gzipped them already), after a line naming them."""
    header = json.dumps({"version": bundle.version, "files": [[name, len(data)] for name, data in bundle.files.items()]})
    return b"".join([_PACKED, header.encode("utf-8"), b"\n", *bundle.files.values()])


def _unpack(data: bytes) -> Bundle | None:
    """A bundle as ``_pack`` kept it, or None for anything else (then the posts are indexed again)."""
    if not data.startswith(_PACKED):
        return None
    end = data.find(b"\n", len(_PACKED))
    try:
        header = json.loads(data[len(_PACKED):end])
        files, at = {}, end + 1
        for name, size in header["files"]:
            files[name] = data[at:at + size]
            at += size
        version = header["version"]
    except (ValueError, TypeError, KeyError):
        return None
    return Bundle(version, files) if at == len(data) and version == _version_of(files) else None


def _version_of(files: dict[str, bytes]) -> str:
    return fingerprint(part for name, data in files.items() for part in (name, data))[:12]


def bundle_key(posts: Iterable[Post]) -> str:
    """The key ``bundle_for`` keeps the index of ``posts`` under."""
    posts = list(posts)
    names = filter_names(posts)
    return _bundle_key({post.slug: _record_key(post, names) for post in posts})


def bundle_for(posts: Iterable[Post]) -> Bundle:
    """The index of ``posts``: from the disk cache if these very pages were indexed before, else built.

    Pagefind's output is not byte-for-byte the same from run to run (the order
    inside a filter file varies), so the same posts could get a new version and
    new URLs each time: the cache keeps one, and spares a freeze without body
    changes the indexing. The key is worked out from each page's key, so a
    freeze that finds the bundle neither renders nor reads a post's body.
    """
    posts = list(posts)
    names = filter_names(posts)
    record_keys = {post.slug: _record_key(post, names) for post in posts}
    key = _bundle_key(record_keys)  # = bundle_key(posts)
    with _recent_lock:
        bundle = _recent.get(key)
    if bundle is None:
        kept = disk_cache().get_packed(key)
        bundle = _unpack(kept) if kept is not None else None
        if bundle is None:
            bundle = build_bundle(_records(posts, names, record_keys))
            disk_cache().put_packed(key, _pack(bundle))
    with _recent_lock:
        _recent.pop(key, None)
        _recent[key] = bundle
        while len(_recent) > 2:  # the current index and the one before, as a served blog keeps them
            del _recent[next(iter(_recent))]
    return bundle


def build_bundle(records: Iterable[tuple[str, str]]) -> Bundle:
    """Index ``records`` (slug, ``record_html`` pairs) with one run of the binary; the bundle, read into memory.

    Pagefind's output is kept in the render cache between runs (pagefindrun.py):
    after an edit it writes only the files that changed. No posts, no files:
    Pagefind refuses a folder without pages, and the search page needs no index
    to find nothing.
    """
    records = iter(records)
    first = next(records, None)
    if first is None:
        return Bundle(EMPTY, {})
    cache = disk_cache().folder
    try:
        files = pagefindrun.index_pages(itertools.chain([first], records), EXCLUDED,
                                        cache / "pagefind-output" if cache else None)
    except pagefindrun.PagefindError as error:
        raise SearchIndexError(str(error)) from error
    return Bundle(_version_of(files), files)


def named_by_contents(name: str) -> bool:
    """Whether the bundle's file ``name`` is named after its contents (same name, same bytes, in any index)."""
    return name.startswith(pagefindrun.CHUNK_FOLDERS) or name.endswith(".pf_meta")


def _text(entry: object) -> str:
    if type(entry) is not str:
        raise Unreadable("not a page")
    return entry


def _records(posts: list[Post], names: FilterNames, record_keys: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Each post's ``record_html`` with its slug: kept in the disk cache under its key, made for what is not there.

    After an edit every page is indexed again (Pagefind has no incremental mode):
    reading the kept pages takes a tenth of making them from the renders. They
    come one at a time, to be written out: a thousand posts' pages are 18 MB.
    """
    cache = disk_cache()
    # Every body that is needed: render what is not cached yet on every core first.
    render_all([(post.body, "htmlAndMathml", post.library) for post in posts if not cache.has(record_keys[post.slug])])
    for post in posts:
        record = cache.get(record_keys[post.slug], _text)
        if record is None:
            record = record_html(post, names)
            cache.put(record_keys[post.slug], record)
        yield post.slug, record


def records_of(posts: Iterable[Post]) -> dict[str, str]:
    """Each post's ``record_html``, by slug, as ``bundle_for`` indexes them."""
    posts = list(posts)
    names = filter_names(posts)
    return dict(_records(posts, names, {post.slug: _record_key(post, names) for post in posts}))
