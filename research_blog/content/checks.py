"""Whole-site validation: everything `flask check` reports.

Front matter, files and series are checked when posts load (content.py,
collection.py); this adds what needs the rendered HTML: math KaTeX rejects,
links to posts that do not exist, figures that are not on disk, citations of
unknown keys, unknown or repeated cross-reference labels, entries of a
post's own .bib file that it never cites, and math in .bib titles (once per
entry, at its line in the .bib file).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from pathlib import Path

from ..render import nesting
from ..render.pipeline import render_all
from .bibliographies import unused_entries
from .bibtex import math_problems
from .collection import Loaded
from .outputs import output_problems
from .post import Post, Problem, display_path
from .sources import figure_file


class _Lines:
    """Line numbers in one post's source, which is read from disk only if something is reported."""

    def __init__(self, path: Path):
        self.path = path
        self._text: str | None = None
        self._starts: list[int] = []  # where each line begins, for a bisect instead of a count per problem
        self._tokens: dict[str, list[int]] = {}

    def _read(self) -> str:
        if self._text is None:
            self._text = self.path.read_text(encoding="utf-8")
            self._starts = [0] + [found.end() for found in re.finditer("\n", self._text)]
        return self._text

    def text(self) -> str:
        return self._read()

    def _line(self, index: int) -> int:
        return bisect.bisect_right(self._starts, index)

    def of(self, needle: str) -> int | None:
        index = self._read().find(needle)
        return self._line(index) if index >= 0 else None

    def _occurrences(self, token: str) -> list[int]:
        # A key or label: ``@eq:loss`` is not found inside ``@eq:loss-2``.
        if token not in self._tokens:
            pattern = re.escape(token) + r"(?![\w-]|[:.#$%&+?<>~/]\w)"
            self._tokens[token] = [found.start() for found in re.finditer(pattern, self._read())]
        return self._tokens[token]

    def of_tokens(self, errors: tuple[tuple[str, str], ...]) -> list[int | None]:
        """The line of each (token, message), one occurrence each.

        The same problem listed n times (a label repeated, an unknown key cited
        again) goes to the token's last n occurrences: the first of a repeated
        label is the one that counts, so each repeat is reported at its own line.
        """
        listed = Counter(errors)
        next_one: dict[tuple[str, str], int] = {}
        lines = []
        for error in errors:
            found = self._occurrences(error[0])
            index = next_one.setdefault(error, max(0, len(found) - listed[error]))
            next_one[error] = index + 1
            lines.append(self._line(found[index]) if index < len(found) else None)
        return lines


def rendered_problems(post: Post, slugs: set[str], figures_dir: Path) -> list[Problem]:
    """Problems found by rendering one post."""
    rendered = post.facts
    shown = display_path(post.source)
    lines = _Lines(post.source)
    if rendered.failure:
        # The front matter nests nothing, so the first too-deep line of the whole file is the body's.
        return [Problem(shown, nesting.too_deep_line(lines.text()), rendered.failure)]
    problems = [Problem(shown, lines.of(tex), f"math does not render: {message} (in `{tex}`)")
                for tex, message in rendered.math_errors]
    errors = rendered.reference_errors
    problems += [Problem(shown, line, message) for (_, message), line in zip(errors, lines.of_tokens(errors), strict=True)]
    problems += unused_entries(post)
    for slug in rendered.post_links:
        if slug not in slugs:
            problems.append(Problem(shown, lines.of(f"../{slug}"),
                                    f"link to a post that does not exist: ../{slug}/ (no {slug}.md)"))
    for name in rendered.figures:
        why = _figure_problem(figures_dir, name)
        if why:
            problems.append(Problem(shown, lines.of(f"figures/{name}"), why))
    return problems


def _figure_problem(figures_dir: Path, name: str) -> str | None:
    """Why ``figures/<name>`` cannot be shown (served or frozen), or None."""
    if figure_file(figures_dir, name) is not None:
        return None
    if any(part.startswith(".") for part in name.split("/")):
        return (f"figure figures/{name} names a hidden or parent folder: only files under {figures_dir} "
                f"are published; move the file there and link it as figures/<file>")
    path = figures_dir / name
    if path.is_symlink() and path.exists():
        return f"figure figures/{name} is a symlink that leads outside the figures folder: copy the file in"
    return f"figure not found: figures/{name} (put the file in {figures_dir})"


def all_problems(loaded: Loaded, figures_dir: Path) -> list[Problem]:
    """Every problem in the content, loading and rendering checks together, by file and line.

    Files refused for their front matter are rendered too (``loaded.stand_ins``),
    so their bodies' problems come in the same run.
    """
    problems = list(loaded.problems)
    posts = loaded.posts + loaded.stand_ins
    # Render everything up front, on every core; the checks below then read the caches.
    render_all([(post.body, "htmlAndMathml", post.library) for post in posts])
    slugs = {post.slug for post in posts}
    for post in posts:
        problems.extend(rendered_problems(post, slugs, figures_dir))
    libraries = {post.library.digest: post.library for post in loaded.posts}  # most posts share the site's
    references = {(ref.source, ref.line, ref.key): ref for library in libraries.values() for ref in library}
    problems.extend(math_problems(references.values()))
    problems.extend(output_problems(list(loaded.posts)))
    return sorted(dict.fromkeys(problems), key=lambda p: (p.path, p.line or 0))
