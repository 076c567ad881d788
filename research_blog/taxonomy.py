"""Categories, tags and series: grouping posts and naming their pages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .content import Post


@dataclass(frozen=True)
class SeriesPosition:
    slug: str   # the series page is /series/<slug>/
    title: str  # the name as the posts write it
    part: int
    total: int
    parts: tuple[Post, ...]  # in part order


def series_parts(posts: list[Post], slug: str) -> list[Post]:
    """The posts of the series whose name slugifies to ``slug``, in part order."""
    return sorted((p for p in posts if p.series_slug == slug), key=lambda p: p.series_part)


def series_position(posts: list[Post], post: Post) -> SeriesPosition | None:
    """Where ``post`` sits in its series among the visible posts ("Part N of M")."""
    if not post.series:
        return None
    parts = series_parts(posts, post.series_slug)
    return SeriesPosition(post.series_slug, post.series, post.series_part, len(parts), tuple(parts))


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


def series_slugs(posts: list[Post]) -> list[str]:
    return sorted({p.series_slug for p in posts if p.series_slug})
