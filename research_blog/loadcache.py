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
and checks posts, so a new release of it parses everything again.
"""

from __future__ import annotations

import datetime as dt
from importlib import metadata
from pathlib import Path

from . import content, frontmatter, reading
from .content import Link, Post, Term
from .rendercache import digest_of, fingerprint
from .rendering import disk_cache

# This module is in it too: the entries' layout is its own.
_PARSER = fingerprint([Path(module.__file__).read_bytes() for module in (content, frontmatter, reading)]
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
            post.bibliography, post.word_count]


def _post(entry: list, source: Path, text: str) -> Post:
    (_, body_start, slug, title, date, summary, category, tags, series, series_part, draft, updated, links,
     bibliography, word_count) = entry
    return Post(slug=slug, title=title, date=dt.date.fromisoformat(date), summary=summary, category=category,
                body=text[body_start:], source=source, tags=tuple(Term(*tag) for tag in tags), series=series,
                series_part=series_part, draft=draft, updated=dt.date.fromisoformat(updated) if updated else None,
                links=tuple(Link(*link) for link in links), bibliography=bibliography, word_count=word_count)


class ParsedPosts:
    """The posts of one content folder as the last load parsed them; ``keep`` what this load parsed."""

    def __init__(self, root: Path):
        self._key = _key(root)
        stored = disk_cache().get(self._key)
        self._known: dict[str, list] = stored if isinstance(stored, dict) else {}
        self._now: dict[str, list] = {}

    def post(self, shown: str, source: Path, text: str) -> Post | None:
        """The post ``text`` parsed into last time, or None to parse it."""
        entry = self._known.get(shown)
        if entry is None or entry[0] != digest_of(text):
            return None
        try:
            post = _post(entry, source, text)
        except (TypeError, ValueError):  # an entry of another shape: parse the file
            return None
        self._now[shown] = entry
        return post

    def keep(self, shown: str, post: Post, text: str) -> None:
        entry = _entry(post, text)
        if entry is not None:
            self._now[shown] = entry

    def save(self) -> None:
        """Store this load's posts if they differ from what was stored (no write for an unchanged blog)."""
        if self._now != self._known:
            disk_cache().put(self._key, self._now)

