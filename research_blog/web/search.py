"""What readers search: each post's text, field by field, from the same Post objects as the pages.

The blog serves the text (/search-index.json); search.js builds the lunr.js index
from it in the reader's browser (lunr.js is vendored in static/research_blog/js/),
once, as soon as the search page has it. Text is smaller than a built index, which
repeats every word with its postings (the 1,000 posts of scripts/corpus.py: 0.8 MB
against 2.0 MB, 0.16 MB against 0.31 MB gzipped), and the server builds no index:
a changed post only means new text to serve. One client works served, frozen (at
the root or under a sub-path) and embedded: it needs the JSON's URL and the blog's
root.

What is indexed, per post: the title, the summary, the tags, the headings and
the words of the body. Math is indexed by the words its TeX spells out
(``\\operatorname{softmax}`` -> ``softmax``), never by symbols or commands; code
by its identifiers. From the body, each post keeps the BODY_WORDS words that
best tell it apart (tf-idf: used often in this post, by few others). The reader
pays for every word twice, downloading it and indexing it before the first
search: with every body word, the 1,000 posts of scripts/search_benchmark.py are
6.3 MB of JSON (0.4 MB gzipped) that lunr.js takes about 4 s to index in
chromium, against 1.2 MB and 0.6-1.5 s with the cut (BENCHMARKS.md). Title,
summary, tags and headings are indexed whole.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable
from html import unescape
from pathlib import Path
from typing import Any

from ..content.post import Post
from ..render.cache import Unreadable, field, fingerprint, text_digest
from ..render.headings import visible_text
from ..render.pipeline import PIPELINE, TocEntry, disk_cache
from .views import format_date as shown_date  # the date as every page shows it

# Boosts: a word in the title says far more about a post than one in its body.
# search.js hands lunr.js these fields, with these boosts, in this order.
FIELDS = (("title", 10), ("tags", 6), ("summary", 4), ("headings", 3), ("body", 1))
SUMMARY_CHARS = 220  # what a result shows under its title
BODY_WORDS = 40  # distinctive body words kept per post

_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


def tex_words(tex: str) -> list[str]:
    """The words a formula spells out: ``\\operatorname{softmax}(x)`` -> ``["softmax"]``.

    Commands (``\\frac``, ``\\mathbb``) are notation, and single letters are
    variables: neither is what a reader types into a search box.
    """
    return [word for word in _WORD.findall(_TEX_COMMAND.sub(" ", tex)) if len(word) > 1 and not word.isdigit()]


# One pass of a regular expression over the rendered HTML: a tag, or the text up
# to the next tag. Python's HTMLParser does the same work about ten times slower,
# which at a thousand posts was most of a freeze.
_TOKEN = re.compile(r"<(/?)([A-Za-z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|<!--.*?-->|([^<]+)|<", re.S)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


class _BodyText:
    """Collect a post body's searchable words: prose as written, math by its TeX, code by identifiers."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self._skip = 0      # inside something a reader does not read as text (KaTeX's boxes, permalinks)
        self._code = 0      # inside <code> or <pre>
        self._mathml = 0    # inside KaTeX's MathML copy: only its <annotation> (the TeX) is read
        self._tex = False

    def feed(self, html: str) -> None:
        for found in _TOKEN.finditer(html):
            closing, tag, attrs, text = found.groups()
            if text is not None:
                self._data(unescape(text))
            elif tag and closing:
                self._end(tag.lower())
            elif tag and not attrs.rstrip().endswith("/"):  # <img ... /> has no end tag to balance
                self._start(tag.lower(), attrs)

    def _start(self, tag: str, attrs: str) -> None:
        found = _CLASS.search(attrs)
        classes = next((group for group in found.groups() if group is not None), "").split() if found else []
        if self._skip or "katex-html" in classes or "headerlink" in classes or "footnote-backref" in classes:
            self._skip += 1
        elif self._mathml or "katex-mathml" in classes:
            self._mathml += 1
            self._tex = tag == "annotation"
        elif tag in ("code", "pre"):
            self._code += 1

    def _end(self, tag: str) -> None:
        if self._skip:
            self._skip -= 1
        elif self._mathml:
            self._mathml -= 1
            self._tex = False
        elif tag in ("code", "pre") and self._code:
            self._code -= 1

    def _data(self, data: str) -> None:
        if self._skip:
            return
        if self._tex:
            self.words.extend(tex_words(data))
        elif self._code:
            self.words.extend(_IDENTIFIER.findall(data))
        elif not self._mathml:
            self.words.extend(_WORD.findall(data))


def body_words(html: str) -> Counter[str]:
    """How often each searchable word of a rendered body occurs (casefolded, in order of first use)."""
    parser = _BodyText()
    parser.feed(html)
    return Counter(word.casefold() for word in parser.words)


_SEARCH_RULE = fingerprint([Path(__file__).read_bytes()])


def _words_key(body: str, library) -> str:
    return fingerprint(["search-words", _SEARCH_RULE, PIPELINE, library.digest, text_digest(body)])


def _text_of_render(rendered) -> dict:
    return {"words": list(body_words(rendered.html).items()), "headings": " ".join(_heading_texts(rendered.toc))}


def post_text(post: Post) -> tuple[Counter[str], str]:
    """The post's body words (``body_words``) and its headings' words, kept on disk beside its render.

    Finding them costs ms a post; a freeze after an edit reads a thousand of them.
    """
    key = _words_key(post.body, post.library)
    found = disk_cache().get(key, _text_from)
    if found is None:  # absent or unreadable: find it again
        stored = _text_of_render(post.rendered)
        disk_cache().put(key, stored)
        found = Counter(dict(stored["words"])), stored["headings"]
    return found


def _text_from(entry: Any) -> tuple[Counter[str], str]:
    """A post's text as kept (``_text_of_render``), every field checked: anything else raises Unreadable."""
    words = field(entry, "words", list)
    if not all(type(pair) is list and len(pair) == 2 and type(pair[0]) is str and type(pair[1]) is int
               for pair in words):
        raise Unreadable("not a list of words and counts")
    return Counter(dict(words)), field(entry, "headings", str)


def words_of_render(key: tuple, rendered) -> dict | None:
    """For rendering.render_all's workers: the searchable text of a page's render, while it is at hand."""
    body, math_output, library = key
    return _text_of_render(rendered) if math_output == "htmlAndMathml" else None


def keep_words(key: tuple, text: dict) -> None:
    """Put the text ``words_of_render`` found in a worker where ``post_text`` looks."""
    body, _, library = key
    disk_cache().put(_words_key(body, library), text)


def _heading_texts(entries: Iterable[TocEntry]) -> list[str]:
    texts = []
    for entry in entries:
        texts.append(" ".join(tex_words_in_label(entry.label_html)))
        texts.extend(_heading_texts(entry.children))
    return texts


def tex_words_in_label(label_html: str) -> list[str]:
    """A contents label's words: the visible text of prose, the TeX words of its math."""
    parser = _BodyText()
    parser.feed(label_html)
    return parser.words or visible_text(label_html).split()


def search_document(post: Post, body: list[str], headings: str) -> list[str]:
    """The text lunr.js indexes for a post, one string per field, in the order of FIELDS.

    A list rather than an object: the field names, repeated in every post, would
    add 5% to the JSON.
    """
    texts = {
        "title": post.title,
        "tags": " ".join(tag.name for tag in post.tags),
        "summary": post.summary,
        "headings": headings,
        "body": " ".join(body),
    }
    return [texts[name] for name, _boost in FIELDS]


def distinctive_words(bodies: list[Counter[str]], keep: int = BODY_WORDS) -> list[list[str]]:
    """For each body, the ``keep`` words of highest tf-idf (ties: first use).

    A word every post uses ("the", "model" on an ML blog) scores 0 and is never
    kept; a word one post uses all the time scores highest.
    """
    used_by = Counter(word for counts in bodies for word in counts)
    total = len(bodies)
    idf = {word: math.log(total / users) for word, users in used_by.items()}
    # nlargest keeps the first of equal scores, as a stable sort would: ties go to first use.
    return [[word for word, _ in heapq.nlargest(keep, counts.items(), key=lambda item: item[1] * idf[item[0]])]
            for counts in bodies]


def _short(text: str, limit: int = SUMMARY_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def search_payload(posts: list[Post]) -> dict:
    """The JSON a browser downloads: what lunr.js indexes, and what a result shows.

    ``fields`` are the field names with their boosts; ``documents[n]`` is the text
    of each field for post n (``search_document``), and ``docs[n]`` what its result
    shows: ``[slug, title, summary, ISO date, date as shown, reading minutes]``.
    The index refers to a post by its position n, the same in both lists.
    """
    texts = [post_text(post) for post in posts]
    bodies = distinctive_words([words for words, _ in texts])
    return {
        "version": 2,
        "fields": [{"name": name, "boost": boost} for name, boost in FIELDS],
        "documents": [search_document(post, body, headings)
                      for post, body, (_, headings) in zip(posts, bodies, texts, strict=True)],
        "docs": [[post.slug, post.title, _short(post.summary), post.date.isoformat(), shown_date(post.date), post.reading_minutes]
                 for post in posts],
    }
