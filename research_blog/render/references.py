"""References as the rendering uses them: a :class:`Library` of entries, and each entry formatted.

A :class:`Library` is immutable and hashed by what the rendering uses of it, so
it is a rendering input like the post's text: the Markdown cache can key on it,
and two workers reading the same files agree on it. Reading ``.bib`` files into
one is the content stage's job (content/bibtex.py).

The style is numbered (see README): ``[1]``, ``[1, 3]``, "Schulman et al. [1]";
the bibliography lists the cited works in order of first citation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from dataclasses import dataclass

# $math$ in a title or note: kept as TeX when the .bib is read, typeset when shown.
MATH = re.compile(r"(?<!\\)\$([^$]+)\$")
MAX_LISTED_AUTHORS = 6  # more than this: the first three, then "et al."


@dataclass(frozen=True)
class Reference:
    """One bibliography entry, as text ready to format."""

    key: str
    kind: str  # article, inproceedings, misc, ...
    authors: tuple[str, ...]  # "Schulman, J."; "et al." stands for BibTeX's "and others"
    surnames: tuple[str, ...]  # for narrative citations: "Schulman"
    title: str  # may hold $math$
    year: str
    venue: str  # journal, booktitle, publisher or howpublished; may be ""
    details: str  # volume(number), pages
    note: str  # shown last: "Introduces GRPO"
    doi: str | None
    arxiv: str | None
    url: str | None
    source: str  # the .bib file, as shown in problems
    line: int

    @property
    def fingerprint(self) -> tuple:
        """Everything but where the entry was written: what two entries with one key must share
        to be the same work, and what a render may use of it.

        Every field counts unless named in :data:`_WHERE`, so a field added later
        changes the render cache's key without anyone remembering to add it.
        """
        return tuple((f.name, getattr(self, f.name)) for f in dataclasses.fields(self) if f.name not in _WHERE)


# Where an entry was found: for problems only, never in the rendered HTML.
_WHERE = frozenset({"source", "line"})


class Library:
    """Immutable references by key, hashed by everything a render may use of them (a rendering input)."""

    def __init__(self, references: dict[str, Reference]):
        self._references = dict(references)
        text = repr(sorted((k, r.fingerprint) for k, r in self._references.items()))
        self.digest = hashlib.sha256(text.encode()).hexdigest()

    def get(self, key: str) -> Reference | None:
        return self._references.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._references

    def __len__(self) -> int:
        return len(self._references)

    def __iter__(self):
        return iter(self._references.values())

    def __hash__(self) -> int:
        return hash(self.digest)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Library) and other.digest == self.digest

    def merged(self, other: Library) -> Library:
        """This library with ``other``'s entries added (``other`` wins a shared key)."""
        return Library({**self._references, **other._references})


EMPTY = Library({})
def merge(site: Library, own: Library) -> tuple[Library, list[tuple[Reference, Reference]]]:
    """A post's library: the site's plus its own file's; and the keys the two define differently."""
    clashes = [(site.get(r.key), r) for r in own if r.key in site and site.get(r.key).fingerprint != r.fingerprint]
    return site.merged(own), clashes


# ---- formatting ----------------------------------------------------------


def narrative_names(reference: Reference) -> str:
    """"Graves", "Bradley and Terry", "Schulman et al." for a narrative citation."""
    names = reference.surnames
    if len(names) == 1 and "et al." not in reference.authors:
        return names[0]
    if len(names) == 2 and "et al." not in reference.authors:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al." if names else reference.title


def _author_list(reference: Reference) -> str:
    authors = list(reference.authors)
    if len(authors) > MAX_LISTED_AUTHORS:
        authors = authors[:3] + ["et al."]
    if authors and authors[-1] == "et al.":
        return ", ".join(authors[:-1]) + ", et al."
    if len(authors) > 1:
        return ", ".join(authors[:-1]) + " and " + authors[-1]
    return authors[0] if authors else ""


def _title_html(title: str, typeset) -> str:
    """The title escaped, its $math$ typeset inline by ``typeset(tex)``."""
    pieces, last = [], 0
    for match in MATH.finditer(title):
        pieces.append(html.escape(title[last:match.start()]))
        pieces.append(typeset(match.group(1)))
        last = match.end()
    return "".join(pieces) + html.escape(title[last:])


def reference_html(reference: Reference, typeset, links: bool = True) -> str:
    """One entry in the house style: Authors. “Title.” *Venue* details, year. DOI/arXiv links.

    ``links=False`` leaves out the anchors, for the hover card that sits inside a link.
    """
    authors = _author_list(reference)
    stop = "" if authors.endswith(".") else "."
    parts = [f'<span class="ref-authors">{html.escape(authors)}</span>{stop} ']
    title_stop = "" if reference.title.endswith(("?", "!", ".")) else "."
    parts.append(f'“<span class="ref-title">{_title_html(reference.title, typeset)}</span>{title_stop}” ')
    venue = f"<em>{html.escape(reference.venue)}</em>" if reference.venue else ""
    where = ", ".join(p for p in (venue, html.escape(reference.details), html.escape(reference.year)) if p)
    parts.append(where + ".")
    targets = []
    if reference.doi:
        targets.append((f"https://doi.org/{reference.doi}", f"doi:{reference.doi}"))
    if reference.arxiv:
        targets.append((f"https://arxiv.org/abs/{reference.arxiv}", f"arXiv:{reference.arxiv}"))
    if reference.url and not targets:
        targets.append((reference.url, reference.url.split("://", 1)[-1].rstrip("/")))
    for href, label in targets:
        shown = html.escape(label)
        parts.append(f' <a href="{html.escape(href)}" rel="noopener">{shown}</a>' if links else f" {shown}")
    if reference.note:
        stop = "" if reference.note.endswith(".") else "."
        parts.append(f' <span class="ref-note">{_title_html(reference.note, typeset)}{stop}</span>')
    return "".join(parts)
