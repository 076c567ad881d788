"""The blueprint: every page of the blog, each view a few lines."""

from __future__ import annotations

import datetime as dt
import mimetypes
from functools import lru_cache, wraps

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file, send_from_directory, url_for

from ..content.checks import rendered_problems
from ..content.post import ContentError, Post
from ..content.shipped import shipped_dir
from ..content.sources import figure_file
from ..render.pipeline import highlight_css
from ..state import generation, published, state
from . import assets, encodings, feeds, livereload
from .citethis import PostCitation, cite_this
from .paging import Pager
from .security import META_CONTENT_SECURITY_POLICY, SECURED, add_security_headers
from .urls import external_url, site_url_known

blueprint = Blueprint("research_blog", __name__, template_folder=str(shipped_dir("templates")))
blueprint.after_request(add_security_headers)

# What a static host will send for our .xml files: serving the same type here
# keeps Frozen-Flask's MIME check quiet and the served and frozen sites alike.
XML_MIMETYPE = mimetypes.guess_type("feed.xml")[0] or "application/xml"


@blueprint.app_template_filter("research_blog_date")
def format_date(day: dt.date) -> str:
    """``2026-11-02`` -> ``Nov 2, 2026`` (namespaced: the filter is app-wide)."""
    return f"{day:%b} {day.day}, {day.year}"


@blueprint.app_template_global("research_blog_menu_url")
def menu_url(target: str) -> str:
    """A BLOG_MENU target as a link: a path is inside the blog (under its prefix, served or frozen)."""
    if target.startswith("/"):
        return url_for("research_blog.index").rstrip("/") + target
    return target


def asset_url(filename: str) -> str:
    """The fingerprinted URL of a static file (see assets.py)."""
    return url_for("research_blog.asset", version=assets.version(current_app.debug), filename=filename)


@blueprint.app_template_global("research_blog_cite_this")
def cite_this_post(post: Post, url: str | None) -> PostCitation:
    """The "Cite this post" block of ``post`` (namespaced: the global is app-wide)."""
    return cite_this(post, current_app.config["BLOG_AUTHOR"], current_app.config["BLOG_TITLE"], url)


def render(template: str, status: int = 200, **context) -> tuple[str, int]:
    """Render one of our namespaced templates with the blog's settings."""
    if "canonical" not in context:
        context["canonical"] = _canonical_here() if status == 200 else None
    return render_template(f"research_blog/{template}", blog=current_app.config, asset=asset_url,
                           highlight_url=url_for("research_blog.highlight", version=assets.version(current_app.debug)),
                           feeds_served=site_url_known(), csp=META_CONTENT_SECURITY_POLICY,
                           live_reload=livereload.script_url(), **context), status


def _canonical_here() -> str | None:
    """This page's absolute URL without its query (a search's canonical page is /search/)."""
    if not request.endpoint or not request.endpoint.startswith("research_blog."):
        return None
    return external_url(request.endpoint, **(request.view_args or {}))


def cached_page(mimetype: str = "text/html"):
    """Serve a view's successful output from the page cache, with an ETag of its bytes and 304s (pagecache.py)."""
    def decorate(view):
        @wraps(view)
        def serve(**values):
            current, app, asked = generation(), current_app._get_current_object(), request._get_current_object()
            blog = state(app)
            # Where absolute URLs come from the request, the host is part of what the page says.
            key = (asked.script_root, asked.path, "" if app.config.get("BLOG_SITE_URL") else asked.host)
            page = blog.pages.get(current, key)
            if page is None:
                body, status = view(**values)
                if status != 200:
                    return body, status
                data = body if isinstance(body, bytes) else body.encode("utf-8")
                page = blog.pages.put(current, key, data, mimetype)
            environ = asked.environ
            body, headers = page.encoded(encodings.chosen_for(environ.get("HTTP_ACCEPT_ENCODING", "")))
            response = Response(body, mimetype=page.mimetype, headers=headers)
            setattr(response, SECURED, True)  # page.headers holds them
            if "HTTP_IF_NONE_MATCH" in environ:  # only the ETag earns a 304: no Last-Modified is sent
                response.make_conditional(asked)
            return response
        return serve
    return decorate


def _page_of(posts: list, number: int) -> tuple[list, Pager]:
    """One page of ``posts`` (404 past the last) and the pager that links its neighbours."""
    size = int(current_app.config["BLOG_PAGE_SIZE"])
    pager = Pager(number, max(1, -(-len(posts) // size)), request.endpoint, dict(request.view_args))
    if number < 1 or number > pager.count:
        abort(404)
    return posts[(number - 1) * size:number * size], pager


@blueprint.route("/", defaults={"number": 1})
@blueprint.route("/page/<int:number>/")
@cached_page()
def index(number: int):
    """Show the visible posts, newest first, a page at a time."""
    shown, pager = _page_of(published().posts, number)
    return render("index.html", posts=shown, pager=pager, canonical=external_url(".index", number=number))


@blueprint.route("/<slug>/")
@cached_page()
def post(slug: str):
    """Show one post with its table of contents, series and neighbours."""
    visible = published()
    found = visible.by_slug.get(slug)
    if found is None:
        return _page(visible.pages.get(slug) or abort(404))
    previous, following = visible.neighbours(found)
    return render(
        "post.html", post=found, series=visible.series_position(found),
        previous=previous, following=following, canonical=external_url(".post", slug=slug),
        problems=_problems_for_the_writer(found), related=visible.related(found),
    )


def _page(page: Post):
    """A page that is not a post (kind: page): the site's layout, math, citations and figures, no post trappings."""
    return render("page.html", post=page, canonical=external_url(".post", slug=page.slug),
                  problems=_problems_for_the_writer(page))


def _problems_for_the_writer(post: Post) -> list:
    """On the dev server, what `check` would say about this post's math, links and figures."""
    if not current_app.debug:
        return []
    slugs = {p.slug for p in state().collection.loaded().posts}
    return rendered_problems(post, slugs, state().figures_dir)


@blueprint.route("/<slug>/figures/<path:filename>")
def figure(slug: str, filename: str):
    """Serve a figure that a post references as ``figures/<file>``."""
    visible = published()
    visible.by_slug.get(slug) or visible.pages.get(slug) or abort(404)
    found = figure_file(state().figures_dir, filename) or abort(404)
    # Werkzeug's validators come from size and mtime, which a figure replaced by a
    # copy that kept both (cp -p, rsync -a) shares with the old one. No copy can
    # keep the inode and change time, so the ETag names those, and no
    # Last-Modified is sent to be matched.
    info = found.stat()
    etag = f"{info.st_ino:x}-{info.st_size:x}-{info.st_mtime_ns:x}-{info.st_ctime_ns:x}"
    encoding = _encoding_for(found.name, info.st_size)
    if encoding:
        etag = f"{etag}-{encoding}"
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"', **_vary(found.name, info.st_size)})
    if encoding:
        response = _encoded_file(found, encoding)
        response.set_etag(etag)
        return response
    response = send_file(found, etag=etag, conditional=False)
    del response.headers["Last-Modified"]
    response.headers.update(_vary(found.name, info.st_size))
    return response


def _encoding_for(filename: str, size: int) -> str | None:
    """The encoding to send a file in (encodings.py), or None: not asked for, or not worth it."""
    mimetype = mimetypes.guess_type(filename)[0] or ""
    return encodings.chosen(request.accept_encodings) if encodings.compressible(mimetype, size) else None


def _vary(filename: str, size: int) -> dict[str, str]:
    """A file that has compressed forms varies with Accept-Encoding, even when sent as it is."""
    worth = encodings.compressible(mimetypes.guess_type(filename)[0] or "", size)
    return {"Vary": "Accept-Encoding"} if worth else {}


def _encoded_file(path, encoding: str) -> Response:
    mimetype = mimetypes.guess_type(path.name)[0]
    return Response(encodings.file_forms(path).get(encoding), mimetype=mimetype,
                    headers={"Content-Encoding": encoding, "Vary": "Accept-Encoding"})


@blueprint.route("/category/<name>/", defaults={"number": 1})
@blueprint.route("/category/<name>/page/<int:number>/")
@cached_page()
def category(name: str, number: int):
    """List the posts of one category, a page at a time."""
    visible = published()
    return _list_page("Category", visible.categories, visible.in_category, name, number)


@blueprint.route("/tags/<name>/", defaults={"number": 1})
@blueprint.route("/tags/<name>/page/<int:number>/")
@cached_page()
def tag(name: str, number: int):
    """List the posts carrying one tag, a page at a time."""
    visible = published()
    return _list_page("Tag", visible.tags, visible.with_tag, name, number)


@blueprint.route("/tags/")
@cached_page()
def tag_index():
    """List every tag, by name, with how many posts carry it."""
    visible = published()
    tags = [(slug, name, len(visible.with_tag[slug])) for slug, name in _by_name(visible.tags)]
    return render("tags.html", tags=tags)


def _by_name(names: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(names.items(), key=lambda item: (item[1].casefold(), item[0]))


def _list_page(kind: str, names: dict[str, str], members: dict[str, list[Post]], name: str, number: int):
    heading = names.get(name) or abort(404)
    shown, pager = _page_of(members[name], number)
    return render("list.html", heading=heading, kind=kind, posts=shown, pager=pager)


@blueprint.route("/series/<name>/", defaults={"number": 1})
@blueprint.route("/series/<name>/page/<int:number>/")
@cached_page()
def series(name: str, number: int):
    """List the parts of a series in order, a page at a time; parts not out yet say "coming soon"."""
    visible = published()
    parts = visible.series_parts(name)
    if not parts:
        abort(404)
    slots = visible.series_slots(name)
    shown, pager = _page_of(slots, number)
    total = visible.series_size(name)
    return render("series.html", title=parts[0].series, slug=name, slots=shown, total=total, pager=pager,
                  coming=total - len(parts), total_minutes=sum(part.reading_minutes for part in parts))


@blueprint.route("/series/")
@cached_page()
def series_index():
    """List every series, by name, with its parts and total reading time."""
    visible = published()
    names = {slug: visible.series_parts(slug)[0].series for slug in visible.series}
    series = [(slug, name, visible.series_parts(slug)) for slug, name in _by_name(names)]
    return render("series_index.html", series=series)


def _site_url_or_404() -> None:
    if not site_url_known():
        blog = state()
        if not blog.warned_no_site_url:
            blog.warned_no_site_url = True
            current_app.logger.warning("The feed and sitemap need absolute URLs and are not served: set BLOG_SITE_URL "
                                       "to the site's public URL (or TRUSTED_HOSTS, behind a proxy that sets Host)")
        abort(404)


@blueprint.route("/feed.xml")
@cached_page(XML_MIMETYPE)
def feed():
    """The Atom feed of the newest posts, with full content and absolute URLs."""
    _site_url_or_404()
    return feeds.atom_feed(published().posts), 200


@blueprint.route("/sitemap.xml")
@cached_page(XML_MIMETYPE)
def sitemap():
    """The sitemap of every visible page."""
    _site_url_or_404()
    visible = published()
    return feeds.sitemap(visible.posts, list(visible.pages.values())), 200


@blueprint.route("/robots.txt")
def robots():
    """Allow crawling and point at the sitemap (when its absolute URL is known)."""
    sitemap_url = external_url(".sitemap")
    text = "User-agent: *\nAllow: /\n" + (f"Sitemap: {sitemap_url}\n" if sitemap_url else "")
    return Response(text, mimetype="text/plain")


def _current_assets(version: str) -> None:
    if version != assets.version(current_app.debug):
        abort(404)


@blueprint.route("/assets/<version>/highlight.css")
def highlight(version: str):
    """Pygments CSS for code blocks, light and dark, cached for good under its version."""
    _current_assets(version)
    css = highlight_css()
    encoding = _encoding_for("highlight.css", len(css))
    if encoding:
        response = Response(_highlight_forms(css).get(encoding), mimetype="text/css",
                            headers={"Content-Encoding": encoding})
        response.set_etag(f"{version}-{encoding}")
        response.make_conditional(request)
    else:
        response = Response(css, mimetype="text/css")
    response.headers.update(_vary("highlight.css", len(css)))
    response.headers["Cache-Control"] = assets.CACHE_FOREVER
    return response


@lru_cache(maxsize=2)
def _highlight_forms(css: str) -> encodings.Forms:
    return encodings.Forms(css.encode("utf-8"), best=True)


@blueprint.route("/assets/<version>/<path:filename>")
def asset(version: str, filename: str):
    """A static file (CSS, KaTeX fonts, favicon), cached for good under its version."""
    _current_assets(version)
    if filename == livereload.SCRIPT and not livereload.is_on():
        abort(404)  # a production or frozen site has no live reload, not even its script
    path = assets.static_dir() / filename
    if assets.exists(filename):
        size = path.stat().st_size
        encoding = _encoding_for(filename, size)
        if encoding:
            response = _encoded_file(path, encoding)
            response.set_etag(f"{version}-{encoding}")  # the version names the file's content
            response.headers["Cache-Control"] = assets.CACHE_FOREVER
            return response.make_conditional(request)
    response = send_from_directory(assets.static_dir(), filename)
    if assets.exists(filename):
        response.headers.update(_vary(filename, path.stat().st_size))
    response.headers["Cache-Control"] = assets.CACHE_FOREVER
    return response


@blueprint.app_errorhandler(ContentError)
def content_error(error: ContentError):
    """Show every content problem to the writer (dev server); readers get a plain error page."""
    if current_app.debug:
        return render("content_error.html", status=500, problems=error.problems)
    current_app.logger.error("Content problems:\n%s", error)
    return render("error.html", status=500)


@blueprint.errorhandler(404)
def not_found(error):
    """A real 404 page for missing posts and lists (the same bytes for every missing URL)."""
    blog, key = state(), ("404", request.script_root)
    current = generation()
    page = blog.pages.get(current, key)
    if page is None:
        body, _ = render("404.html", status=404)
        page = blog.pages.put(current, key, body.encode("utf-8"), "text/html")
    return Response(page.body, status=404, mimetype=page.mimetype)


# The endpoints whose pages exist only if the content has them (a post, a figure,
# a tag...): freeze_urls yields their URLs, and the freezer does not expect any.
CONTENT_ENDPOINTS = frozenset(f"research_blog.{name}" for name in ("post", "figure", "category", "tag", "series"))


def _pages(count: int) -> range:
    size = int(current_app.config["BLOG_PAGE_SIZE"])
    return range(1, max(1, -(-count // size)) + 1)


def freeze_urls():
    """Every URL with arguments, for Frozen-Flask (pages without arguments it finds itself)."""
    visible = published()
    for number in _pages(len(visible.posts)):
        yield "research_blog.index", {"number": number}
    for post in [*visible.posts, *visible.pages.values()]:
        yield "research_blog.post", {"slug": post.slug}
        for filename in post.facts.figures:
            yield "research_blog.figure", {"slug": post.slug, "filename": filename}
    groups = [("category", visible.in_category), ("tag", visible.with_tag),
              ("series", {name: visible.series_slots(name) for name in visible.series})]
    for endpoint, members in groups:
        for name, posts in members.items():
            for number in _pages(len(posts)):
                yield f"research_blog.{endpoint}", {"name": name, "number": number}
    version = assets.version()
    yield "research_blog.highlight", {"version": version}
    for filename in assets.static_files():
        if filename != livereload.SCRIPT:
            yield "research_blog.asset", {"version": version, "filename": filename}

