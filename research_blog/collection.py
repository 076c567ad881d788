"""All posts of one blog: read through Flask-FlatPages, validated, ordered, queried.

The collection is rebuilt only when the files change (names, sizes or mtimes),
so a request in production costs a dictionary lookup, and with auto-reload on
(``--debug``) an edited or new file shows up on the next request.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from flask_flatpages import FlatPages

from .content import ContentError, Post, Problem, display_path, is_public, post_from_page

EXTENSION = ".md"


@dataclass(frozen=True)
class Loaded:
    posts: tuple[Post, ...]  # every valid post, drafts included, in display order
    problems: tuple[Problem, ...]


def _scan(root: Path) -> tuple[list[Path], list[Problem]]:
    """Find the post files; report unreadable, empty and same-slug files."""
    if not root.is_dir():
        return [], [Problem(str(root), None, "content folder not found: set BLOG_CONTENT_DIR to the folder of your .md posts")]
    files, problems, seen = [], [], {}
    for path in sorted(root.rglob(f"*{EXTENSION}")):
        shown = display_path(path)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            problems.append(Problem(shown, line, "file is not UTF-8 text: re-save it with UTF-8 encoding"))
            continue
        if not text.strip():
            problems.append(Problem(shown, None, "file is empty: write the post or delete the file"))
            continue
        if path.stem in seen:
            problems.append(Problem(shown, None, f"duplicate slug '{path.stem}': {seen[path.stem]} has the same file name; rename one"))
            continue
        seen[path.stem] = shown
        files.append(path)
    return files, problems


def _series_problems(posts: list[Post]) -> list[Problem]:
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
                problems.append(Problem(display_path(post.source), None,
                                        f"series '{name}': part {post.series_part} is also claimed by {other.slug}.md; renumber one"))
            claimed[post.series_part] = post
        missing = sorted(set(range(1, max(claimed) + 1)) - set(claimed))
        if missing:
            last = claimed[max(claimed)]
            problems.append(Problem(display_path(last.source), None,
                                    f"series '{name}' has a gap: part(s) {', '.join(map(str, missing))} missing"))
    return problems


def _keep_last_good(posts: list[Post], problems: list[Problem], previous: tuple[Post, ...]) -> list[Post]:
    """Add the last good version of each post whose file is broken now.

    An editor's half-written save or a typo in one file must not take that post
    offline on a production server; ``check`` and ``freeze`` still see the problem.
    """
    broken = {problem.path for problem in problems}
    slugs = {post.slug for post in posts}
    kept = [old for old in previous if display_path(old.source) in broken and old.slug not in slugs]
    return posts + kept


def load(pages: FlatPages, root: Path, previous: tuple[Post, ...] = ()) -> Loaded:
    """Read and validate every post under ``root``; ``previous`` stands in for broken files."""
    files, problems = _scan(root)
    posts: list[Post] = []
    for source in files:
        relative = source.relative_to(root)
        # FlatPages' per-file loader (parsing plus its mtime cache) rather than its
        # whole-folder walk, which stops at the first file it cannot decode.
        folder = "" if relative.parent == Path(".") else relative.parent.as_posix()
        page = pages._load_file(relative.with_suffix("").as_posix(), str(source), folder)
        post, found = post_from_page(page, source, display_path(source))
        problems.extend(found)
        if post is not None:
            posts.append(post)
    problems.extend(_series_problems(posts))
    posts = _keep_last_good(posts, problems, previous)
    return Loaded(tuple(sorted(posts, key=lambda p: p.sort_key)), tuple(problems))


class Collection:
    """The posts of one app, reloaded when the content folder changes."""

    def __init__(self, pages: FlatPages, root: Path):
        self.pages, self.root = pages, root
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._loaded: Loaded | None = None

    def _current_signature(self) -> tuple:
        if not self.root.is_dir():
            return ()
        return tuple(
            (str(p), stat.st_mtime_ns, stat.st_size)
            for p in sorted(self.root.rglob(f"*{EXTENSION}"))
            for stat in [p.stat()]
        )

    def loaded(self, watch: bool) -> Loaded:
        """The validated posts; re-read first if ``watch`` and the files changed."""
        with self._lock:
            if self._loaded is None or watch:
                signature = self._current_signature()
                if signature != self._signature or self._loaded is None:
                    self._loaded = load(self.pages, self.root, self._loaded.posts if self._loaded else ())
                    self._signature = signature
            return self._loaded


def public(loaded: Loaded, today: dt.date, show_drafts: bool, strict: bool = True) -> list[Post]:
    """Posts a reader may see, in display order; if ``strict``, raise when the content is broken."""
    if strict and loaded.problems:
        raise ContentError(list(loaded.problems))
    return [post for post in loaded.posts if is_public(post, today, show_drafts)]
