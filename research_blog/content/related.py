"""Related posts: a few others a reader of this one may want next, by shared tags and series."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict

from .post import Post

SAME_SERIES = 3  # a part of the same series weighs as much as three shared tags
MOST = 3


class RelatedIndex:
    """Which posts carry each tag and each series: a post's relatives are scored among those, not all posts.

    Scanning every post for every post page cost a 1,000-post freeze about
    0.7 s (a million comparisons); built once per list of posts, the index is
    one pass, and each page then costs only the posts its tags and series hold.
    """

    def __init__(self, posts: list[Post]) -> None:
        self._posts = posts
        self._with_tag: dict[str, list[int]] = defaultdict(list)  # tag slug -> positions in posts
        self._in_series: dict[str, list[int]] = defaultdict(list)  # series slug -> positions
        self._with_slug: dict[str, list[int]] = defaultdict(list)  # one position, unless a list repeats a post
        for position, post in enumerate(posts):
            self._with_slug[post.slug].append(position)
            for slug in {tag.slug for tag in post.tags}:
                self._with_tag[slug].append(position)
            if post.series_slug:
                self._in_series[post.series_slug].append(position)

    def related_to(self, post: Post, most: int = MOST) -> list[Post]:
        """Up to ``most`` other posts sharing tags or the series with ``post``, best first.

        Ties go to the newer post (the posts are newest first, and a post's
        position breaks ties). Posts sharing nothing are never listed: an
        unrelated "related post" misleads. The parts just before and after in
        the same series are left out: the end of the post already links them as
        the previous and next part.
        """
        scores: Counter[int] = Counter()  # position -> shared tags, plus SAME_SERIES for the series
        for slug in {tag.slug for tag in post.tags}:
            scores.update(self._with_tag.get(slug, ()))
        left_out = list(self._with_slug.get(post.slug, ()))
        if post.series_slug:
            for position in self._in_series.get(post.series_slug, ()):
                scores[position] += SAME_SERIES
                if _adjacent_part(post, self._posts[position]):
                    left_out.append(position)
        for position in left_out:
            scores.pop(position, None)
        best = heapq.nsmallest(most, ((-score, position) for position, score in scores.items()))
        return [self._posts[position] for _, position in best]


def related_posts(posts: list[Post], post: Post, most: int = MOST) -> list[Post]:
    """Up to ``most`` other posts of ``posts`` (newest first) related to ``post``, best first.

    Builds the index for this one question; pages ask ``Published.related``,
    whose index is built once per version of the content.
    """
    return RelatedIndex(posts).related_to(post, most)


def _adjacent_part(post: Post, other: Post) -> bool:
    return bool(post.series_slug) and other.series_slug == post.series_slug and abs(other.series_part - post.series_part) == 1
