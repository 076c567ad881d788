"""All posts of one blog: read through Flask-FlatPages, validated, ordered, queried.

The collection is rebuilt only when the files change (names, sizes or mtimes),
and the files are looked at no more often than the caller allows: on every
request with ``--debug``, every few seconds in production (so every worker of a
server picks up new posts within that time), or never once loaded.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask_flatpages import FlatPages, Page

from ..render import pipeline
from .bibliographies import attach_libraries
from .controlchars import CONTROL, blanked, raw_control_problems
from .frontmatter import control_character_problem, key_lines
from .loadcache import ParsedPosts
from .notebooks import MAX_OUTPUT_BYTES
from .outputs import attach_outputs
from .post import ContentError, Post, Problem, body_stand_in, display_path, is_public, post_from_page
from .sources import scan, settling, signature
from .watcher import FolderWatch, watch


@dataclass(frozen=True)
class Loaded:
    posts: tuple[Post, ...]  # every valid post, drafts included, in display order
    problems: tuple[Problem, ...]  # sorted by file and line
    settled: bool = True  # False: a file was mid-save or vanished; read again next time
    # The bodies of files refused for their front matter or control characters (content.body_stand_in):
    # never shown, only checked, so one `check` reports a file's every problem.
    stand_ins: tuple[Post, ...] = ()


def _key_line(post: Post, key: str) -> int | None:
    """The line of ``key:`` in the post's front matter, read again only to place a problem."""
    try:
        text = post.source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return key_lines(text.split("\n---", 1)[0]).get(key)


def _runs(numbers: list[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``3-5, 9``: a gap's message stays short however wide the gap."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)


def _missing_parts(claimed: list[int]) -> list[int]:
    """The part numbers below the highest that no post claims; ``claimed`` is sorted and bounded."""
    present = set(claimed)
    return [number for number in range(1, claimed[-1] + 1) if number not in present]


def _series_problems(posts: list[Post]) -> list[Problem]:
    """Parts claimed twice and gaps, each at the ``series_part:`` line of the post concerned."""
    problems = []
    by_series: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.series_slug:
            by_series[post.series_slug].append(post)
    for name, parts in by_series.items():
        claimed: dict[int, Post] = {}
        for post in sorted(parts, key=lambda p: p.series_part):
            if post.series_part in claimed:
                other = claimed[post.series_part]
                problems.append(Problem(display_path(post.source), _key_line(post, "series_part"),
                                        f"series '{name}': part {post.series_part} is also claimed by {other.slug}.md; renumber one"))
            claimed[post.series_part] = post
        # Parts are at most MAX_SERIES_PART (content.py), so this range stays small.
        missing = _missing_parts(sorted(claimed))
        if missing:
            last = claimed[max(claimed)]
            problems.append(Problem(display_path(last.source), _key_line(last, "series_part"),
                                    f"series '{name}' has a gap: part(s) {_runs(missing)} missing; "
                                    f"number the parts 1, 2, 3... (a draft part counts)"))
    return problems


def _keep_last_good(posts: list[Post], broken: set[str], previous: tuple[Post, ...]) -> list[Post]:
    """Add the last good version of each post whose file is broken (or mid-save) now.

    An editor's half-written save or a typo in one file must not take that post
    offline on a production server; ``check`` and ``freeze`` still see the problem.
    """
    slugs = {post.slug for post in posts}
    kept = [old for old in previous if display_path(old.source) in broken and old.slug not in slugs]
    return posts + kept


def _page(pages: FlatPages, root: Path, source: Path, text: str) -> tuple[Page | None, Problem | None]:
    """FlatPages' parse of the text read from one file (its split of front matter and body)."""
    relative = source.relative_to(root)
    # FlatPages' parser on the text the scan read, not its loaders: its whole-folder
    # walk stops at the first file it cannot decode, and its per-file loader reads the
    # file again and keeps a parse by mtime alone, so a file swapped in with the old
    # one's time (rsync -a, a replaced folder) or edited since the scan would not be
    # the text every other check of this load saw.
    folder = "" if relative.parent == Path(".") else relative.parent.as_posix()
    try:
        if CONTROL.search(text):  # reported apart: read the rest without them
            text = blanked(text)
        return pages._parse(text, relative.with_suffix("").as_posix(), folder), None
    except yaml.reader.ReaderError as error:
        return None, control_character_problem(error, text, display_path(source))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, Problem(display_path(source), mark.line + 1 if mark else 1,
                             "the `---` block around the front matter is not valid YAML: check the first lines")


def _by_file_and_line(problems: list[Problem]) -> tuple[Problem, ...]:
    """Each problem once, by file and then line (a problem of the whole file first)."""
    return tuple(sorted(dict.fromkeys(problems), key=lambda p: (p.path, p.line or 0)))


def load(pages: FlatPages, root: Path, max_bytes: int, previous: tuple[Post, ...] = (), patient: bool = True,
         max_output_bytes: int = MAX_OUTPUT_BYTES) -> Loaded:
    """Read and validate every post under ``root``; ``previous`` stands in for broken files."""
    found = scan(root, max_bytes, patient, max_output_bytes)
    problems = list(found.problems)
    posts: list[Post] = []
    stand_ins: list[Post] = []
    parsed = ParsedPosts(root)
    for source, text in found.texts.items():
        shown = display_path(source)
        post = parsed.post(shown, source, text)
        if post is not None:  # the same text as last time: parsed then
            posts.append(post)
            continue
        try:
            page, problem = _page(pages, root, source, text)
        except OSError:  # deleted since the scan: look again next time
            found.unsettled.add(shown)
            continue
        post, post_problems = (None, [problem]) if problem else post_from_page(page, source, shown)
        post_problems = raw_control_problems(text, shown) + post_problems
        if post_problems and patient and settling(source):
            # Most likely an editor's save caught half-way: the next look will tell.
            found.unsettled.add(shown)
            continue
        problems.extend(post_problems)
        if post_problems and page is not None:
            stand_ins.extend(filter(None, [body_stand_in(page, source, shown)]))
        elif post is not None:
            posts.append(post)
            parsed.keep(shown, post, text)
    parsed.save()
    problems.extend(_series_problems(posts))
    attached, bib_problems = attach_libraries(posts + stand_ins, root)
    posts, stand_ins = attach_outputs(attached[:len(posts)]), attached[len(posts):]
    problems.extend(bib_problems)
    posts = _keep_last_good(posts, {p.path for p in problems} | found.unsettled, previous)
    return Loaded(tuple(sorted(posts, key=lambda p: p.sort_key)), _by_file_and_line(problems),
                  settled=not found.unsettled, stand_ins=tuple(stand_ins))


class Collection:
    """The posts of one app, reloaded when the content folder changes."""

    def __init__(self, pages: FlatPages, root: Path, max_bytes: int, max_output_bytes: int = MAX_OUTPUT_BYTES):
        self.pages, self.root, self.max_bytes = pages, root, max_bytes
        self.max_output_bytes = max_output_bytes  # of a notebook post's stored outputs
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._loaded: Loaded | None = None
        self._looked_at = 0.0  # time.monotonic() of the last look at the files
        self.version = 0  # grows with every reload: a key for what is built from the posts
        self._watch: FolderWatch | None | bool = False  # False: not started; None: unavailable
        self._pinned = 0  # > 0: inside snapshot(), the files are not looked at

    @contextmanager
    def snapshot(self) -> Iterator[Loaded]:
        """Read the files once, now, and have every caller see that read until the block ends.

        A freeze checks the content and then renders hundreds of pages from it; an
        edit, a deletion or a half-saved file arriving meanwhile must wait for the
        next freeze rather than put a mix of two versions (or unchecked text) into
        the one being built. Nested snapshots share the outer one's read.
        """
        with self._lock:
            if not self._pinned:
                self._look(max_age=0, patient=False)
            self._pinned += 1
        try:
            yield self._loaded
        finally:
            with self._lock:
                self._pinned -= 1

    def loaded(self, max_age: float | None = None, patient: bool = True) -> Loaded:
        """The validated posts, re-read if the files changed and the last look is over ``max_age`` s old.

        ``max_age=0`` looks every time, ``None`` only the first time; ``patient``: see sources.scan.
        """
        with self._lock:
            if self._pinned:
                return self._loaded
            return self._look(max_age, patient)

    def _look(self, max_age: float | None, patient: bool) -> Loaded:
        """loaded()'s work, with the lock held."""
        now = time.monotonic()
        if self._loaded is not None and patient and not self.root.is_dir():
            # Mid-replacement (`rm -rf pages`, then the new one): keep serving the last posts,
            # and leave the watch's news for when the new folder is there.
            return self._loaded
        if max_age is not None and patient and self._watching():
            # File events instead of a stat of every file; a mid-save file is read again regardless.
            stale = self._watch.take() or self._loaded is None or not self._loaded.settled
        else:
            stale = max_age is not None and now - self._looked_at >= max_age
        if self._loaded is None or stale or not patient:
            self._looked_at = now
            current = signature(self.root)
            if current != self._signature or self._loaded is None or not patient:
                previous = self._loaded.posts if self._loaded else ()
                self._loaded = load(self.pages, self.root, self.max_bytes, previous, patient, self.max_output_bytes)
                self.version += 1
                # An edit leaves the old text's render behind: free it.
                pipeline.forget({p.body for p in previous} - {p.body for p in self._loaded.posts})
                # A file caught mid-save is read again on the next look.
                self._signature = current if self._loaded.settled else None
        return self._loaded

    def _watching(self) -> bool:
        """Start watching on first use (before the first read, so no change slips between)."""
        if self._watch is False:
            self._watch = watch(self.root)
        return self._watch is not None


def public(loaded: Loaded, today: dt.date, show_drafts: bool, strict: bool = True) -> list[Post]:
    """Posts a reader may see, in display order; if ``strict``, raise when the content is broken."""
    if strict and loaded.problems:
        raise ContentError(list(loaded.problems))
    return [post for post in loaded.posts if is_public(post, today, show_drafts)]
