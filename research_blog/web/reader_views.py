"""Pages that help readers find and share posts: search, series feeds, share cards.

They live on the blog's one blueprint (views.py), so ``url_for('research_blog.search')``
and the rest work served, frozen and under a prefix like every other page.
"""

from __future__ import annotations

import json

from flask import Response, abort, current_app
from markupsafe import Markup

from ..content.published import Published
from ..render.codeblocks import label_code_blocks
from ..render.pipeline import render_all
from ..state import public_posts, published, state
from . import cards, feeds
from .figuresizes import with_figure_sizes
from .search import search_payload
from .sharing import listing_meta, share_data
from .views import XML_MIMETYPE, _site_url_or_404, blueprint, cached_page, format_date, render

# Endpoints whose URLs come from the content (see views.CONTENT_ENDPOINTS).
READER_CONTENT_ENDPOINTS = frozenset({"research_blog.series_feed", "research_blog.card_image"})

blueprint.add_app_template_global(share_data, "research_blog_share")
blueprint.add_app_template_global(listing_meta, "research_blog_listing_meta")
blueprint.add_app_template_filter(label_code_blocks, "research_blog_code_labels")


@blueprint.app_template_filter("research_blog_figure_sizes")
def figure_sizes(html: str) -> Markup:
    """A body's figures with their width and height, lazily loaded after the first (figuresizes.py)."""
    return with_figure_sizes(html, state().figures_dir)


@blueprint.route("/search/")
@cached_page()
def search():
    """The search page: results appear as the reader types (static/research_blog/js/search.js)."""
    visible = published()
    return render("search.html", categories=visible.categories, tags=visible.tags)


@blueprint.route("/search-index.json")
@cached_page("application/json")
def search_index():
    """The text of every visible post that lunr.js indexes in the browser, built once per content version."""
    posts = public_posts()
    # The index reads every post's HTML: render what is not cached yet on every core first.
    render_all([(post.body, "htmlAndMathml", post.library) for post in posts])
    return json.dumps(search_payload(posts), ensure_ascii=False, separators=(",", ":")), 200


@blueprint.route("/series/<name>/feed.xml")
@cached_page(XML_MIMETYPE)
def series_feed(name: str):
    """An Atom feed of one series' parts, for readers who follow just that series."""
    _site_url_or_404()
    parts = published().series_parts(name)
    if not parts:
        abort(404)
    return feeds.series_feed(parts, name), 200


def series_line(visible: Published, post) -> str | None:
    """``Part 2 of 4 · Modern post-training`` for a series part, else None."""
    position = visible.series_position(post)
    return f"Part {position.part} of {position.total} · {position.title}" if position else None


def card_of(visible: Published, post) -> tuple[str, str | None, str, str]:
    """What a post's share card shows: title, series line, site name and a line of facts."""
    facts = f"{post.category} · {format_date(post.date)} · {post.reading_minutes} min read"
    return post.title, series_line(visible, post), current_app.config["BLOG_TITLE"], facts


@blueprint.route("/<slug>/card.png")
def card_image(slug: str):
    """The post's share card (Open Graph / Twitter image), drawn once per title."""
    visible = published()
    post = visible.by_slug.get(slug) or abort(404)
    return Response(cards.card_png(*card_of(visible, post)), mimetype="image/png")


def reader_freeze_urls():
    """The URLs of the pages above that depend on the content, for Frozen-Flask."""
    visible = published()
    for post in visible.posts:
        yield "research_blog.card_image", {"slug": post.slug}
    for name in visible.series:
        yield "research_blog.series_feed", {"name": name}
