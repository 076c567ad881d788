"""The "Cite this post" block: a BibTeX entry and a plain-text citation for a post.

The author is the site's ``BLOG_AUTHOR``; the URL is the post's absolute URL,
which exists only where the site's address is known (``BLOG_SITE_URL``, a
freeze's ``--base-url``): without it the citation goes without a URL rather
than with a guessed one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..content.post import Post

# Characters BibTeX (and LaTeX after it) would read as markup.
_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")


@dataclass(frozen=True)
class PostCitation:
    key: str
    bibtex: str
    text: str


def _ascii_word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _bibtex_value(text: str) -> str:
    escaped = _BIBTEX_SPECIAL.sub(lambda m: {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                                              "\\": r"\textbackslash{}"}.get(m.group(1), "\\" + m.group(1)), text)
    return "{" + escaped + "}"


def cite_this(post: Post, author: str, site_title: str, url: str | None) -> PostCitation:
    """How to cite ``post``: as a BibTeX ``@online`` entry and as one line of text."""
    surname = _ascii_word(author.split()[-1]) if author.split() else "blog"
    key = f"{surname or 'blog'}{post.date.year}{_ascii_word(post.slug.split('-')[0])}"
    # Single braces: BibTeX reads a person's name ("Ada Lovelace" is Lovelace, A.); double
    # braces would make it one corporate name, cited as "Ada Lovelace" and sorted under A.
    fields = [("author", _bibtex_value(author)),
              ("title", _bibtex_value(post.title)), ("year", f"{{{post.date.year}}}"),
              ("month", f"{{{post.date.month}}}"), ("organization", _bibtex_value(site_title))]
    if url:
        fields.append(("url", "{" + url + "}"))
    body = ",\n".join(f"  {name:<12} = {value}" for name, value in fields)
    when = f"{post.date.day} {post.date:%B %Y}"
    text = f"{author}. “{post.title}.” {site_title}, {when}." + (f" {url}" if url else "")
    return PostCitation(key, f"@online{{{key},\n{body}\n}}", text)
