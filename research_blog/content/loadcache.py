"""Posts parsed by an earlier load, reused while their files hold the same text.

Reading a post's front matter (YAML, then every field's checks) costs about a
third of a millisecond; a 1,000-post blog pays it on every start and every
freeze, although between two freezes usually one file changed. This module
keeps what each valid file parsed into, keyed by a digest of its whole text,
in the render cache folder, so a file whose text is the same is not parsed
again.

What is kept is the front matter's values, not the body: the body is the
file's own text from ``body_start`` on, so a stale entry can only be reused
for a file with byte-identical text. Values are JSON, like the rest of the
cache: reading it must never run code. Files with problems are never kept, so
their problems are found again each time. The key holds the code that parses
and checks posts, so a new release of it parses everything again; an entry of
another shape (a damaged file) is checked out when the store is read
(``_stored_posts``), and its file parsed again.
"""

from __future__ import annotations

import datetime as dt
from importlib import metadata
from pathlib import Path
from typing import Any

from ..render.cache import Unreadable, digest_of, fingerprint, is_of, string_pairs
from ..render.pipeline import disk_cache
from . import frontmatter, reading
from . import post as post_model
from .post import Link, Post, Term

# This module is in it too: the entries' layout is its own.
_PARSER = fingerprint([Path(module.__file__).read_bytes() for module in (post_model, frontmatter, reading)]
                      + [Path(__file__).read_bytes(), metadata.version("flask-flatpages"), metadata.version("pyyaml")])


def _key(root: Path) -> str:
    return fingerprint(["parsed posts", _PARSER, str(root)])


def _entry(post: Post, text: str) -> list | None:
    """``post`` as JSON values, or None if its body is not the end of ``text``."""
    if not text.endswith(post.body):
        return None
    return [digest_of(text), len(text) - len(post.body), post.slug, post.title, post.date.isoformat(), post.summary,
            post.category, [[tag.name, tag.slug] for tag in post.tags], post.series, post.series_part, post.draft,
            post.updated.isoformat() if post.updated else None, [[link.label, link.url] for link in post.links],
            post.bibliography, post.word_count, post.kind]


# The JSON type of each value of an entry, in _entry's order (None: null).
_SHAPE: tuple[tuple[type | None, ...], ...] = (
    (str,), (int,), (str,), (str,), (str,), (str,), (str,), (list,), (str, None), (int, None), (bool,),
    (str, None), (list,), (str, None), (int,), (str,))


def _stored_posts(value: Any) -> dict[str, list]:
    """The store as read from disk, less the entries of another shape (their files are parsed again)."""
    if type(value) is not dict:
        raise Unreadable("the parsed posts are not an object")
    return {shown: entry for shown, entry in value.items() if _readable(entry)}


def _readable(entry: Any) -> bool:
    """Whether ``entry`` is what ``_entry`` writes: each value of its type, tags and links pairs, dates dates."""
    if type(entry) is not list or len(entry) != len(_SHAPE) or not all(map(is_of, entry, _SHAPE)):
        return False
    tags, links, date, updated = entry[7], entry[12], entry[4], entry[11]
    try:
        string_pairs(tags)
        string_pairs(links)
        dt.date.fromisoformat(date)
        if updated is not None:
            dt.date.fromisoformat(updated)
    except ValueError:  # Unreadable, or a date that is none
        return False
    return entry[1] >= 0  # where the body starts


def _post(entry: list, source: Path, text: str) -> Post:
    (_, body_start, slug, title, date, summary, category, tags, series, series_part, draft, updated, links,
     bibliography, word_count, kind) = entry
    return Post(slug=slug, title=title, date=dt.date.fromisoformat(date), summary=summary, category=category,
                body=text[body_start:], source=source, tags=tuple(Term(*tag) for tag in tags), series=series,
                series_part=series_part, draft=draft, updated=dt.date.fromisoformat(updated) if updated else None,
                links=tuple(Link(*link) for link in links), bibliography=bibliography, word_count=word_count,
                kind=kind)


class ParsedPosts:
    """The posts of one content folder as the last load parsed them; ``keep`` what this load parsed."""

    def __init__(self, root: Path):
        self._key = _key(root)
        self._known: dict[str, list] = disk_cache().get(self._key, _stored_posts) or {}
        self._now: dict[str, list] = {}

    def post(self, shown: str, source: Path, text: str) -> Post | None:
        """The post ``text`` parsed into last time, or None to parse it."""
        entry = self._known.get(shown)
        if entry is None or entry[0] != digest_of(text) or entry[1] > len(text):
            return None
        self._now[shown] = entry
        return _post(entry, source, text)

    def keep(self, shown: str, post: Post, text: str) -> None:
        entry = _entry(post, text)
        if entry is not None:
            self._now[shown] = entry

    def save(self) -> None:
        """Store this load's posts if they differ from what was stored (no write for an unchanged blog)."""
        if self._now != self._known:
            disk_cache().put(self._key, self._now)

