"""Related posts: a few others a reader of this one may want next, by shared tags and series."""

from __future__ import annotations

from .content import Post

SAME_SERIES = 3  # a part of the same series weighs as much as three shared tags
MOST = 3


def related_posts(posts: list[Post], post: Post, most: int = MOST) -> list[Post]:
    """Up to ``most`` other visible posts sharing tags or the series with ``post``, best first.

    Ties go to the newer post (``posts`` is newest first and the sort is stable).
    Posts sharing nothing are never listed: an unrelated "related post" misleads.
    The parts just before and after in the same series are left out: the end of
    the post already links them as the previous and next part.
    """
    tags = {tag.slug for tag in post.tags}
    scored = []
    for other in posts:
        if other.slug == post.slug or _adjacent_part(post, other):
            continue
        score = len(tags & {tag.slug for tag in other.tags})
        if post.series_slug and other.series_slug == post.series_slug:
            score += SAME_SERIES
        if score:
            scored.append((score, other))
    scored.sort(key=lambda pair: -pair[0])
    return [other for _, other in scored[:most]]


def _adjacent_part(post: Post, other: Post) -> bool:
    return bool(post.series_slug) and other.series_slug == post.series_slug and abs(other.series_part - post.series_part) == 1
