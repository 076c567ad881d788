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
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
import zlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any


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
                with open(temporary, "xb") as handle:
                    handle.write(data)
                os.replace(temporary, path)
                return
            except FileNotFoundError:  # the folder was deleted meanwhile: make it again, once
                self._folders.discard(folder)
            except OSError:  # a read-only or full disk only costs speed
                return

    def get(self, key: str) -> Any | None:
        data = self.get_packed(key)
        try:
            return unpack(data) if data is not None else None
        except (zlib.error, ValueError):  # damaged: compute again
            return None

    def put(self, key: str, value: Any) -> None:
        self.put_packed(key, pack(value))
