"""What a post tells the sites it is shared on: Open Graph, Twitter card and JSON-LD.

All of it needs absolute URLs, so without a trusted site URL (see urls.py) a
page carries none of it rather than a guessed address.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..content.post import Post
from .urls import external_url


@dataclass(frozen=True)
class Share:
    url: str
    image: str
    meta: tuple[tuple[str, str, str], ...]  # (attribute, name, content) of each <meta>
    json_ld: dict


def share_data(post: Post) -> Share | None:
    """Open Graph and Twitter meta and a schema.org BlogPosting for ``post``, or None without absolute URLs."""
    url = external_url("research_blog.post", slug=post.slug)
    if url is None:
        return None
    image = external_url("research_blog.card_image", slug=post.slug)
    config = current_app.config
    published = post.date.isoformat()
    modified = (post.updated or post.date).isoformat()
    meta = (
        ("property", "og:type", "article"),
        ("property", "og:site_name", config["BLOG_TITLE"]),
        ("property", "og:title", post.title),
        ("property", "og:description", post.summary),
        ("property", "og:url", url),
        ("property", "og:image", image),
        ("property", "og:image:width", "1200"),
        ("property", "og:image:height", "630"),
        ("property", "og:image:alt", post.title),
        ("property", "article:published_time", published),
        ("property", "article:modified_time", modified),
        ("property", "article:section", post.category),
        *(("property", "article:tag", tag.name) for tag in post.tags),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", post.title),
        ("name", "twitter:description", post.summary),
        ("name", "twitter:image", image),
    )
    json_ld = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.summary,
        "url": url,
        "mainEntityOfPage": url,
        "image": image,
        "datePublished": published,
        "dateModified": modified,
        "author": _author(config["BLOG_AUTHOR"], config["BLOG_TITLE"]),
        "publisher": {"@type": "Organization", "name": config["BLOG_TITLE"]},
        "articleSection": post.category,
        "keywords": [tag.name for tag in post.tags],
        "inLanguage": config["BLOG_LANGUAGE"],
    }
    return Share(url, image, meta, json_ld)


def _author(author: str, site: str) -> dict:
    """A schema.org author: a Person, unless the author is the site itself (BLOG_AUTHOR left at the title)."""
    return {"@type": "Organization" if author == site else "Person", "name": author}


def listing_meta(url: str | None) -> tuple[tuple[str, str, str], ...]:
    """Open Graph tags for the listing: a website, titled and described as the blog is."""
    if url is None:
        return ()
    config = current_app.config
    return (
        ("property", "og:type", "website"),
        ("property", "og:site_name", config["BLOG_TITLE"]),
        ("property", "og:title", config["BLOG_TITLE"]),
        ("property", "og:description", config["BLOG_TAGLINE"]),
        ("property", "og:url", url),
        ("name", "twitter:card", "summary"),
    )
