"""The blueprint: every page of the blog, each view a few lines."""

from __future__ import annotations

import datetime as dt
import mimetypes

from flask import Blueprint, Response, abort, current_app, render_template, send_file

from . import feeds, taxonomy
from .checks import rendered_problems
from .content import ContentError, Post
from .extension import public_posts, state
from .related import related_posts
from .rendering import figure_files, highlight_css
from .security import META_CONTENT_SECURITY_POLICY, add_security_headers
from .shipped import shipped_dir
from .sources import inside
from .urls import external_url, site_url_known

blueprint = Blueprint(
    "research_blog",
    __name__,
    template_folder=str(shipped_dir("templates")),
    static_folder=str(shipped_dir("static") / "research_blog"),
    static_url_path="/assets",
)
blueprint.after_request(add_security_headers)

# What a static host will send for our .xml files: serving the same type here
# keeps Frozen-Flask's MIME check quiet and the served and frozen sites alike.
XML_MIMETYPE = mimetypes.guess_type("feed.xml")[0] or "application/xml"


@blueprint.app_template_filter("research_blog_date")
def format_date(day: dt.date) -> str:
    """``2026-11-02`` -> ``Nov 2, 2026`` (namespaced: the filter is app-wide)."""
    return f"{day:%b} {day.day}, {day.year}"


def render(template: str, status: int = 200, **context) -> tuple[str, int]:
    """Render one of our namespaced templates with the blog's settings."""
    return render_template(f"research_blog/{template}", blog=current_app.config,
                           feeds_served=site_url_known(), csp=META_CONTENT_SECURITY_POLICY, **context), status


def _find(posts: list[Post], slug: str) -> Post:
    for post in posts:
        if post.slug == slug:
            return post
    abort(404)


@blueprint.route("/")
def index():
    """Show all visible posts, newest first."""
    return render("index.html", posts=public_posts(), canonical=external_url(".index"))


@blueprint.route("/<slug>/")
def post(slug: str):
    """Show one post with its table of contents, series and neighbours."""
    posts = public_posts()
    found = _find(posts, slug)
    previous, following = taxonomy.neighbours(posts, found)
    return render(
        "post.html", post=found, series=taxonomy.series_position(posts, found),
        previous=previous, following=following, canonical=external_url(".post", slug=slug),
        problems=_problems_for_the_writer(found), related=related_posts(posts, found),
    )


def _problems_for_the_writer(post: Post) -> list:
    """On the dev server, what `check` would say about this post's math, links and figures."""
    if not current_app.debug:
        return []
    slugs = {p.slug for p in state().collection.loaded().posts}
    return rendered_problems(post, slugs, state().figures_dir)


@blueprint.route("/<slug>/figures/<path:filename>")
def figure(slug: str, filename: str):
    """Serve a figure that a post references as ``figures/<file>``."""
    _find(public_posts(), slug)
    # Only a file inside the content folder, even through a symlink: never /etc/passwd.
    found = inside(state().content_dir, state().figures_dir / filename)
    if found is None or not found.is_file():
        abort(404)
    return send_file(found)


@blueprint.route("/category/<name>/")
def category(name: str):
    """List the posts of one category."""
    posts = public_posts()
    heading = taxonomy.categories(posts).get(name) or abort(404)
    return render("list.html", heading=heading, kind="Category", posts=[p for p in posts if p.category_slug == name])


@blueprint.route("/tags/<name>/")
def tag(name: str):
    """List the posts carrying one tag."""
    posts = public_posts()
    heading = taxonomy.tags(posts).get(name) or abort(404)
    return render("list.html", heading=heading, kind="Tag", posts=[p for p in posts if any(t.slug == name for t in p.tags)])


@blueprint.route("/series/<name>/")
def series(name: str):
    """List the parts of a series in order."""
    parts = taxonomy.series_parts(public_posts(), name)
    if not parts:
        abort(404)
    return render("series.html", title=parts[0].series, parts=parts)


def _site_url_or_404() -> None:
    if not site_url_known():
        blog = state()
        if not blog.warned_no_site_url:
            blog.warned_no_site_url = True
            current_app.logger.warning("The feed and sitemap need absolute URLs and are not served: set BLOG_SITE_URL "
                                       "to the site's public URL (or TRUSTED_HOSTS, behind a proxy that sets Host)")
        abort(404)


@blueprint.route("/feed.xml")
def feed():
    """The Atom feed, with full post content and absolute URLs (built once per content version)."""
    _site_url_or_404()
    posts = public_posts()
    key = ("feed", state().collection.version, external_url(".feed"), tuple(p.slug for p in posts[:feeds.FEED_SIZE]))
    return Response(state().cached(key, lambda: feeds.atom_feed(posts)), mimetype=XML_MIMETYPE)


@blueprint.route("/sitemap.xml")
def sitemap():
    """The sitemap of every visible page."""
    _site_url_or_404()
    return Response(feeds.sitemap(public_posts()), mimetype=XML_MIMETYPE)


@blueprint.route("/robots.txt")
def robots():
    """Allow crawling and point at the sitemap (when its absolute URL is known)."""
    sitemap_url = external_url(".sitemap")
    text = "User-agent: *\nAllow: /\n" + (f"Sitemap: {sitemap_url}\n" if sitemap_url else "")
    return Response(text, mimetype="text/plain")


@blueprint.route("/highlight.css")
def highlight():
    """Pygments CSS for code blocks, light and dark."""
    return Response(highlight_css(), mimetype="text/css")


@blueprint.app_errorhandler(ContentError)
def content_error(error: ContentError):
    """Show every content problem to the writer (dev server); readers get a plain error page."""
    if current_app.debug:
        return render("content_error.html", status=500, problems=error.problems)
    current_app.logger.error("Content problems:\n%s", error)
    return render("error.html", status=500)


@blueprint.errorhandler(404)
def not_found(error):
    """A real 404 page for missing posts and lists."""
    return render("404.html", status=404)


# The endpoints whose pages exist only if the content has them (a post, a figure,
# a tag...): freeze_urls yields their URLs, and the freezer does not expect any.
CONTENT_ENDPOINTS = frozenset(f"research_blog.{name}" for name in ("post", "figure", "category", "tag", "series"))


def freeze_urls():
    """Every URL with arguments, for Frozen-Flask (pages without arguments it finds itself)."""
    posts = public_posts()
    for post in posts:
        yield "research_blog.post", {"slug": post.slug}
        for filename in figure_files(post.rendered.html):
            yield "research_blog.figure", {"slug": post.slug, "filename": filename}
    for name in taxonomy.categories(posts):
        yield "research_blog.category", {"name": name}
    for name in taxonomy.tags(posts):
        yield "research_blog.tag", {"name": name}
    for name in taxonomy.series_slugs(posts):
        yield "research_blog.series", {"name": name}

