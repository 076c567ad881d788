"""Categories, tags and series: grouping posts and naming their pages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .post import Post


@dataclass(frozen=True)
class SeriesSlot:
    """One line of a series' table of contents: a visible part, or a run of parts not out yet."""

    first: int  # the part number (the first of the run, for parts not out yet)
    last: int
    post: Post | None  # None: drafts or scheduled posts, shown as "coming soon"


@dataclass(frozen=True)
class SeriesPosition:
    """Where a part sits in its series: numbered by ``series_part``, out of every part written.

    A part that is a draft or scheduled keeps its number and is listed as
    "coming soon", so "Part 3 of 3" stays true and never becomes "Part 3 of 2".
    """

    slug: str   # the series page is /series/<slug>/
    title: str  # the name as the posts write it
    part: int
    total: int  # the highest part number, drafts and scheduled parts included
    parts: tuple[Post, ...]  # the visible parts, in part order
    slots: tuple[SeriesSlot, ...] = ()  # parts 1..total, hidden ones grouped into runs


def series_parts(posts: list[Post], slug: str) -> list[Post]:
    """The posts of the series whose name slugifies to ``slug``, in part order."""
    return sorted((p for p in posts if p.series_slug == slug), key=lambda p: p.series_part)


def series_sizes(posts: Iterable[Post]) -> dict[str, int]:
    """Series slug -> its highest part number among ``posts`` (pass every post, drafts included)."""
    sizes: dict[str, int] = {}
    for post in posts:
        if post.series_slug:
            sizes[post.series_slug] = max(sizes.get(post.series_slug, 0), post.series_part)
    return sizes


def series_slots(parts: list[Post], total: int) -> tuple[SeriesSlot, ...]:
    """Parts 1..``total``: each visible part, and each run of numbers with no visible part as one slot.

    At most twice as many slots as visible parts, plus one, however large ``total`` is.
    """
    slots: list[SeriesSlot] = []
    expected = 1
    for post in parts:
        if post.series_part > expected:
            slots.append(SeriesSlot(expected, post.series_part - 1, None))
        slots.append(SeriesSlot(post.series_part, post.series_part, post))
        expected = max(expected, post.series_part + 1)
    if total >= expected:
        slots.append(SeriesSlot(expected, total, None))
    return tuple(slots)


def series_position(posts: list[Post], post: Post) -> SeriesPosition | None:
    """Where ``post`` sits in its series among the visible posts ("Part N of M")."""
    if not post.series:
        return None
    parts = series_parts(posts, post.series_slug)
    total = max(p.series_part for p in parts)
    return SeriesPosition(post.series_slug, post.series, post.series_part, total, tuple(parts), series_slots(parts, total))


def reading_order(posts: list[Post]) -> list[Post]:
    """Oldest first, a series in part order: what previous/next follow."""
    return sorted(posts, key=lambda p: (p.date, p.series_part or 0, p.title.casefold()))


def _names_by_slug(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Slug -> the spelling most posts use (ties: the first in sorted order).

    ``PPO`` in one post and ``ppo`` in another are one tag with one page; the
    page is titled the way most posts write it, whichever file loads first.
    """
    counts = Counter(pairs)
    best: dict[str, tuple[int, str]] = {}
    for (slug, name), count in sorted(counts.items()):
        if slug not in best or count > best[slug][0]:
            best[slug] = (count, name)
    return {slug: name for slug, (_, name) in sorted(best.items())}


def categories(posts: list[Post]) -> dict[str, str]:
    """Category slug -> display name, for every category in use."""
    return _names_by_slug((p.category_slug, p.category) for p in posts)


def tags(posts: list[Post]) -> dict[str, str]:
    """Tag slug -> display name, for every tag in use."""
    return _names_by_slug((t.slug, t.name) for p in posts for t in p.tags)


def series_names(posts: list[Post]) -> dict[str, str]:
    """Series slug -> display name, for every series in use."""
    return _names_by_slug((p.series_slug, p.series) for p in posts if p.series_slug and p.series)


def series_slugs(posts: list[Post]) -> list[str]:
    return sorted({p.series_slug for p in posts if p.series_slug})
