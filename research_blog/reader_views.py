"""Pages that help readers find and share posts: search, series feeds, share cards.

They live on the blog's one blueprint (views.py), so ``url_for('research_blog.search')``
and the rest work served, frozen and under a prefix like every other page.
"""

from __future__ import annotations

import json

from flask import Response, abort, current_app

from . import cards, feeds, taxonomy
from .codeblocks import label_code_blocks
from .extension import public_posts, state
from .search import search_payload
from .sharing import share_data
from .views import XML_MIMETYPE, _find, _site_url_or_404, blueprint, render

# Endpoints whose URLs come from the content (see views.CONTENT_ENDPOINTS).
READER_CONTENT_ENDPOINTS = frozenset({"research_blog.series_feed", "research_blog.card_image"})

blueprint.add_app_template_global(share_data, "research_blog_share")
blueprint.add_app_template_filter(label_code_blocks, "research_blog_code_labels")


@blueprint.route("/search/")
def search():
    """The search page: results appear as the reader types (static/research_blog/js/search.js)."""
    posts = public_posts()
    return render("search.html", categories=taxonomy.categories(posts), tags=taxonomy.tags(posts))


@blueprint.route("/search-index.json")
def search_index():
    """lunr's index of every visible post, built once per content version."""
    posts = public_posts()
    key = ("search", state().collection.version, tuple(p.slug for p in posts))
    body = state().cached(key, lambda: json.dumps(search_payload(posts), ensure_ascii=False, separators=(",", ":")))
    return Response(body, mimetype="application/json")


@blueprint.route("/series/<name>/feed.xml")
def series_feed(name: str):
    """An Atom feed of one series' parts, for readers who follow just that series."""
    _site_url_or_404()
    parts = taxonomy.series_parts(public_posts(), name)
    if not parts:
        abort(404)
    return Response(feeds.series_feed(parts, name), mimetype=XML_MIMETYPE)


def series_line(posts, post) -> str | None:
    """``Part 2 of 4 · Modern post-training`` for a series part, else None."""
    position = taxonomy.series_position(posts, post)
    return f"Part {position.part} of {position.total} · {position.title}" if position else None


@blueprint.route("/<slug>/card.png")
def card_image(slug: str):
    """The post's share card (Open Graph / Twitter image), drawn once per title."""
    posts = public_posts()
    post = _find(posts, slug)
    png = cards.card_png(post.title, series_line(posts, post), current_app.config["BLOG_TITLE"])
    return Response(png, mimetype="image/png")


def reader_freeze_urls():
    """The URLs of the pages above that depend on the content, for Frozen-Flask."""
    posts = public_posts()
    for post in posts:
        yield "research_blog.card_image", {"slug": post.slug}
    for name in taxonomy.series_slugs(posts):
        yield "research_blog.series_feed", {"name": name}
