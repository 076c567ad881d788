"""Pages that help readers find and share posts: search, series feeds, share cards.

They live on the blog's one blueprint (views.py), so ``url_for('research_blog.search')``
and the rest work served, frozen and under a prefix like every other page.
"""

from __future__ import annotations

from flask import Response, abort, current_app, request, url_for
from markupsafe import Markup

from ..content.published import Published
from ..render.codeblocks import label_code_blocks
from ..state import generation, published, state
from . import assets, cards, encodings, feeds, findindex, indexkeeper, searchfiles
from .figuresizes import with_figure_sizes
from .sharing import listing_meta, share_data
from .views import XML_MIMETYPE, _site_url_or_404, blueprint, cached_page, format_date, render

# Endpoints whose URLs come from the content (see views.CONTENT_ENDPOINTS).
# The search index's files too: their URLs carry the index's version, which only the content decides.
READER_CONTENT_ENDPOINTS = frozenset({"research_blog.series_feed", "research_blog.card_image",
                                      "research_blog.search_file"})
_MIMETYPES = {".js": "text/javascript", ".json": "application/json"}  # the rest: Pagefind's binary files

blueprint.add_app_template_global(share_data, "research_blog_share")
blueprint.add_app_template_global(listing_meta, "research_blog_listing_meta")
blueprint.add_app_template_filter(label_code_blocks, "research_blog_code_labels")


@blueprint.app_template_filter("research_blog_figure_sizes")
def figure_sizes(html: str) -> Markup:
    """A body's figures with their width and height, lazily loaded after the first (figuresizes.py)."""
    return with_figure_sizes(html, state().figures_dir)


@blueprint.route("/search/")
def search():
    """The search page: the query in the address runs on load (static/research_blog/js/search.js).

    It names the index's current version (the folder of its files), so it is not
    kept in the page cache: a served blog builds the index in the background, and
    until it is ready the page says so and its script asks for the page again.
    """
    visible = published()
    bundle = indexkeeper.keeper().bundle(generation())
    bundle_url = (url_for("research_blog.search_file", version=bundle.version, name="pagefind.js")
                  if bundle and bundle.files else None)
    preloads = ([url_for("research_blog.search_file", version=bundle.version, name=name)
                 for name in bundle.files if name.endswith((".pf_meta", ".pagefind"))]
                if bundle_url else [])
    page, status = render("search.html", categories=visible.categories, tags=visible.tags,
                          series={slug: visible.series_parts(slug)[0].series for slug in visible.series
                                  if visible.series_parts(slug)},
                          bundle_url=bundle_url, preloads=preloads, filters=findindex.filter_choices(visible.posts),
                          nothing_indexed=bool(bundle and not bundle.files),
                          index_error=indexkeeper.keeper().error)
    response = Response(page, status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache" if bundle else "no-store"
    return response


@blueprint.route("/pagefind/<version>/<path:name>")
def search_file(version: str, name: str):
    """One file of the search index (Pagefind's bundle), from memory, cached for good under its version."""
    data = indexkeeper.keeper().file(version, name)
    if data is None:
        abort(404)
    suffix = name[name.rfind("."):] if "." in name else ""
    mimetype = _MIMETYPES.get(suffix, "application/octet-stream")
    body, encoding = searchfiles.encoded(name, data, mimetype,
                                         encodings.chosen_for(request.headers.get("Accept-Encoding", "")))
    response = Response(body, mimetype=mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if searchfiles.has_forms(name, data, mimetype):
        response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = assets.CACHE_FOREVER
    return response


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

