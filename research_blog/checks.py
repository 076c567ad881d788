"""Whole-site validation: everything `flask check` reports.

Front matter, files and series are checked when posts load (content.py,
collection.py); this adds what needs the rendered HTML: math KaTeX rejects,
links to posts that do not exist, figures that are not on disk, citations of
unknown keys, unknown or repeated cross-reference labels, entries of a
post's own .bib file that it never cites, and math in .bib titles (once per
entry, at its line in the .bib file).
"""

from __future__ import annotations

import re
from pathlib import Path

from .bibliographies import unused_entries
from .citations import math_problems
from .collection import Loaded
from .content import Post, Problem, display_path
from .rendering import render_all
from .sources import figure_file


def _line_of(source_text: str, needle: str) -> int | None:
    index = source_text.find(needle)
    return source_text.count("\n", 0, index) + 1 if index >= 0 else None


def _line_of_token(source_text: str, token: str) -> int | None:
    """Like _line_of, for a key or label: ``@eq:loss`` must not be found inside ``@eq:loss-2``."""
    found = re.search(re.escape(token) + r"(?![\w-]|[:.#$%&+?<>~/]\w)", source_text)
    return source_text.count("\n", 0, found.start()) + 1 if found else None


def rendered_problems(post: Post, slugs: set[str], figures_dir: Path) -> list[Problem]:
    """Problems found by rendering one post."""
    rendered = post.facts
    if rendered.failure:
        return [Problem(display_path(post.source), None, rendered.failure)]

    def source() -> str:
        # The source is read again only when there is something to report in it.
        return post.source.read_text(encoding="utf-8")

    def line_of(needle: str) -> int | None:
        return _line_of(source(), needle)

    problems = [
        Problem(display_path(post.source), line_of(tex), f"math does not render: {message} (in `{tex}`)")
        for tex, message in rendered.math_errors
    ]
    problems += [Problem(display_path(post.source), _line_of_token(source(), needle), message)
                 for needle, message in rendered.reference_errors]
    problems += unused_entries(post)
    for slug in rendered.post_links:
        if slug not in slugs:
            problems.append(Problem(display_path(post.source), line_of(f"../{slug}"),
                                    f"link to a post that does not exist: ../{slug}/ (no {slug}.md)"))
    for name in rendered.figures:
        why = _figure_problem(figures_dir, name)
        if why:
            problems.append(Problem(display_path(post.source), line_of(f"figures/{name}"), why))
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
    """Every problem in the content, loading and rendering checks together."""
    problems = list(loaded.problems)
    # Render everything up front, on every core; the checks below then read the caches.
    render_all([(post.body, "htmlAndMathml", post.library) for post in loaded.posts])
    slugs = {post.slug for post in loaded.posts}
    for post in loaded.posts:
        problems.extend(rendered_problems(post, slugs, figures_dir))
    libraries = {post.library.digest: post.library for post in loaded.posts}  # most posts share the site's
    references = {(ref.source, ref.line, ref.key): ref for library in libraries.values() for ref in library}
    problems.extend(math_problems(references.values()))
    return problems
