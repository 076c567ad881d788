"""The content model: a Post built from a FlatPages page, validated in one place.

Front matter rules live here and nowhere else: required and optional fields and
their types, unknown keys, slugs, dates. Each problem is a :class:`Problem`
naming the file, the line where known, and what to do about it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_flatpages import Page

from ..render.pipeline import Rendered, RenderFacts, render_facts, render_markdown
from ..render.references import EMPTY, Library
from . import reading
from .controlchars import value_control_problems
from .frontmatter import key_lines, read_front_matter
from .links import is_web_link
from .problems import ContentError, Problem, shown

__all__ = ["ContentError", "Link", "Post", "Problem", "Term", "body_stand_in", "display_path", "is_public",
           "post_from_page", "slugify"]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# First path segments the blog's own routes use: a post there would be shadowed.
RESERVED_SLUGS = frozenset({"category", "tags", "series", "assets", "search", "feed.xml", "sitemap.xml", "robots.txt"})

REQUIRED_FIELDS = ("title", "date", "summary", "category")
# Bounds that keep every page, card and check of a post small whatever its front matter says.
MAX_SERIES_PART = 999  # a series numbered past this is a typo (and the gap check would list millions)
MAX_TITLE_CHARS = 200  # a title longer than this no longer fits a page heading, a feed reader or a card
OPTIONAL_FIELDS = ("tags", "series", "series_part", "draft", "updated", "links", "bibliography", "kind")
# `kind: page`: a page that is not a post (About): served at its slug, listed nowhere.
KINDS = ("post", "page")
# A page stands outside the listings: these fields place a post in them, so a page may not have them.
NOT_ON_A_PAGE = ("date", "category", "tags", "series", "series_part", "updated")


def slugify(name: str) -> str:
    """The URL form of a category, tag or series name: ``Machine Learning`` -> ``machine-learning``.

    Letters of any script are kept (``强化学习`` stays itself), ``+`` and ``#`` are
    spelled out so ``C++`` and ``C#`` do not both become ``c``; the result is ""
    for a name with no letter or digit, which the front-matter checks reject.
    """
    spelled = name.replace("+", " plus ").replace("#", " sharp ")
    return re.sub(r"[\W_]+", "-", spelled.casefold()).strip("-")


@dataclass(frozen=True)
class Term:
    """A tag as the post writes it and the slug of its page (``/tags/<slug>/``)."""

    name: str
    slug: str


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    date: dt.date
    summary: str
    category: str
    body: str
    source: Path
    tags: tuple[Term, ...] = ()
    series: str | None = None
    series_part: int | None = None
    draft: bool = False
    updated: dt.date | None = None
    links: tuple[Link, ...] = ()
    bibliography: str | None = None  # the post's own .bib file, relative to its folder
    kind: str = "post"  # or "page": served at its slug, in no listing, feed, series or search
    library: Library = field(default=EMPTY, compare=False, repr=False)  # set by bibliographies.py
    word_count: int | None = field(default=None, compare=False, repr=False)  # known from a past load, or counted
    reading_minutes: int = field(init=False)
    category_slug: str = field(init=False)  # /category/<category_slug>/
    series_slug: str | None = field(init=False)  # /series/<series_slug>/; groups the parts

    def __post_init__(self) -> None:
        # Derived once here, so every page, check and feed agrees on them.
        if self.word_count is None:  # not known from an earlier load (loadcache.py): count
            object.__setattr__(self, "word_count", reading.count_words(self.body))
        object.__setattr__(self, "reading_minutes", reading.minutes_for(self.word_count))
        object.__setattr__(self, "category_slug", slugify(self.category))
        object.__setattr__(self, "series_slug", slugify(self.series) if self.series else None)

    @property
    def is_page(self) -> bool:
        return self.kind == "page"

    @property
    def rendered(self) -> Rendered:
        """HTML, table of contents and math errors (cached by body text and library)."""
        return render_markdown(self.body, library=self.library)

    @property
    def facts(self) -> RenderFacts:
        """What the render found (math errors, links, figures, contents) without the HTML."""
        return render_facts(self.body, library=self.library)

    @property
    def sort_key(self) -> tuple:
        """Newest first; a tie goes to the lower series part, then to the title."""
        return (-self.date.toordinal(), self.series_part or 0, self.title.casefold())


def display_path(path: Path) -> str:
    """A path as the writer knows it: relative to the current directory when inside it.

    The file's own links are not followed: it may be a broken link or a loop.
    """
    # Strings, not Path.relative_to: a load shows thousands of paths.
    text = str(path)
    inside = os.getcwd().rstrip(os.sep) + os.sep
    absolute = text if os.path.isabs(text) else inside + text
    return absolute[len(inside):] if absolute.startswith(inside) else text


def is_public(post: Post, today: dt.date, show_drafts: bool) -> bool:
    """The one predicate for visibility: drafts and future posts stay hidden."""
    return show_drafts or (not post.draft and post.date <= today)


class _Checker:
    """Collects the problems of one file's front matter while reading its fields."""

    def __init__(self, path: str, meta_text: str, meta: dict[str, Any]):
        self.path, self.meta_text, self.meta = path, meta_text, meta
        self.lines = key_lines(meta_text)  # one pass, however many keys there are
        self.problems: list[Problem] = []

    def fail(self, key: str | None, message: str) -> None:
        line = self.lines.get(key, 1) if key else 1
        self.problems.append(Problem(self.path, line, message))

    def text(self, key: str, required: bool = True, longest: int | None = None) -> str | None:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.fail(None, f"missing required field '{key}': add `{key}: ...` to the front matter")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"'{key}' must be a non-empty text, got {shown(value)}: quote it, e.g. {key}: \"...\"")
            return None
        if longest is not None and len(value.strip()) > longest:
            self.fail(key, f"'{key}' is {len(value.strip()):,} characters long; the most is {longest}: shorten it")
            return None
        return value.strip()

    def date(self, key: str, required: bool = True) -> dt.date | None:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.fail(None, f"missing required field '{key}': add `{key}: YYYY-MM-DD`")
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raw = self._raw_value(key)
            self.fail(key, f"'{key}' must be a real date written YYYY-MM-DD, got {raw!r}")
            return None
        return value

    def _raw_value(self, key: str) -> str:
        match = re.search(rf"^{re.escape(key)}\s*:\s*(.*)$", self.meta_text, re.M)
        return match.group(1).strip() if match else ""

    def typed(self, key: str, kind: type, example: str):
        value = self.meta.get(key)
        if value is None:
            return None
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.fail(key, f"'{key}' must be {example}, got {shown(value)}")
            return None
        return value

    def tags(self) -> tuple[Term, ...]:
        """Tags as people write them: a list, or one comma-separated line; any text."""
        value = self.meta.get("tags")
        if value is None:
            return ()
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(isinstance(t, str | int | float) and not isinstance(t, bool) for t in value):
            self.fail("tags", f"'tags' must be a list of names, e.g. [Reinforcement Learning, PPO], got {shown(value)}")
            return ()
        terms: dict[str, Term] = {}
        for raw in value:
            name = " ".join(str(raw).split())
            if not name:
                continue
            if not slugify(name):
                self.fail("tags", f"tag {name!r} has no letter or digit to make its URL from: rename it")
                continue
            terms.setdefault(slugify(name), Term(name, slugify(name)))
        return tuple(terms.values())

    def slugged(self, key: str, required: bool = True) -> str | None:
        """A text field that names a page (category, series): it needs a letter or digit."""
        value = self.text(key, required)
        if value is not None and not slugify(value):
            self.fail(key, f"'{key}' {value!r} has no letter or digit to make its URL from: rename it")
            return None
        return value

    def links(self) -> tuple[Link, ...]:
        value = self.meta.get("links")
        if value is None:
            return ()
        good = isinstance(value, list) and all(
            isinstance(item, dict) and set(item) == {"label", "url"}
            and all(isinstance(item[k], str) and item[k].strip() for k in item)
            and is_web_link(item["url"])
            for item in value
        )
        if not good:
            self.fail("links", "'links' must be a list of {label: ..., url: https://...} entries")
            return ()
        return tuple(Link(item["label"].strip(), item["url"].strip()) for item in value)

    def bibliography(self) -> str | None:
        """A .bib file beside the post (or below its folder): ``bibliography: ppo.bib``."""
        value = self.text("bibliography", required=False)
        if value is not None and (not value.endswith(".bib") or value.startswith("/") or ".." in Path(value).parts):
            self.fail("bibliography", f"'bibliography' must name a .bib file in the post's folder, got {value!r}")
            return None
        return value

    def unknown_keys(self, most: int = 10) -> None:
        unknown = [key for key in self.meta if key not in REQUIRED_FIELDS + OPTIONAL_FIELDS]
        allowed = ", ".join(REQUIRED_FIELDS + OPTIONAL_FIELDS)
        for key in unknown[:most]:
            self.fail(str(key), f"unknown front matter key {shown(key)} (a typo?); allowed keys: {allowed}")
        if len(unknown) > most:
            self.fail(None, f"{len(unknown) - most} more unknown front matter keys; allowed keys: {allowed}")


def post_from_page(page: Page, source: Path, display_path: str) -> tuple[Post | None, list[Problem]]:
    """Build a Post from a FlatPages page, or return every problem found in it."""
    meta, problems = read_front_matter(page._meta, display_path)
    if meta is None:
        return None, problems
    check = _Checker(display_path, page._meta, meta)
    slug = source.stem
    if not SLUG.match(slug):
        check.fail(None, f"file name '{source.name}' is not a valid slug: use lowercase letters, digits and hyphens, e.g. my-post.md")
    elif slug in RESERVED_SLUGS:
        check.fail(None, f"slug '{slug}' collides with the blog's own /{slug}/ pages: rename the file")
    check.unknown_keys()
    check.problems += value_control_problems(meta, check.lines, display_path)
    kind = _kind(check)
    if kind == "page":
        return _page(check, page, source, slug)
    values = dict(
        title=check.text("title", longest=MAX_TITLE_CHARS), date=check.date("date"), summary=check.text("summary"),
        category=check.slugged("category"), series=check.slugged("series", required=False),
        series_part=check.typed("series_part", int, "a whole number such as 2"),
        draft=check.typed("draft", bool, "true or false") or False,
        updated=check.date("updated", required=False), tags=check.tags(), links=check.links(),
        bibliography=check.bibliography(),
    )
    if (values["series"] is None) != (values["series_part"] is None):
        check.fail("series" if values["series"] else "series_part", "'series' and 'series_part' go together: set both or neither")
    if values["series_part"] is not None and not 1 <= values["series_part"] <= MAX_SERIES_PART:
        check.fail("series_part", f"'series_part' must be from 1 to {MAX_SERIES_PART}, got {shown(values['series_part'])}")
    if values["updated"] and values["date"] and values["updated"] < values["date"]:
        check.fail("updated", "'updated' is earlier than 'date'")
    if not page.body.strip():
        check.fail(None, "the post has no body text below the front matter")
    if check.problems or None in (values["title"], values["date"], values["summary"], values["category"]):
        return None, check.problems
    return Post(slug=slug, body=page.body, source=source, **values), []


def _kind(check: _Checker) -> str:
    value = check.meta.get("kind", "post")
    if value not in KINDS:
        check.fail("kind", f"'kind' must be post or page, got {shown(value)}")
        return "post"
    return value


def _page(check: _Checker, page: Page, source: Path, slug: str) -> tuple[Post | None, list[Problem]]:
    """A ``kind: page`` file: a title and a summary; nothing that would list it."""
    for key in NOT_ON_A_PAGE:
        if key in check.meta:
            check.fail(key, f"a page (kind: page) is listed nowhere, so it has no '{key}': delete the line, "
                            f"or make it a post by deleting `kind: page`")
    values = dict(title=check.text("title", longest=MAX_TITLE_CHARS), summary=check.text("summary"),
                  draft=check.typed("draft", bool, "true or false") or False, links=check.links(),
                  bibliography=check.bibliography())
    if not page.body.strip():
        check.fail(None, "the page has no body text below the front matter")
    if check.problems or None in (values["title"], values["summary"]):
        return None, check.problems
    # dt.date.min: a page is never scheduled; it shows no date and sorts nowhere.
    return Post(slug=slug, body=page.body, source=source, date=dt.date.min, category="", kind="page", **values), []


def body_stand_in(page: Page, source: Path, display_path: str) -> Post | None:
    """The body of a file whose front matter is broken, as a Post with placeholder fields.

    Never shown to readers: ``check`` renders it so that the body's problems are
    reported in the same run as the front matter's, not after they are fixed.
    """
    if not page.body.strip():
        return None
    meta, _ = read_front_matter(page._meta, display_path)
    bibliography = _Checker(display_path, page._meta, meta).bibliography() if meta else None
    return Post(slug=source.stem, title=source.stem, date=dt.date.min, summary="", category="", body=page.body,
                source=source, bibliography=bibliography)
