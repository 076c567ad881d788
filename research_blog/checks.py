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
from .sources import inside


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
        path = figures_dir / name
        if not path.is_file():
            problems.append(Problem(display_path(post.source), line_of(f"figures/{name}"),
                                    f"figure not found: figures/{name} (put the file in {figures_dir})"))
        elif inside(figures_dir.parent, path) is None:
            problems.append(Problem(display_path(post.source), line_of(f"figures/{name}"),
                                    f"figure figures/{name} is a symlink that leads outside the content folder: copy the file in"))
    return problems


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
