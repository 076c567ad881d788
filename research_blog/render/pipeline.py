"""The Markdown pipeline: one configured renderer, one entry point.

``render_markdown(body)`` turns a post body into HTML, its table of contents and
the math errors found on the way. Results are kept in memory for the life of
the process and on disk across processes (rendercache.py), keyed by the text
and everything else that decides the output, so a post is rendered once per
content version, ever. ``render_many`` fills both caches for many posts at
once, in worker processes (each with its own KaTeX engine) when there are
enough of them to be worth it; the output is the same as a serial run.

Everything in the output is independent of where the blog is mounted: figures
and links to other posts stay relative (``figures/x.svg``, ``../dpo/``), which
resolves correctly served, frozen, under a sub-path and under a prefix.
"""

from __future__ import annotations

import contextvars
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from markdown import Markdown
from pygments.formatters import HtmlFormatter

from . import katex, nesting, warmworker
from .cache import DiskCache, field, fingerprint, pack, string_pairs, strings, text_digest, unpack_as
from .citemarkdown import CitationExtension
from .crossrefs import CrossRefExtension
from .headings import HeadingIdsExtension, slug_of, toc_label
from .mathmarkdown import KatexExtension, fenced_math
from .outputblocks import html_output_fence, output_fence
from .references import EMPTY, Library
from .sidenotes import SidenoteExtension
from .typesetting import TypesettingExtension

# Figures are written ![alt](figures/name.svg): relative to the post's URL.
_FIGURE_SRC = re.compile(r'<img[^>]+src="figures/([^"#?]+)"')
# Links between posts are written relative, as ../slug/ (see README).
_POST_LINK = re.compile(r'<a[^>]+href="\.\./([^/"#?]+)/?(?:#[^"]*)?"')
LIGHT_CODE_STYLE = "default"
DARK_CODE_STYLE = "monokai"


@dataclass(frozen=True)
class TocEntry:
    id: str
    label_html: str  # the heading as typeset (math included), without links
    level: int
    children: tuple[TocEntry, ...]


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...]
    math_errors: tuple[tuple[str, str], ...]  # (tex, KaTeX's message)
    failure: str | None = None  # why the body could not be rendered at all
    reference_errors: tuple[tuple[str, str], ...] = ()  # (source text to find, message): citations, labels
    cited: tuple[str, ...] = ()  # citation keys, in order of first citation


@dataclass(frozen=True)
class RenderFacts:
    """What checks, feeds and the search index need of a render, without its HTML.

    A few hundred bytes where the HTML is tens of kilobytes: a freeze of a
    1,000-post blog reads these for every post and unpacks only the HTML of the
    pages it builds.
    """

    failure: str | None
    math_errors: tuple[tuple[str, str], ...]
    reference_errors: tuple[tuple[str, str], ...]
    cited: tuple[str, ...]
    toc: tuple[TocEntry, ...]
    post_links: tuple[str, ...]  # slugs of the other posts linked as ../<slug>/
    figures: tuple[str, ...]  # files under figures/ shown


# What a reader sees instead of a post Python-Markdown cannot render.
_TOO_DEEP = (f"Markdown nested too deeply to render (lists or quotes more than {nesting.MAX_DEPTH} levels deep, "
             "or a long line of `- - -` before text): flatten it")
_UNRENDERABLE = ('<div class="render-error" role="alert"><p>This post could not be shown: its Markdown is nested '
                 'too deeply to render. The writer has been told (<code>flask check</code>).</p></div>')


def _new_markdown(math_output: str) -> Markdown:
    # Sidenotes and hover cards are for pages; the feed (MathML output), read where
    # our stylesheet is not, keeps plain notes and plain citation links.
    page = math_output != "mathml"
    scholarly = [CrossRefExtension(), CitationExtension(cards=page)] + ([SidenoteExtension()] if page else [])
    return Markdown(
        extensions=[
            KatexExtension(output=math_output),
            HeadingIdsExtension(),
            *scholarly,
            TypesettingExtension(),
            "pymdownx.superfences",
            "pymdownx.highlight",
            "pymdownx.inlinehilite",
            "pymdownx.blocks.caption",
            "pymdownx.tilde",
            "tables",
            "footnotes",
            "admonition",
            "attr_list",
            "md_in_html",
            "toc",
            "smarty",
        ],
        extension_configs={
            "pymdownx.superfences": {
                "custom_fences": [{"name": "math", "class": "math", "format": fenced_math},
                                  {"name": "output", "class": "code-output", "format": output_fence},
                                  {"name": "output-html", "class": "code-output", "format": html_output_fence}]
            },
            "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False,
                                   "pygments_lang_class": True},  # language-python: codeblocks.py labels it
            "toc": {
                "permalink": "#",
                "permalink_title": "Link to this section",
                "slugify": slug_of,
                "toc_depth": "2-3",
            },
            "footnotes": {"BACKLINK_TITLE": "Back to the text"},
            "smarty": {"smart_quotes": False},
        },
        output_format="html",
    )


# Markdown objects hold per-document state, so each thread keeps its own
# (one per math output mode).
_local = threading.local()


def _markdown(math_output: str) -> Markdown:
    cache = _local.__dict__.setdefault("markdowns", {})
    if math_output not in cache:
        cache[math_output] = _new_markdown(math_output)
    return cache[math_output]


def _toc_entries(tokens: list[dict]) -> tuple[TocEntry, ...]:
    return tuple(
        TocEntry(t["id"], toc_label(t["html"]), t["level"], _toc_entries(t["children"])) for t in tokens
    )


def _render(body: str, math_output: str, library: Library = EMPTY) -> Rendered:
    """The pipeline itself, uncached; ``library`` holds the references ``[@key]`` may cite."""
    if nesting.too_deep_line(body):
        return Rendered(_UNRENDERABLE, (), (), failure=_TOO_DEEP)
    md = _markdown(math_output)
    md.reset()
    md.library = library
    try:
        html = md.convert(body)
    except RecursionError:
        # Nesting under nesting.MAX_DEPTH that still exhausts Python-Markdown's
        # recursion (an older release, a smaller stack in a thread). Returned (so
        # cached like any result), never raised: the next request for this text
        # costs nothing, and `check` reports it. The parser is left mid-state
        # (reset() does not clear its block state), so it is replaced.
        _local.markdowns.pop(math_output, None)
        return Rendered(_UNRENDERABLE, (), (), failure=_TOO_DEEP)
    return Rendered(html, _toc_entries(md.toc_tokens), tuple(md.math_errors),
                    reference_errors=tuple(md.labels.errors + md.reference_errors), cited=md.cited)


# Everything besides the text that decides what a render looks like: the code of
# this stage (every module of render/), the vendored KaTeX, and the libraries' versions.
PIPELINE = fingerprint(
    [path.read_bytes() for path in sorted(Path(__file__).parent.glob("*.py"))] + [katex.KATEX_JS.read_bytes()]
    + [version(lib) for lib in ("markdown", "pymdown-extensions", "pygments", "pybtex", "nh3")])
_MEMORY_ONLY = DiskCache(None)


def _no_disk_cache() -> DiskCache | None:
    return None


_find_disk: Callable[[], DiskCache | None] = _no_disk_cache
# Set by disk_cache_in: wins over the app's, for this context (and threads started in it) only.
_chosen: ContextVar[DiskCache | None] = ContextVar("research_blog_disk_cache", default=None)
# Every render is kept in memory packed (compressed JSON: KaTeX's markup shrinks
# about six to one), so a 1,000-post blog's renders take a few MB; the last few
# used are also kept unpacked, for the several reads a page makes of one post.
# Keys are (body, math output, library): the library is hashed by its content.
Key = tuple[str, str, Library]
_packed: dict[Key, bytes] = {}
_unpacked: OrderedDict[Key, Rendered] = OrderedDict()
_UNPACKED_KEPT = 16
_facts: dict[Key, RenderFacts] = {}
_lock = threading.Lock()
# Below this many renders, starting worker processes costs more than it saves.
PARALLEL_FROM = 40


def find_disk_cache_with(finder: Callable[[], DiskCache | None]) -> None:
    """Have ``finder()`` say which disk cache is current (None: memory only).

    Each app keeps its renders in its own folder (BLOG_RENDER_CACHE), and two apps
    may live in one process: the state layer above knows which app is at work,
    so it passes the finder in rather than this stage holding one folder for all.
    """
    global _find_disk
    _find_disk = finder


@contextmanager
def disk_cache_in(folder: Path | None) -> Iterator[DiskCache]:
    """Use ``folder`` as the disk cache in this context (a script or a test with no app; None: memory only)."""
    token = _chosen.set(DiskCache(folder))
    try:
        yield _chosen.get()
    finally:
        _chosen.reset(token)


def disk_cache() -> DiskCache:
    """The disk cache of the app at work, for renders and other derived values (word counts) to share."""
    return _chosen.get() or _find_disk() or _MEMORY_ONLY


def clear_memory_cache() -> None:
    """Forget every render held in memory (the disk cache stays)."""
    with _lock:
        _packed.clear()
        _unpacked.clear()
        _facts.clear()


def forget(bodies: Iterable[str]) -> None:
    """Drop the in-memory renders of texts no post has any more (an edit replaced them)."""
    gone = set(bodies)
    with _lock:
        for cache in (_packed, _unpacked, _facts):
            for key in [key for key in cache if key[0] in gone]:
                del cache[key]


def _disk_key(body: str, math_output: str, library: Library = EMPTY) -> str:
    return fingerprint([PIPELINE, math_output, library.digest, text_digest(body)])


def render_key(body: str, math_output: str = "htmlAndMathml", library: Library = EMPTY) -> str:
    """What decides a render, as a digest: what is made from a render can be kept under it without rendering."""
    return _disk_key(body, math_output, library)


def _unpack(data: bytes) -> Rendered | None:
    """A packed render, or None for data that is not one (damaged, another version's): render again."""
    return unpack_as(data, _rendered_from)


def _rendered_from(entry: Any) -> Rendered:
    """A render as kept (``asdict``), every field checked: anything else raises Unreadable."""
    return Rendered(field(entry, "html", str), _toc_from(field(entry, "toc", list)),
                    string_pairs(field(entry, "math_errors", list)), field(entry, "failure", str, None),
                    string_pairs(field(entry, "reference_errors", list)), strings(field(entry, "cited", list)))


def _facts_from(entry: Any) -> RenderFacts:
    """A render's facts as kept (``asdict``), every field checked: anything else raises Unreadable."""
    return RenderFacts(field(entry, "failure", str, None), string_pairs(field(entry, "math_errors", list)),
                       string_pairs(field(entry, "reference_errors", list)), strings(field(entry, "cited", list)),
                       _toc_from(field(entry, "toc", list)), strings(field(entry, "post_links", list)),
                       strings(field(entry, "figures", list)))


def _toc_from(items: list) -> tuple[TocEntry, ...]:
    return tuple(TocEntry(field(e, "id", str), field(e, "label_html", str), field(e, "level", int),
                          _toc_from(field(e, "children", list))) for e in items)


def _keep(key: Key, rendered: Rendered) -> Rendered:
    """Hold ``rendered`` among the few renders kept unpacked (the packed one is kept by _store_packed)."""
    with _lock:
        _unpacked[key] = rendered
        _unpacked.move_to_end(key)
        while len(_unpacked) > _UNPACKED_KEPT:
            _unpacked.popitem(last=False)
    return rendered


def _store(key: Key, rendered: Rendered) -> Rendered:
    _store_packed(key, pack(asdict(rendered)), _facts_of(rendered))
    return _keep(key, rendered)


def _store_packed(key: Key, data: bytes, facts: RenderFacts) -> None:
    """Keep a packed render and its facts: on disk, or (without a disk cache) in memory.

    With a disk cache, a page read again reads the disk: memory stays flat.
    """
    disk = disk_cache()
    disk.put_packed(_disk_key(*key), data)
    disk.put(_facts_key(key), asdict(facts))
    with _lock:
        _facts[key] = facts
        if disk.folder is None:
            _packed[key] = data


def _facts_key(key: Key) -> str:
    return fingerprint(["facts", _disk_key(*key)])


def _facts_of(rendered: Rendered) -> RenderFacts:
    return RenderFacts(rendered.failure, rendered.math_errors, rendered.reference_errors, rendered.cited,
                       rendered.toc, tuple(_POST_LINK.findall(rendered.html)), tuple(figure_files(rendered.html)))


def render_facts(body: str, math_output: str = "htmlAndMathml", library: Library = EMPTY) -> RenderFacts:
    """``render_markdown``'s results but the HTML, read from the small facts cache where it can be."""
    key = (body, math_output, library)
    found = _facts.get(key)
    if found is not None:
        return found
    found = disk_cache().get(_facts_key(key), _facts_from)  # None if absent or unreadable: work it out again
    if found is None:
        rendered = render_markdown(*key)
        found = _facts.get(key)  # there when render_markdown rendered it just now (_store_packed)
        if found is None:  # read from the cache, whose facts file was missing or outdated
            found = _facts_of(rendered)
            disk_cache().put(_facts_key(key), asdict(found))
    _facts[key] = found
    return found


def render_markdown(body: str, math_output: str = "htmlAndMathml", library: Library = EMPTY) -> Rendered:
    """Render one post body to HTML with its table of contents and math errors.

    ``math_output="mathml"`` is for feeds: formulas as MathML alone, notes at the end.
    ``library``: the references ``[@key]`` may cite; part of the cache key (hashed by content).
    """
    key = (body, math_output, library)
    found = _unpacked.get(key)
    if found is not None:
        return found
    data = _packed.get(key) or disk_cache().get_packed(_disk_key(*key))
    found = _unpack(data) if data is not None else None
    if found is not None:
        return _keep(key, found)
    return _store(key, _render(*key))


# A little of everything the pipeline starts up for: code, math both ways, a table, a note.
_SAMPLE = """# Start-up

Text with $x_i^2$ and a note.[^n]

$$
\\frac{a}{b}
$$

| a | b |
|---|---|
| 1 | 2 |

```python
def f(x):
    return x
```

[^n]: A note.
"""


def _warm_up() -> None:
    """In the warm worker: load everything a first render needs."""
    katex.start_early()  # V8 loads KaTeX on its own thread while Markdown starts up here
    for output in ("htmlAndMathml", "mathml"):
        _render(_SAMPLE, output)


def start_warm_worker() -> None:
    """Fork one worker that loads the pipeline while this process reads the posts (workers.py)."""
    warmworker.start(_warm_up)


def _work(job: tuple) -> Any:
    """One job in a worker: ("render", key, derive) or ("call", function, args)."""
    if job[0] == "render":
        # Packed here, in parallel, and sent back packed: a sixth of the bytes to pickle.
        _, key, derive = job
        rendered = _render(*key)
        return pack(asdict(rendered)), _facts_of(rendered), derive(key, rendered) if derive else None
    _, function, args = job
    return function(*args)


def render_many(bodies: Iterable[str], math_output: str = "htmlAndMathml", workers: int | None = None) -> None:
    """Make sure every body is rendered and cached, using every core when there are many."""
    render_all([(body, math_output, EMPTY) for body in bodies], workers)


# Jobs go to workers a few at a time: a chunk's results travel back as one message,
# and a chunk of a thousand renders would be hundreds of MB in both processes.
MOST_PER_CHUNK = 32


class Later:
    """Work a pool of render_all is still doing after it returned: ``wait()`` for it, or ``cancel()`` it."""

    def __init__(self, thread: threading.Thread | None = None, pool: ProcessPoolExecutor | None = None):
        self._thread, self._pool = thread, pool

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def cancel(self) -> None:
        """Drop the jobs no worker has started, and wait for the ones running to finish."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            # The keeping thread then shuts the pool down for good: a pool left to the
            # interpreter's exit can make Python 3.11 print "Bad file descriptor".
            self.wait()


DONE = Later()


def render_all(keys: Iterable[Key], workers: int | None = None,
               derive: Callable[[Key, Rendered], Any] | None = None,
               keep_derived: Callable[[Key, Any], None] | None = None,
               also: Sequence[tuple[Callable, tuple]] = (),
               keep_also: Callable[[tuple[Callable, tuple], Any], None] | None = None,
               also_in_background: bool = False) -> Later:
    """Like render_many, for (body, math output, library) keys: one pool for pages and feeds alike.

    While a worker has a fresh render at hand it also runs ``derive(key, rendered)``
    (the search words of its HTML, say), and ``keep_derived(key, value)`` gets the
    result here; ``also`` is more work for the same pool, ``(function, args)``
    pairs (share cards) whose results go to ``keep_also(pair, result)``. Results
    are handed over as they arrive, never all held at once. ``derive`` and the
    functions must be module-level, since workers are other processes.

    ``also_in_background``: return once the renders are in, while the workers go
    on with ``also`` and a thread of this process keeps their results; the
    returned :class:`Later` waits for that (with few jobs, everything is done here
    and now, and it waits for nothing).
    """
    todo, disk = [], disk_cache()
    for key in dict.fromkeys(keys):
        if key not in _packed and not disk.has(_disk_key(*key)):
            todo.append(key)  # on disk: read when a page or a check asks for it
    renders = [("render", key, derive) for key in todo]
    calls = [("call", function, args) for function, args in also]
    jobs = renders + calls
    handed = _Handover(todo, list(also), keep_derived, keep_also)
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(jobs) < PARALLEL_FROM:
        warm = warmworker.pool()
        if warm is not None and jobs:
            try:
                handed.take(warm.map(_work, jobs))
                return DONE
            except BrokenProcessPool:  # the worker died: what it did not finish is done here
                warmworker.stop()
        if todo:  # KaTeX loads on its own thread while Markdown starts up here
            katex.start_early()
        handed.take(map(_work, jobs[handed.done:]))
        return DONE
    warmworker.stop()  # a pool of workers takes over
    try:
        # Spawned, not forked: this process may run a KaTeX thread that a fork would not carry over cleanly.
        pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=warmworker.worker_setup)
    except OSError:  # no /dev/shm, say: work here
        handed.take(map(_work, jobs))
        return DONE
    try:
        rendered = pool.map(_work, renders, chunksize=_chunk(len(renders), workers))
        # Queued now, so the workers go straight on to them.
        called = pool.map(_work, calls, chunksize=_chunk(len(calls), workers))
        handed.take(rendered)
        if also_in_background and calls:
            # Run in a copy of this context: the app (and so its disk cache) the results are kept for.
            thread = threading.Thread(target=contextvars.copy_context().run,
                                      args=(_keep_later, pool, handed, called, jobs), name="render-later", daemon=True)
            thread.start()
            return Later(thread, pool)
        handed.take(called)
    except KeyboardInterrupt:
        # The workers ignore Ctrl+C (each would print a traceback): drop what they have not started.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    except (BrokenProcessPool, OSError):
        # Workers could not start (a __main__ that cannot be re-imported...): work here.
        handed.take(map(_work, jobs[handed.done:]))
    pool.shutdown(wait=True)
    return DONE


def _chunk(count: int, workers: int) -> int:
    return max(1, min(MOST_PER_CHUNK, count // (workers * 8)))


def _keep_later(pool: ProcessPoolExecutor, handed: _Handover, results: Iterator[Any], jobs: list) -> None:
    """In a thread: keep what the workers send back, then let them go."""
    try:
        handed.take(results)
    except BrokenProcessPool:
        handed.take(map(_work, jobs[handed.done:]))
    except CancelledError:  # cancel(): the freeze ended without them
        pass
    finally:
        pool.shutdown(wait=True)


class _Handover:
    """Store each render and hand over each result as it arrives, counting how far it got."""

    def __init__(self, keys: list[Key], also: list, keep_derived, keep_also):
        self.keys, self.also, self.keep_derived, self.keep_also = keys, also, keep_derived, keep_also
        self.done = 0

    def take(self, results: Iterator[Any]) -> None:
        for result in results:
            if self.done < len(self.keys):
                key = self.keys[self.done]
                data, facts, value = result
                if key not in _packed:
                    _store_packed(key, data, facts)
                if self.keep_derived and value is not None:
                    self.keep_derived(key, value)
            elif self.keep_also:
                self.keep_also(self.also[self.done - len(self.keys)], result)
            self.done += 1


def highlight_css() -> str:
    """Pygments CSS for code blocks: a light style, and a dark one for dark mode.

    Dark applies where the reader chose it (``data-theme="dark"`` on ``<html>``, set by
    js/theme.js) or where the system is dark and the reader did not choose light.
    """
    light = _site_background(HtmlFormatter(style=LIGHT_CODE_STYLE).get_style_defs(".highlight"))
    dark_style = HtmlFormatter(style=DARK_CODE_STYLE)
    chosen = _site_background(dark_style.get_style_defs(':root[data-theme="dark"] .highlight'))
    system = _site_background(dark_style.get_style_defs(':root:not([data-theme="light"]) .highlight'))
    return f"{light}\n{chosen}\n@media (prefers-color-scheme: dark) {{\n{system}\n}}\n"


_STYLE_BACKGROUND = re.compile(r"^([^{\n]*\.highlight \{ background: )#[0-9A-Fa-f]{3,8}", re.MULTILINE)


def _site_background(css: str) -> str:
    """A Pygments style's token colours on the site's own code background (Monokai's olive is not ours)."""
    return _STYLE_BACKGROUND.sub(r"\1var(--code-bg)", css)


def figure_files(html: str) -> list[str]:
    """The figure files an HTML body uses, relative to the content's figures/ folder."""
    return _FIGURE_SRC.findall(html)
