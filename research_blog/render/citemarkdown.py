"""A Markdown extension for citations: ``[@key]``, ``[@a; @b]`` and narrative ``@key``.

Keys are written as Pandoc writes them: letters, digits and ``_``, with inner
punctuation ``:.#$%&-+?<>~/`` (so dblp's ``DBLP:journals/corr/SchulmanWDRK17``
works, and a sentence's final ``.`` is not part of the key); any other key
BibTeX accepts is written in braces, ``[@{key(2)}]``.

The library of references is an input of the render (``md.library``, set by
rendering.py for each conversion), never read from disk here, so the output
depends on the text and the library alone.

Where ``@`` is not a citation: inside code (code spans and blocks are taken out
before inline patterns run, so ``@torch.no_grad()`` stays code), after a letter,
digit, ``.``, ``/`` or ``\\`` (emails, paths, ``\\@``), and a narrative ``@word``
whose word is neither a key of the library nor shaped like a citation key
(letters, a four-digit year, letters: ``schulman2017ppo``). So ``@property`` in
prose stays text, while ``@smith2020typo`` is reported as an unknown key.

Citations are numbered in the order they first appear; the post ends with a
References section listing exactly the cited works in that order.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from urllib.parse import quote

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .mathmarkdown import typeset
from .references import EMPTY, Library, Reference, narrative_names, reference_html

PLAIN_KEY = r"\w+(?:[:.#$%&+?<>~/-]+\w+)*"
# In braces, anything a brace-delimited BibTeX entry accepts as its key.
KEY = rf"(?:{PLAIN_KEY}|\{{[^\s,}}]+\}})"
# Not followed by ( or [: `[@handle](https://...)` is a link, not a citation.
BRACKETED = rf"\[\s*(@{KEY}(?:\s*;\s*@{KEY})*)\s*\](?![(\[])"
NARRATIVE = rf"(?<![\w@.\\/])@({KEY})"
_ONE_KEY = re.compile(rf"@({KEY})")
# dblp's keys, or letters, a four-digit year, letters: `schulman2017ppo`.
LOOKS_LIKE_KEY = re.compile(r"DBLP:\S+|[A-Za-z][A-Za-z_-]*\d{4}[A-Za-z0-9_]*")
# Characters a URL fragment may hold as they are (RFC 3986); others are %-escaped.
_FRAGMENT_SAFE = "!$&'()*+,;=:@/?~"


def _unbraced(key: str) -> str:
    return key[1:-1] if key.startswith("{") else key


def written(key: str) -> str:
    """How a citation of ``key`` is written in a post: ``@key``, or ``@{key}`` when it needs braces."""
    return f"@{key}" if re.fullmatch(PLAIN_KEY, key) else f"@{{{key}}}"


def anchor(key: str) -> str:
    """The fragment of a link to the reference ``key`` in the References list (its ``id`` is ``ref-<key>``)."""
    return "#ref-" + quote(key, safe=_FRAGMENT_SAFE)


class _Bracketed(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)  # a link's text never holds another link

    def handleMatch(self, m, data):
        keys = [_unbraced(found) for found in _ONE_KEY.findall(m.group(1))]
        return _placeholder(keys, narrative=False), m.start(0), m.end(0)


class _Narrative(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, m, data):
        key = _unbraced(m.group(1))
        if key not in self.md.library and not LOOKS_LIKE_KEY.fullmatch(key) and key == m.group(1):
            return None, None, None  # @property, @torch.no_grad: plain text
        return _placeholder([key], narrative=True), m.start(0), m.end(0)


def _placeholder(keys: list[str], narrative: bool) -> etree.Element:
    # Keys are joined by a space, the one character no BibTeX key holds.
    span = etree.Element("span", {"class": "citation", "data-cite": " ".join(keys)})
    if narrative:
        span.set("data-narrative", "1")
    return span


class _Numbering(Treeprocessor):
    """Numbers citations in reading order, writes them, and appends the References."""

    def run(self, root: etree.Element) -> None:
        md = self.md
        library: Library = md.library
        order: dict[str, int] = {}
        for span in list(root.iter("span")):
            keys = span.attrib.pop("data-cite", None)
            if keys is None:
                continue
            narrative = span.attrib.pop("data-narrative", None) is not None
            parts = []
            for key in keys.split(" "):
                reference = library.get(key)
                if reference is None:
                    md.reference_errors.append((written(key), f"citation of an unknown key '{key}': add it to "
                                                              "references.bib or to the post's bibliography file"))
                    parts.append(f'<span class="cite-unknown">?{html.escape(key)}</span>')
                    continue
                number = order.setdefault(key, len(order) + 1)
                parts.append(self._cite_link(reference, number))
            names = library.get(keys.split(" ")[0]) if narrative else None
            lead = f"{html.escape(narrative_names(names))} " if names else ""
            span.text = md.htmlStash.store(f"{lead}[{', '.join(parts)}]")
        md.cited = tuple(order)
        if order:
            root.append(self._bibliography([library.get(key) for key in order]))

    def _typeset(self, tex: str) -> str:
        # Math KaTeX rejects in a .bib title is shown as an error box here, but reported
        # once, against the .bib file's line (content/bibtex.py: math_problems), not against each post.
        errors = len(self.md.math_errors)
        shown = typeset(self.md, tex, display=False)
        del self.md.math_errors[errors:]
        return shown

    def _cite_link(self, reference: Reference, number: int) -> str:
        href = html.escape(anchor(reference.key))
        if not self.md.citation_cards:
            return f'<a class="cite" href="{href}">{number}</a>'
        # The card is `hidden` so it stays out of the text with CSS off and out of
        # the link's accessible name; the stylesheet shows it on hover and focus.
        card = reference_html(reference, self._typeset, links=False)
        return (f'<a class="cite" href="{href}">{number}'
                f'<span class="cite-card" hidden>{card}</span></a>')

    def _bibliography(self, references: list[Reference]) -> etree.Element:
        section = etree.Element("section", {"class": "bibliography"})
        heading = etree.SubElement(section, "h2")  # its id comes from headings.py, unique in the page
        heading.text = "References"
        listing = etree.SubElement(section, "ol", {"class": "references"})
        for reference in references:
            item = etree.SubElement(listing, "li", {"id": f"ref-{reference.key}"})
            item.text = self.md.htmlStash.store(reference_html(reference, self._typeset))
        return section


class CitationExtension(Extension):
    """Citations from ``md.library``; see the module docstring for the syntax."""

    def __init__(self, **kwargs):
        self.config = {"cards": [True, "a hover card with the full reference in each citation link"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        md.library = EMPTY
        md.citation_cards = self.getConfig("cards")
        md.cited = ()
        md.reference_errors = []
        md.ESCAPED_CHARS.append("@")  # `\@key` is a literal @key
        # Above links (160) and footnote references (175): `[@a]` is not a link.
        md.inlinePatterns.register(_Bracketed(BRACKETED, md), "citation", 177)
        # Below links (160), so a link's text is already an <a> the pattern stays out of.
        md.inlinePatterns.register(_Narrative(NARRATIVE, md), "narrative-citation", 155)
        # Before heading ids (6), so "References" gets an id and a TOC entry.
        md.treeprocessors.register(_Numbering(md), "citation-numbers", 7)

    def reset(self) -> None:
        self.md.cited = ()
        self.md.reference_errors = []
