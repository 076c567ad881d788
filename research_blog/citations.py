"""BibTeX files read into a :class:`Library` of references, and references formatted.

Parsing is pybtex's: it reads BibTeX as BibTeX does (``@string``, braces, ``#``
concatenation, ``and``-separated names with "von" parts and ``{Corporate Names}``)
and turns LaTeX accents and braces into text. Each entry is parsed on its own,
from the line it starts on, so every problem names ``file:line`` and a duplicate
key is ours to judge (same content: harmless; different content: an error)
instead of pybtex's first-one-wins.

A :class:`Library` is immutable and hashed by its content, so it is a rendering
input like the post's text: the Markdown cache can key on it, and two workers
reading the same files agree on it.

The style is numbered (see README): ``[1]``, ``[1, 3]``, "Schulman et al. [1]";
the bibliography lists the cited works in order of first citation.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .problems import Problem

REQUIRED = ("title", "author", "year")
# Where an entry starts: `@article{key,` (`@string`, `@comment`, `@preamble` are not entries).
_ENTRY_START = re.compile(r"^[ \t]*@(?!(?:string|comment|preamble)\b)(\w+)\s*[{(]\s*([^,\s]+)\s*,", re.I | re.M)
_MATH = re.compile(r"(?<!\\)\$([^$]+)\$")
_ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$|^[a-z-]+(\.[A-Z]{2})?/\d{7}$")
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
        """What two entries with one key must share to be the same work."""
        return (self.kind, self.authors, self.title, self.year, self.venue, self.details, self.note,
                self.doi, self.arxiv, self.url)


class Library:
    """Immutable references by key, hashed by content (a rendering input)."""

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


# pybtex's by-name helpers (parse_string, render_as) look their plugin up in the
# installed packages' metadata on every call: seconds for one .bib file. We
# name the classes directly instead. pybtex is imported where a .bib file is
# read: a blog without one never needs it, and it costs 15 ms to import.
@lru_cache(maxsize=1)
def _plain_text():
    from pybtex.backends.plaintext import Backend

    return Backend()


def _text(latex: str) -> str:
    if not any(mark in latex for mark in "\\{}~"):  # plain text: LaTeX decoding is the slow part
        return " ".join(latex.split())
    from pybtex.richtext import Text

    return " ".join(Text.from_latex(latex).render(_plain_text()).split())


def _name(person) -> tuple[str, str]:
    """("Schulman, J.", "Schulman") from a pybtex Person; a {Corporate Name} stays whole."""
    surname = _text(" ".join(person.prelast_names + person.last_names))
    given = [_text(part) for part in person.first_names + person.middle_names]
    initials = " ".join(
        "-".join(piece[0] + "." for piece in part.split("-") if piece) for part in given if part
    )
    return (f"{surname}, {initials}" if initials else surname), surname


def _arxiv(fields) -> str | None:
    value = fields.get("eprint") or ""
    if fields.get("archiveprefix", "arXiv").lower() == "arxiv" and _ARXIV_ID.match(value.strip()):
        return value.strip()
    return None


def _details(fields) -> str:
    volume, number, pages = fields.get("volume", ""), fields.get("number", ""), fields.get("pages", "")
    parts = [volume + (f"({number})" if number else "") if volume else ""]
    parts.append(f"pp. {_text(pages).replace('--', '–')}" if pages else "")
    return ", ".join(p for p in parts if p)


def _reference(entry, source: str, line: int) -> Reference:
    fields = entry.fields
    names = [_name(p) for p in entry.persons.get("author", ())]
    authors = tuple("et al." if surname == "others" else shown for shown, surname in names)
    venue = next((fields[f] for f in ("journal", "booktitle", "publisher", "howpublished", "institution") if f in fields), "")
    doi = fields.get("doi", "").strip() or None
    return Reference(
        key=entry.key, kind=entry.type.lower(), authors=authors,
        surnames=tuple(surname for _, surname in names if surname != "others"),
        title=_text(fields.get("title", "")), year=_text(fields.get("year", "")), venue=_text(venue),
        details=_details(fields), note=_text(fields.get("note", "")), doi=doi, arxiv=_arxiv(fields),
        url=fields.get("url", "").strip() or None,
        source=source, line=line,
    )


def _missing(entry) -> list[str]:
    present = {name.lower() for name in entry.fields} | {role.lower() for role in entry.persons}
    return [name for name in REQUIRED if name not in present]


def parse_bibliography(text: str, source: str) -> tuple[Library, list[Problem]]:
    """The references in one .bib file's ``text`` and the problems in it (``source`` names it)."""
    from pybtex.database import BibliographyDataError
    from pybtex.database.input.bibtex import Parser
    from pybtex.scanner import PybtexError

    starts = list(_ENTRY_START.finditer(text))
    # Macros (@string) anywhere in the file are visible to every entry, as in BibTeX.
    preamble = "\n".join(re.findall(r"^[ \t]*@string\s*[{(][^\n]*", text, re.I | re.M))
    references: dict[str, Reference] = {}
    problems: list[Problem] = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        line = text.count("\n", 0, match.start()) + 1
        try:
            parsed = Parser().parse_string(preamble + "\n" + text[match.start():end])
        except (PybtexError, BibliographyDataError) as error:
            problems.append(Problem(source, line, f"BibTeX entry cannot be read: {error}"))
            continue
        for entry in parsed.entries.values():
            missing = _missing(entry)
            if missing:
                problems.append(Problem(source, line, f"entry '{entry.key}' has no {', '.join(missing)}: add "
                                        + " and ".join(f"`{name} = {{...}}`" for name in missing)))
            reference = _reference(entry, source, line)
            earlier = references.get(entry.key)
            if earlier and earlier.fingerprint != reference.fingerprint:
                problems.append(Problem(source, line, f"duplicate key '{entry.key}' with different content "
                                        f"(first at line {earlier.line}): rename one or merge them"))
            references.setdefault(entry.key, reference)
    return Library(references), problems


def read_bibliography(path: Path, shown: str) -> tuple[Library, list[Problem]]:
    """Parse a .bib file; an unreadable file is one problem and an empty library."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return EMPTY, [Problem(shown, None, f"bibliography cannot be read: {error}")]
    return parse_bibliography(text, shown)


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
    for match in _MATH.finditer(title):
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
