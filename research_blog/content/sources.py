"""Finding the post files in the content folder, whatever else is in there.

Walking the folder never follows a link out of it and never raises: a folder
named ``x.md``, a broken symlink, a symlink loop, a link that leaves the content
folder, a file over the size limit, a file deleted or half-written between two
requests each become a :class:`Problem` (or a file to look at again), so
``check``, ``freeze`` and the served blog report them instead of crashing.
"""

from __future__ import annotations

import itertools
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import notebooks
from .post import display_path
from .problems import Problem

EXTENSION = ".md"
POST_EXTENSIONS = (EXTENSION, notebooks.EXTENSION)
# A broken file this young is most likely an editor's save in progress: the
# served blog looks again rather than report it (check and freeze do not wait).
SETTLING_SECONDS = 1.0


def inside(root: Path, path: Path) -> Path | None:
    """``path`` with its links resolved, if that is inside ``root`` (itself resolved); else None."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, broken link, or a link loop
        return None
    return resolved if resolved.is_relative_to(root) else None


def figure_file(figures_dir: Path, name: str) -> Path | None:
    """The file a post may show as ``figures/<name>``, or None.

    Only a regular file under ``figures/`` itself qualifies, found without any
    hidden part on the way: a content folder is often a git checkout, and a
    draft, a ``.bib`` or ``.git/`` beside ``figures/`` must never be served or
    frozen, whatever ``..``, encoded slash or symlink the name holds.
    """
    parts = name.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    if parts[0] == notebooks.FOLDER:  # an image stored in a notebook post
        return notebooks.registered_image(figures_dir, name)
    found = inside(figures_dir.resolve(), figures_dir.joinpath(*parts))
    return found if found is not None and found.is_file() else None


def post_paths(root: Path) -> Iterator[Path]:
    """Every ``*.md`` and ``*.ipynb`` entry under ``root``, sorted, without following linked folders."""
    for folder, subfolders, names in os.walk(root, followlinks=False):
        subfolders.sort()
        # Jupyter's own checkpoints are copies of the notebooks beside them.
        subfolders[:] = [d for d in subfolders if d != ".ipynb_checkpoints"]
        for name in sorted(names + [d for d in subfolders if d.endswith(POST_EXTENSIONS)]):
            if name.endswith(POST_EXTENSIONS):
                yield Path(folder) / name


def bibliography_paths(root: Path) -> Iterator[Path]:
    """Every ``*.bib`` file under ``root`` (references the posts cite)."""
    for folder, subfolders, names in os.walk(root, followlinks=False):
        subfolders.sort()
        yield from (Path(folder) / name for name in sorted(names) if name.endswith(".bib"))


def output_paths(root: Path) -> Iterator[Path]:
    """Every recorded-outputs file under ``root`` (``_outputs/<slug>.json`` beside its post)."""
    for folder, subfolders, names in os.walk(root, followlinks=False):
        subfolders.sort()
        if Path(folder).name == "_outputs":
            yield from (Path(folder) / name for name in sorted(names) if name.endswith(".json"))


def signature(root: Path) -> tuple:
    """Names, sizes, times and inodes of the post, .bib and outputs files: changes when any does.

    A copy that keeps the old file's size and mtime (``rsync -a``, ``cp -a`` into
    a folder swapped in for the content folder) still gets a new inode, or the
    freed old inode number with a new change time (ctime, which no copy can set).
    """
    marks = []
    for path in itertools.chain(post_paths(root), bibliography_paths(root), output_paths(root)):
        try:
            info = path.stat()
            marks.append((str(path), info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns))
        except OSError:  # vanished since the walk, or a broken link: still a difference
            marks.append((str(path), None, None, None, None))
    return tuple(marks)


@dataclass
class Scan:
    texts: dict[Path, str] = field(default_factory=dict)  # readable posts, in order
    problems: list[Problem] = field(default_factory=list)
    unsettled: set[str] = field(default_factory=set)  # display paths to read again next time


def _problem_with_file(path: Path, root: Path, max_bytes: int, max_output_bytes: int) -> str | None:
    """Why ``path`` cannot be a post, or None if it is a regular file we may read."""
    if path.is_symlink():
        if not path.exists():
            return "a broken symlink or a symlink loop: fix or delete the link"
        if inside(root, path) is None:
            return "a symlink that leads outside the content folder: copy the file in instead"
    try:
        info = path.stat()
    except FileNotFoundError:
        raise  # deleted since the walk: the caller looks again next time
    except OSError as error:
        return f"cannot be read ({error.strerror}): check the file"
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        return f"{kind}, not a post: rename it so it does not end in {EXTENSION}"
    if path.suffix == notebooks.EXTENSION:
        max_bytes += max_output_bytes  # outputs have a limit of their own (notebooks.py)
    if info.st_size > max_bytes:
        return (f"{info.st_size // 1024} KB, over the {max_bytes // 1024} KB limit for one post "
                "(BLOG_MAX_POST_KB): split it into a series of posts")
    return None


def settling(path: Path) -> bool:
    """Whether ``path`` was written so recently (or just vanished) that it may be mid-save."""
    try:
        return time.time() - path.stat().st_mtime < SETTLING_SECONDS
    except OSError:
        return True


def scan(root: Path, max_bytes: int, patient: bool = True, max_output_bytes: int = notebooks.MAX_OUTPUT_BYTES) -> Scan:
    """Read every post file under ``root``; report the ones that cannot be posts.

    ``patient``: a file that is empty and was just written is taken to be mid-save
    and read again next time (the served blog); ``check`` and ``freeze`` are not
    patient, since the writer asked about the files as they are.
    """
    found = Scan()
    slugs: dict[str, str] = {}
    for path in post_paths(root):
        shown = display_path(path)
        try:
            reason = _problem_with_file(path, root, max_bytes, max_output_bytes)
        except FileNotFoundError:  # deleted since the walk: look again next time
            found.unsettled.add(shown)
            continue
        if reason:
            found.problems.append(Problem(shown, None, reason))
            continue
        try:
            raw = path.read_bytes()
        except OSError:  # deleted between the walk and the read: look again next time
            found.unsettled.add(shown)
            continue
        try:
            text = raw.decode("utf-8")
            problem = None if text.strip() else Problem(shown, None, "file is empty: write the post or delete the file")
        except UnicodeDecodeError as error:  # also what a save cut in mid-character looks like
            line = raw[: error.start].count(b"\n") + 1
            problem = Problem(shown, line, "file is not UTF-8 text: re-save it with UTF-8 encoding")
        if problem:
            if patient and settling(path):
                found.unsettled.add(shown)
            else:
                found.problems.append(problem)
            continue
        if path.stem in slugs:
            found.problems.append(
                Problem(shown, None, f"duplicate slug '{path.stem}': {slugs[path.stem]} has the same file name; rename one"))
            continue
        if path.suffix == notebooks.EXTENSION:
            text, problems = notebooks.notebook_to_markdown(text, shown, root / "figures", path.stem, max_output_bytes)
            found.problems.extend(problems)
            if text is None:
                continue
        slugs[path.stem] = shown
        found.texts[path] = text
    return found
