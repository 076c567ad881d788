"""Where the files that ship with the engine are: templates, static assets, sample posts.

The repository keeps them at its top level (``templates/``, ``static/``, ``pages/``),
as the design card asks; a built wheel or sdist maps them into the package
(``research_blog/templates`` and so on, see ``pyproject.toml``). An editable
install and a plain checkout see the top-level folders, an installed wheel the
mapped ones, so both are looked for here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # research_blog/, this module being in content/


def shipped_dir(name: str) -> Path:
    """The folder ``name`` (``templates``, ``static`` or ``pages``) as installed or checked out."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def in_installed_package(path: Path) -> bool:
    """Whether ``path`` lies inside the installed package (an installed wheel's demo posts), not a checkout."""
    return path.resolve().is_relative_to(PACKAGE_DIR)
