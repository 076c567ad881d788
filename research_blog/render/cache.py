"""Where rendered posts are kept: a folder of JSON files, keyed by what decides the output.

A render depends on the post's text, the math output mode and the pipeline
itself (our modules, KaTeX, the Markdown libraries): the key is a hash of all
of them, so a restarted server or a second freeze reuses every render whose
inputs did not change, and a new release of any of them re-renders. Values
are zlib-compressed JSON (``pack``/``unpack``), not pickle: the folder is only
a cache, and reading it must never run code; KaTeX's markup compresses about
six to one, which is also how renders are kept in memory. Writes go to a
temporary file that is renamed into place, so a reader never sees half a file
and parallel writers cannot corrupt one.

Whatever is in a cache file may be wrong (damaged, truncated, written by another
version): each kind of entry is read by one function that checks every field's
type (``field``, ``strings``, ``string_pairs``) and raises :class:`Unreadable`
otherwise, and ``unpack_as`` turns any unreadable entry into None, "compute it
again", never into an error a page or ``check`` would show.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import threading
import zlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def fingerprint(parts: Iterable[bytes | str]) -> str:
    """A short hex digest of ``parts``, in order."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def digest_of(text: str) -> str:
    """The SHA-256 of ``text``, in hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=8192)
def text_digest(text: str) -> str:
    """``digest_of`` one post's body, worked out once per body: a freeze's keys need it thousands of times."""
    return digest_of(text)


def pack(value: Any) -> bytes:
    """``value`` as compressed JSON."""
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode("utf-8"), 1)


def unpack(data: bytes) -> Any:
    return json.loads(zlib.decompress(data))


class Unreadable(ValueError):
    """A cache entry that is not of the shape its reader expects: compute the value again."""


def unpack_as(data: bytes, read: Callable[[Any], T]) -> T | None:
    """``read(unpack(data))``, or None for data that is not such an entry (truncated, not JSON, another shape)."""
    try:
        return read(unpack(data))
    # zlib.error: not compressed, or truncated; ValueError: not UTF-8, not JSON, or
    # Unreadable; RecursionError: JSON nested deeper than Python recurses.
    except (zlib.error, ValueError, RecursionError):
        return None


def field(entry: Any, name: str, *kinds: type | None) -> Any:
    """``entry[name]``, which must be of one of ``kinds`` exactly (JSON's types: a bool is no int; None for null)."""
    if type(entry) is not dict or name not in entry:
        raise Unreadable(f"no {name!r}")
    value = entry[name]
    if not is_of(value, kinds):
        raise Unreadable(f"{name!r} is a {type(value).__name__}")
    return value


def is_of(value: Any, kinds: tuple[type | None, ...]) -> bool:
    """Whether ``value`` is of one of ``kinds`` exactly (None stands for JSON's null)."""
    return type(value) in kinds or (value is None and None in kinds)


def strings(value: Any) -> tuple[str, ...]:
    """A JSON list of strings, as a tuple."""
    if type(value) is not list or not all(type(item) is str for item in value):
        raise Unreadable("not a list of strings")
    return tuple(value)


def string_pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """A JSON list of two-string lists, as a tuple of pairs."""
    if type(value) is not list:
        raise Unreadable("not a list of pairs")
    return tuple(_pair(item) for item in value)


def _pair(item: Any) -> tuple[str, str]:
    if type(item) is not list or len(item) != 2 or type(item[0]) is not str or type(item[1]) is not str:
        raise Unreadable("not a pair of strings")
    return item[0], item[1]


def default_folder() -> Path:
    """``$XDG_CACHE_HOME/research-blog`` (``~/.cache/research-blog``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "research-blog" / "renders"


class DiskCache:
    """JSON values under ``folder``, one file per key; ``folder=None`` keeps nothing."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._root = str(folder) if folder is not None else ""
        self._folders: set[str] = set()  # made (or found) already
        self._written = itertools.count()

    def _path(self, key: str) -> str:
        # A string, not a Path: a freeze looks up thousands of keys.
        return f"{self._root}/{key[:2]}/{key}.json.z"

    def get_packed(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            with open(self._path(key), "rb") as handle:
                return handle.read()
        except OSError:  # absent or unreadable: render again
            return None

    def has(self, key: str) -> bool:
        return self.folder is not None and os.path.isfile(self._path(key))

    def put_packed(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        folder = os.path.dirname(path)
        # A name no other process or thread uses: a cold freeze writes thousands of
        # files, and tempfile's random names and mkdir-every-time cost seconds there.
        temporary = f"{folder}/.tmp-{os.getpid()}-{threading.get_ident()}-{next(self._written)}"
        for _attempt in range(2):
            try:
                if folder not in self._folders:
                    os.makedirs(folder, exist_ok=True)
                    self._folders.add(folder)
                _write_through(temporary, path, data)
                return
            except FileNotFoundError:  # the folder was deleted meanwhile: make it again, once
                self._folders.discard(folder)
            except OSError:  # a read-only or full disk only costs speed
                return

    def get(self, key: str, read: Callable[[Any], T]) -> T | None:
        """The entry under ``key`` as ``read`` makes it (see ``unpack_as``), or None: compute it again."""
        data = self.get_packed(key)
        return unpack_as(data, read) if data is not None else None

    def put(self, key: str, value: Any) -> None:
        self.put_packed(key, pack(value))


def _write_through(temporary: str, path: str, data: bytes) -> None:
    """Write ``data`` to ``temporary`` and rename it to ``path``; on any failure, remove ``temporary``.

    A full disk fails the write (or the close, which flushes), a read-only one the
    rename: either way the half-written temporary file must not stay behind, or a
    cache on a full disk fills up with them.
    """
    handle = open(temporary, "xb")
    try:
        with handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
