"""Which references each post may cite: the blog's ``references.bib`` and its own file.

The blog-wide file is ``<content folder>/references.bib``; a post may name one
more in its front matter (``bibliography: ppo.bib``, relative to the post's
folder). Files are read once per load of the content, never while rendering:
each post carries its :class:`~research_blog.render.references.Library`, which the
renderer takes as an input (and a cache key) like the post's text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..render.references import EMPTY, Library, merge
from .bibtex import read_bibliography
from .post import Post, display_path
from .problems import Problem
from .sources import inside

SITE_FILE = "references.bib"


def _read(path: Path, root: Path, cache: dict) -> tuple[Library, list[Problem]]:
    """A .bib file's library and problems, read at most once per load."""
    if path not in cache:
        shown = display_path(path)
        if not path.exists():
            cache[path] = (EMPTY, [Problem(shown, None, "bibliography file not found")])
        elif inside(root, path) is None:
            cache[path] = (EMPTY, [Problem(shown, None, "bibliography file leads outside the content folder: copy it in")])
        else:
            cache[path] = read_bibliography(path, shown)
    return cache[path]


def attach_libraries(posts: list[Post], root: Path) -> tuple[list[Post], list[Problem]]:
    """``posts`` with their libraries set, and the problems found in the .bib files."""
    root = root.resolve()
    cache: dict[Path, tuple[Library, list[Problem]]] = {}
    site_path = root / SITE_FILE
    site, problems = _read(site_path, root, cache) if site_path.exists() else (EMPTY, [])
    problems = list(problems)
    attached = []
    for post in posts:
        library = site
        if post.bibliography:
            own_path = post.source.parent / post.bibliography
            own, own_problems = _read(own_path, root, cache)
            problems.extend(p for p in own_problems if p not in problems)
            library, clashes = merge(site, own)
            for first, second in clashes:
                problems.append(Problem(second.source, second.line, f"duplicate key '{second.key}' with different "
                                        f"content (also in {first.source}:{first.line}): rename one or merge them"))
        attached.append(dataclasses.replace(post, library=library) if library is not post.library else post)
    return attached, problems


def unused_entries(post: Post) -> list[Problem]:
    """Entries of the post's own .bib file that it never cites (the site file may hold more)."""
    if not post.bibliography:
        return []
    own = display_path(post.source.parent / post.bibliography)
    cited = set(post.facts.cited)
    return [Problem(ref.source, ref.line, f"entry '{ref.key}' is not cited by {post.source.name}: cite it or remove it")
            for ref in post.library if ref.source == own and ref.key not in cited]
