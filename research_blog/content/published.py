"""What readers can see, worked out once per content version instead of once per request.

With a thousand posts, filtering drafts, sorting into reading order and
grouping by tag on every request would cost more than serving the page; a
``Published`` holds all of it and is rebuilt only when the posts, the day
(scheduled posts appear at midnight) or the draft setting change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import taxonomy
from .post import Post
from .related import RelatedIndex


@dataclass
class Published:
    posts: list[Post]  # newest first; pages (kind: page) are moved out into `pages`
    # Series slug -> highest part number, hidden parts included (taxonomy.series_sizes of every
    # post): a reader sees "Part 3 of 3" and part 2 as coming soon, never "Part 3 of 2".
    series_sizes: dict[str, int] = field(default_factory=dict)
    by_slug: dict[str, Post] = field(init=False)
    pages: dict[str, Post] = field(init=False)  # slug -> page: served, but in no list, feed, series or search
    categories: dict[str, str] = field(init=False)  # slug -> name
    tags: dict[str, str] = field(init=False)
    series: list[str] = field(init=False)
    in_category: dict[str, list[Post]] = field(init=False)
    with_tag: dict[str, list[Post]] = field(init=False)
    _order: list[Post] = field(init=False)
    _position: dict[str, int] = field(init=False)
    _related: RelatedIndex = field(init=False)
    _parts: dict[str, list[Post]] = field(init=False)  # series slug -> its parts, in part order
    _slots: dict[str, tuple[taxonomy.SeriesSlot, ...]] = field(init=False)  # series slug -> parts 1..size

    def __post_init__(self) -> None:
        self.pages = {post.slug: post for post in self.posts if post.is_page}
        if self.pages:
            self.posts = [post for post in self.posts if not post.is_page]
        self.by_slug = {post.slug: post for post in self.posts}
        self.categories = taxonomy.categories(self.posts)
        self.tags = taxonomy.tags(self.posts)
        self.series = taxonomy.series_slugs(self.posts)
        self.in_category, self.with_tag = defaultdict(list), defaultdict(list)
        for post in self.posts:
            self.in_category[post.category_slug].append(post)
            for tag in post.tags:
                self.with_tag[tag.slug].append(post)
        self._order = taxonomy.reading_order(self.posts)
        self._position = {post.slug: index for index, post in enumerate(self._order)}
        # Built here, with the rest of the snapshot, rather than in a cache keyed on the
        # list of posts: the snapshot is complete before any request sees it and never
        # changes, so threads share it without a lock, and the index goes with the content.
        self._related = RelatedIndex(self.posts)
        grouped = defaultdict(list)
        for post in self.posts:
            if post.series_slug:
                grouped[post.series_slug].append(post)
        self._parts = {slug: sorted(parts, key=lambda p: p.series_part) for slug, parts in grouped.items()}
        self._slots = {slug: taxonomy.series_slots(parts, self.series_size(slug)) for slug, parts in self._parts.items()}

    def neighbours(self, post: Post) -> tuple[Post | None, Post | None]:
        """The posts before and after ``post`` in reading order."""
        index = self._position[post.slug]
        before = self._order[index - 1] if index > 0 else None
        after = self._order[index + 1] if index + 1 < len(self._order) else None
        return before, after

    def related(self, post: Post) -> list[Post]:
        """A few other posts sharing tags or the series with ``post``, best first (see related.py)."""
        return self._related.related_to(post)

    def series_parts(self, slug: str) -> list[Post]:
        """The visible parts of a series, in part order (the same list each time: do not change it)."""
        return self._parts.get(slug, [])

    def series_size(self, slug: str) -> int:
        """How many parts the series has: its highest part number, hidden parts included."""
        parts = self._parts.get(slug, [])
        return max(self.series_sizes.get(slug, 0), parts[-1].series_part if parts else 0)

    def series_slots(self, slug: str) -> tuple[taxonomy.SeriesSlot, ...]:
        """The series' table of contents: visible parts, and runs of parts still to come."""
        return self._slots.get(slug, ())

    def series_position(self, post: Post) -> taxonomy.SeriesPosition | None:
        """Where ``post`` sits in its series ("Part N of M"), from the parts found once."""
        if not post.series:
            return None
        slug = post.series_slug
        return taxonomy.SeriesPosition(slug, post.series, post.series_part, self.series_size(slug),
                                       tuple(self.series_parts(slug)), self.series_slots(slug))
