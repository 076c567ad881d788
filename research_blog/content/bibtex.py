"""BibTeX files read into a :class:`~research_blog.render.references.Library`, every problem at its line.

Parsing is pybtex's: it reads BibTeX as BibTeX does (``@string``, braces, ``#``
concatenation, ``and``-separated names with "von" parts and ``{Corporate Names}``)
and turns LaTeX accents and braces into text (TeX inside ``$...$`` is kept as
written, for KaTeX). Each entry is parsed on its own, from the line it starts
on, so every problem names ``file:line``, a broken entry cannot swallow the
next ones, and a duplicate key is ours to judge (same content: harmless;
different content: an error) instead of pybtex's first-one-wins. The
``@string`` macros are read once and shared by every entry, so a file parses in
time linear in its size.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from ..render import katex
from ..render.references import EMPTY, MATH, Library, Reference
from .links import is_web_link
from .problems import Problem

REQUIRED = ("title", "author", "year")
# Where a command starts: `@article{`, `@string(`, ... at the start of a line.
_COMMAND_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(]", re.M)
_NOT_ENTRIES = ("string", "comment", "preamble")
# Invisible characters no reference needs, which XML (the feed) refuses or warns about.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
MOST_CONTROL_REPORTS = 5  # per file: a file full of NULs needs one message, not thousands
# Stands for one $math$ while pybtex decodes the LaTeX around it (private-use characters).
_KEPT_MATH = re.compile("\ue000(\\d+)\ue001")
_ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$|^[a-z-]+(\.[A-Z]{2})?/\d{7}$")




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

        latex = MATH.sub(set_aside, latex)
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
            for match in MATH.finditer(text):
                tex = match.group(1).strip()
                try:
                    katex.render(tex, False, "htmlAndMathml")
                except katex.MathError as error:
                    problems.append(Problem(reference.source, reference.line,
                                            f"math in entry '{reference.key}' does not render: {error} (in `{tex}`)"))
    return problems
