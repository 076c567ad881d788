"""``.br`` and ``.gz`` siblings of a frozen site's text files, for hosts that serve them.

nginx (``gzip_static on; brotli_static on;``), Caddy (``precompressed``) and
others send ``ppo/index.html.br`` to a client that accepts brotli instead of
compressing ``ppo/index.html`` on every request, or, for most static hosts, not
at all. A page's sibling is written at the quality the server uses for pages, a
static file's at the best (encodings.py); each once: a file the freeze reused
from the last build (the same inode, linked by reuse.py) reuses its siblings too.
Pagefind's WebAssembly, gzip already, gets a ``.br`` of its unzipped bytes
instead (searchfiles.py), which pagefind.js takes as it is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from ..web import searchfiles
from ..web.encodings import FILE_SUFFIX, MIN_BYTES, PAGE_SUFFIXES, SUFFIXES, compress


def _siblings(name: str, path: str) -> dict[str, Callable[[bytes], bytes]]:
    """The siblings worth writing for a file, each by its suffix with what makes it from the file's bytes."""
    if searchfiles.is_wasm(name):
        # Pagefind's WebAssembly is gzip already: its .br holds the unzipped bytes (searchfiles.py).
        return {".br": searchfiles.wasm_brotli}
    if not name.endswith(SUFFIXES) or os.path.getsize(path) < MIN_BYTES:
        return {}
    best = not name.endswith(PAGE_SUFFIXES)
    return {suffix: partial(compress, encoding=encoding, best=best) for encoding, suffix in FILE_SUFFIX.items()}


def _earlier_copy(path: str, build: Path, previous: Path | None) -> str | None:
    """The last build's file that ``path`` is the same as (its siblings can be linked), or None."""
    if previous is None:
        return None
    old = os.path.join(previous, os.path.relpath(path, build))
    if os.path.exists(old) and os.path.samefile(old, path):
        return old
    name = os.path.basename(path)
    if searchfiles.is_wasm(name):
        # Every index has a folder of its own (its version), and the WebAssembly is the same file in
        # each until Pagefind changes: its .br, 0.3 s to make, is found in the last index's folder.
        data = Path(path).read_bytes()
        for candidate in Path(old).parent.parent.glob(f"*/{name}"):
            if candidate.read_bytes() == data:
                return str(candidate)
    return None


def write_siblings(build: Path, previous: Path | None) -> int:
    """Write a ``.br`` and a ``.gz`` beside every text file under ``build``; return how many were written.

    ``previous``: the last build's folder, whose siblings are linked for files it shares with this one
    (None: a freeze that reuses nothing, which makes every sibling anew).
    """
    written = 0
    for folder, _, names in os.walk(build):
        for name in names:
            path = os.path.join(folder, name)
            siblings = {} if os.path.islink(path) else _siblings(name, path)
            if not siblings:
                continue
            earlier = _earlier_copy(path, build, previous)
            data = None
            for suffix, make in siblings.items():
                if earlier and os.path.isfile(earlier + suffix):
                    os.link(earlier + suffix, path + suffix)
                    continue
                data = data if data is not None else Path(path).read_bytes()
                Path(path + suffix).write_bytes(make(data))
                written += 1
    return written
