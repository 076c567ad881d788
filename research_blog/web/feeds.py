"""The Atom feed and the sitemap, both with absolute URLs.

feedgen writes the Atom XML (escaping, dates, required elements). Post HTML
keeps relative links and figure paths; a feed reader has no page to resolve
them against, so they are made absolute here.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin
from xml.sax.saxutils import escape

from feedgen.feed import FeedGenerator
from flask import current_app

from ..content import taxonomy
from ..content.post import Post
from ..render.pipeline import render_markdown
from .urls import external_url

_RELATIVE_ATTR = re.compile(r'(\s(?:href|src))="(?![a-z][a-z0-9+.-]*:|#|/)([^"]*)"')
FEED_SIZE = 20


def absolute_links(html: str, base: str) -> str:
    """Resolve relative ``href``/``src`` values in ``html`` against ``base``."""
    return _RELATIVE_ATTR.sub(lambda m: f'{m.group(1)}="{urljoin(base, m.group(2))}"', html)


def _timestamp(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def atom_feed(posts: list[Post]) -> bytes:
    """An Atom document of the newest posts, with their full content."""
    config = current_app.config
    return _atom(posts[:FEED_SIZE], config["BLOG_TITLE"], config["BLOG_TAGLINE"],
                 external_url("research_blog.index"), external_url("research_blog.feed"))


def series_feed(parts: list[Post], series_slug: str) -> bytes:
    """An Atom document of every visible part of one series, for readers following it."""
    title = f"{parts[0].series} · {current_app.config['BLOG_TITLE']}"
    subtitle = f"The {len(parts)} part{'' if len(parts) == 1 else 's'} of the series {parts[0].series}, in part order."
    return _atom(parts, title, subtitle, external_url("research_blog.series", name=series_slug),
                 external_url("research_blog.series_feed", name=series_slug))


def _atom(posts: list[Post], title: str, subtitle: str, home: str, self_url: str) -> bytes:
    config = current_app.config
    generator = FeedGenerator()
    generator.id(home)
    generator.title(title)
    generator.subtitle(subtitle)
    generator.author({"name": config["BLOG_AUTHOR"]})
    generator.link(href=home, rel="alternate")
    generator.link(href=self_url, rel="self")
    generator.language(config["BLOG_LANGUAGE"])
    newest = max((p.updated or p.date for p in posts), default=dt.date(2000, 1, 1))
    generator.updated(_timestamp(newest))
    # feedgen lists entries newest-added first, so add the last one shown first.
    for post in reversed(posts):
        url = external_url("research_blog.post", slug=post.slug)
        entry = generator.add_entry()
        entry.id(url)
        entry.title(post.title)
        entry.link(href=url)
        entry.summary(post.summary)
        html = render_markdown(post.body, math_output="mathml", library=post.library).html
        entry.content(absolute_links(html, url), type="html")
        entry.published(_timestamp(post.date))
        entry.updated(_timestamp(post.updated or post.date))
        entry.category(term=post.category)
    return generator.atom_str(pretty=True)


def sitemap(posts: list[Post], standalone: list[Post] = ()) -> str:
    """A sitemaps.org document listing the front page, posts, pages that are not posts, and list pages."""
    pages = [(external_url("research_blog.index"), max((p.updated or p.date for p in posts), default=None))]
    pages += [(external_url("research_blog.post", slug=p.slug), p.updated or p.date) for p in posts]
    pages += [(external_url("research_blog.post", slug=p.slug), None) for p in standalone]
    pages += [(external_url("research_blog.category", name=n), None) for n in taxonomy.categories(posts)]
    pages += [(external_url("research_blog.tag", name=n), None) for n in taxonomy.tags(posts)]
    pages += [(external_url("research_blog.series", name=n), None) for n in taxonomy.series_slugs(posts)]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, modified in pages:
        lastmod = f"<lastmod>{modified.isoformat()}</lastmod>" if modified else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
