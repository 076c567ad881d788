"""BibTeX files read into a :class:`Library` of references, and references formatted.

Parsing is pybtex's: it reads BibTeX as BibTeX does (``@string``, braces, ``#``
concatenation, ``and``-separated names with "von" parts and ``{Corporate Names}``)
and turns LaTeX accents and braces into text (TeX inside ``$...$`` is kept as
written, for KaTeX). Each entry is parsed on its own, from the line it starts
on, so every problem names ``file:line``, a broken entry cannot swallow the
next ones, and a duplicate key is ours to judge (same content: harmless;
different content: an error) instead of pybtex's first-one-wins. The
``@string`` macros are read once and shared by every entry, so a file parses in
time linear in its size.

A :class:`Library` is immutable and hashed by what the rendering uses of it, so
it is a rendering input like the post's text: the Markdown cache can key on it,
and two workers reading the same files agree on it.

The style is numbered (see README): ``[1]``, ``[1, 3]``, "Schulman et al. [1]";
the bibliography lists the cited works in order of first citation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import katex
from .problems import Problem
from .urls import is_web_link

REQUIRED = ("title", "author", "year")
# Where a command starts: `@article{`, `@string(`, ... at the start of a line.
_COMMAND_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(]", re.M)
_NOT_ENTRIES = ("string", "comment", "preamble")
# Invisible characters no reference needs, which XML (the feed) refuses or warns about.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
MOST_CONTROL_REPORTS = 5  # per file: a file full of NULs needs one message, not thousands
_MATH = re.compile(r"(?<!\\)\$([^$]+)\$")
# Stands for one $math$ while pybtex decodes the LaTeX around it (private-use characters).
_KEPT_MATH = re.compile("\ue000(\\d+)\ue001")
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


# pybtex's by-name helpers (parse_string, render_as) look their plugin up in the
# installed packages' metadata on every call: seconds for one .bib file. We
# name the classes directly instead. pybtex is imported where a .bib file is
# read: a blog without one never needs it, and it costs 15 ms to import.
@lru_cache(maxsize=1)
def _plain_text():
    from pybtex.backends.plaintext import Backend

    return Backend()


def _text(latex: str) -> str:
    """``latex`` as plain text; each ``$math$`` stays as written, braces and all, for KaTeX."""
    if not any(mark in latex for mark in "\\{}~"):  # plain text: LaTeX decoding is the slow part
        return " ".join(latex.split())
    from pybtex.richtext import Text

    formulas: list[str] = []
    if "\ue000" not in latex:  # (a title holding our stand-in would have its math decoded instead)
        def set_aside(match: re.Match) -> str:
            formulas.append(match.group(0))
            return f"\ue000{len(formulas) - 1}\ue001"

        latex = _MATH.sub(set_aside, latex)
    plain = " ".join(Text.from_latex(latex).render(_plain_text()).split())
    return _KEPT_MATH.sub(lambda m: formulas[int(m.group(1))], plain) if formulas else plain


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
        url=_web_url(fields), source=source, line=line,
    )


def _web_url(fields) -> str | None:
    """The ``url`` field when a page may link to it (http or https), else None."""
    url = fields.get("url", "").strip()
    return url if url and is_web_link(url) else None


def _entry_problems(entry, source: str, line: int, text: str) -> list[Problem]:
    """Required fields that are missing, and a ``url`` no page may link to (``javascript:``...)."""
    problems = []
    present = {name.lower() for name in entry.fields} | {role.lower() for role in entry.persons}
    missing = [name for name in REQUIRED if name not in present]
    if missing:
        problems.append(Problem(source, line, f"entry '{entry.key}' has no {', '.join(missing)}: add "
                                + " and ".join(f"`{name} = {{...}}`" for name in missing)))
    url = entry.fields.get("url", "").strip()
    if url and not is_web_link(url):
        found = re.search(r"\burl\s*=", text, re.I)
        url_line = line + text.count("\n", 0, found.start()) if found else line
        problems.append(Problem(source, url_line, f"entry '{entry.key}' has a url that is not a web address "
                                f"({url[:60]!r}): only http:// and https:// links are shown; use doi = or eprint = "
                                "for DOIs and arXiv"))
    return problems


def _commands(text: str) -> Iterator[tuple[str, str, int]]:
    """Each ``@command``'s name (lowercase), its text up to the next one, and its line."""
    starts = list(_COMMAND_START.finditer(text))
    line, counted = 1, 0
    for index, match in enumerate(starts):
        line += text.count("\n", counted, match.start())  # counted on from the last one: linear
        counted = match.start()
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        yield match.group(1).lower(), text[match.start():end], line


def _control_characters(text: str, source: str) -> list[Problem]:
    """A problem for each of the first lines that hold a control character (NUL, U+0001, DEL...)."""
    problems: list[Problem] = []
    line, counted = 1, 0
    for match in _CONTROL.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        if problems and problems[-1].line == line:
            continue
        if len(problems) == MOST_CONTROL_REPORTS:
            problems.append(Problem(source, line, "more control characters below: remove them all"))
            break
        problems.append(Problem(source, line, f"the file holds the control character U+{ord(match.group()):04X}, "
                                "invisible and refused by feeds: delete it"))
    return problems


def _read_macros(commands: list[tuple[str, str, int]], source: str, problems: list[Problem]):
    """The ``@string`` macros of the whole file (and the month names), read once for every entry."""
    from pybtex.database.input.bibtex import LowLevelParser, month_names
    from pybtex.scanner import PybtexError
    from pybtex.utils import CaseInsensitiveDict

    macros = CaseInsensitiveDict(month_names)
    for name, text, line in commands:
        if name == "string":
            try:
                for _command in LowLevelParser(text, macros=macros):  # defines the macro as it reads it
                    pass
            except PybtexError as error:
                problems.append(Problem(source, line, f"@string cannot be read: {error}"))
    return macros


def _parse_entry(text: str, macros) -> list:
    """pybtex's entries in ``text`` (one entry and what follows it), with the file's macros."""
    from pybtex.database.input.bibtex import Parser

    parser = Parser()
    # Shared, not passed to Parser(), which would copy every macro for every entry:
    # that copy made a file with many @string lines take time quadratic in its size.
    parser.macros = macros
    return list(parser.parse_string(text).entries.values())


def parse_bibliography(text: str, source: str) -> tuple[Library, list[Problem]]:
    """The references in one .bib file's ``text`` and the problems in it (``source`` names it)."""
    from pybtex.database import BibliographyDataError
    from pybtex.scanner import PybtexError

    text = text.removeprefix("\ufeff")  # a byte-order mark would hide the first entry's `@`
    problems = _control_characters(text, source)
    if problems:
        text = _CONTROL.sub("", text)  # reported; a served blog shows the rest meanwhile
    commands = list(_commands(text))
    macros = _read_macros(commands, source, problems)
    references: dict[str, Reference] = {}
    for name, chunk, line in commands:
        if name in _NOT_ENTRIES:
            continue
        try:
            entries = _parse_entry(chunk, macros)
        except (PybtexError, BibliographyDataError) as error:
            problems.append(Problem(source, line, f"BibTeX entry cannot be read: {error}"))
            continue
        for entry in entries:
            problems.extend(_entry_problems(entry, source, line, chunk))
            reference = _reference(entry, source, line)
            earlier = references.get(entry.key)
            if earlier and earlier.fingerprint != reference.fingerprint:
                problems.append(Problem(source, line, f"duplicate key '{entry.key}' with different content "
                                        f"(first at line {earlier.line}): rename one or merge them"))
            references.setdefault(entry.key, reference)
    return Library(references), problems


# Parsed files by (name shown, SHA-256 of the bytes): the content is reloaded whenever any
# post changes, and a big .bib takes seconds to parse, so a file is parsed again only when
# its bytes change. A pure function of the key, so one store serves every blog in the process.
_parsed: OrderedDict[tuple[str, str], tuple[Library, tuple[Problem, ...]]] = OrderedDict()
_PARSED_KEPT = 16
_parsed_lock = threading.Lock()


def read_bibliography(path: Path, shown: str) -> tuple[Library, list[Problem]]:
    """Parse a .bib file (once per content); an unreadable file is one problem and an empty library."""
    try:
        data = path.read_bytes()
        key = (shown, hashlib.sha256(data).hexdigest())
        with _parsed_lock:
            found = _parsed.get(key)
            if found is not None:
                _parsed.move_to_end(key)
                return found[0], list(found[1])
        library, problems = parse_bibliography(data.decode("utf-8"), shown)
    except (OSError, UnicodeDecodeError) as error:
        return EMPTY, [Problem(shown, None, f"bibliography cannot be read: {error}")]
    with _parsed_lock:
        _parsed[key] = (library, tuple(problems))
        while len(_parsed) > _PARSED_KEPT:
            _parsed.popitem(last=False)
    return library, problems


def math_problems(references: Iterable[Reference]) -> list[Problem]:
    """Math in titles and notes that KaTeX rejects, each against its entry in the .bib file."""
    problems = []
    for reference in references:
        for text in (reference.title, reference.note):
            for match in _MATH.finditer(text):
                tex = match.group(1).strip()
                try:
                    katex.render(tex, False, "htmlAndMathml")
                except katex.MathError as error:
                    problems.append(Problem(reference.source, reference.line,
                                            f"math in entry '{reference.key}' does not render: {error} (in `{tex}`)"))
    return problems


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
