"""The freeze's output folder: built aside, swapped in whole, and nothing of yours lost.

A build is written to a fresh sibling folder (``.site-build-*``) and replaces
the output folder only when complete, so a failed or killed freeze leaves the
previous site as it was. The marker file of a build lists every file it wrote;
anything else in the folder (a ``CNAME``, ``.nojekyll``, a ``.git`` checkout of
a GitHub Pages branch, your own files) was not ours and is carried into the new
build by hard link before the swap. A folder without our marker is never
replaced; one freeze runs at a time per folder (a lock on the parent folder),
and the leftovers of a killed freeze are cleaned up, or restored, by the next.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, one freeze at a time is on you
    fcntl = None

MARKER = ".research-blog-build"
_MARKER_HEADER = "# Made by `flask freeze`. The files it wrote, one per line; the next freeze replaces only these.\n"
# A marker from before the list was kept: only these are known not to be ours.
_ALWAYS_YOURS = frozenset({"CNAME", ".nojekyll", ".git", ".well-known"})


class OutputFolderError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


def check_destination(out: Path, content_dir: Path) -> None:
    """Refuse an output folder that is not ours or that holds (or sits in) the content."""
    if out == content_dir or content_dir.is_relative_to(out) or out.is_relative_to(content_dir):
        raise OutputFolderError(f"refusing to freeze into {out}: the content folder {content_dir} is or holds it; "
                                "choose an --out outside the content folder")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise OutputFolderError(f"refusing to replace {out}: it is not empty and was not made by `flask freeze` "
                                f"(no {MARKER} file); choose another --out")


@contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """Hold a lock on ``out``'s parent folder: one freeze into it at a time."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    handle = os.open(out.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputFolderError(f"another freeze into {out.parent} is running; wait for it to finish") from None
        yield
    finally:
        os.close(handle)


def recover_leftovers(out: Path) -> None:
    """Undo what a killed freeze left: restore a swapped-out site, delete half builds.

    Call with the lock held, so no other freeze owns these folders.
    """
    old = sorted(out.parent.glob(f".{out.name}-old-*"))
    if old and not out.exists():
        old.pop().rename(out)  # killed between the two renames of a swap
    for leftover in [*old, *out.parent.glob(f".{out.name}-build-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def new_build_folder(out: Path) -> Path:
    """A fresh sibling folder with the mode a web server expects (mkdtemp's is 0700)."""
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    build.chmod(0o777 & ~umask)
    return build


def _walk(root: Path) -> tuple[list[str], list[str]]:
    """Every file and link under ``root``, and every empty folder, relative, without following linked folders."""
    # Plain strings, not Path objects: a site has thousands of files, and this runs twice a freeze.
    found, empty = [], []
    top = len(str(root)) + 1
    for folder, subfolders, names in os.walk(root, followlinks=False):
        here = folder[top:].replace(os.sep, "/")
        prefix = f"{here}/" if here else ""
        found += [prefix + name for name in names]
        found += [prefix + name for name in subfolders if os.path.islink(os.path.join(folder, name))]
        if here and not subfolders and not names:
            empty.append(here)  # a build writes no empty folder, so any empty one is yours (git keeps some)
    return sorted(found), empty


def _files_under(root: Path) -> list[str]:
    return _walk(root)[0]


def _marker_lines(out: Path) -> list[str] | None:
    """The marker's lines after its header; None for a marker from before the list was kept."""
    marker = out / MARKER
    if not marker.is_file():
        return []
    lines = marker.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != _MARKER_HEADER.rstrip("\n"):
        return None
    return [line for line in lines[1:] if line]


def _previous_files(out: Path) -> set[str] | None:
    """What the last freeze wrote, or None for a marker from before the list was kept."""
    lines = _marker_lines(out)
    return None if lines is None else {line.split("\t")[0] for line in lines}


def previous_digests(out: Path) -> dict[str, tuple[str, str]]:
    """The last freeze's files that carry a digest (reuse.py) and are as it left them.

    A file edited, replaced or deleted since is left out, so it is built anew.
    """
    found = {}
    for line in _marker_lines(out) or []:
        name, _, rest = line.partition("\t")
        digest, _, stamp = rest.partition("\t")
        path = os.path.join(out, name)
        if digest and stamp == _stamp(path):
            found[name] = (digest, path)
    return found


def _stamp(path: str) -> str:
    try:
        return _stamp_of(os.lstat(path))
    except OSError:
        return ""


def _stamp_of(found: os.stat_result) -> str:
    return f"{found.st_size}:{found.st_mtime_ns}:{found.st_ino}"


def _yours(out: Path) -> tuple[list[str], list[str]]:
    """The files in ``out`` that the last freeze did not write, and its empty folders (also yours)."""
    if not out.is_dir():
        return [], []
    ours = _previous_files(out)
    everything, empty = _walk(out)
    if ours is None:
        return [name for name in everything if name.split("/")[0] in _ALWAYS_YOURS], empty
    return [name for name in everything if name not in ours and name != MARKER], empty


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        target.symlink_to(os.readlink(source))
        return
    try:
        os.link(source, target)  # same file system: no data copied, even for a large .git
    except OSError:
        shutil.copy2(source, target)


def finish_and_swap(build: Path, out: Path, digests: dict[str, str] | None = None) -> int:
    """Write the marker, carry over what was not ours, put ``build`` in ``out``'s place; return the bytes built.

    ``digests``: what each built file depends on (reuse.py), kept in the marker
    with the file's size, time and inode so the next freeze can trust it.
    """
    digests = digests or {}
    written = _files_under(build)
    found = {name: os.lstat(os.path.join(build, name)) for name in written}  # one look at each file
    size = sum(stat.st_size for stat in found.values())
    yours, empty = _yours(out)
    clashes = sorted(set(yours) & set(written))
    if clashes:
        raise OutputFolderError(f"{out / clashes[0]} was not written by the last freeze, but this one writes it: "
                                "move your file away (or delete it) and freeze again")
    lines = [f"{name}\t{digests[name]}\t{_stamp_of(found[name])}" if name in digests else name for name in written]
    (build / MARKER).write_text(_MARKER_HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    for name in yours:
        _link_or_copy(out / name, build / name)
    for name in empty:
        (build / name).mkdir(parents=True, exist_ok=True)
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{time.time_ns()}")
        out.rename(old)
    build.rename(out)
    if old is not None:
        shutil.rmtree(old)
    return size
