"""``.br`` and ``.gz`` siblings of a frozen site's text files, for hosts that serve them.

nginx (``gzip_static on; brotli_static on;``), Caddy (``precompressed``) and
others send ``ppo/index.html.br`` to a client that accepts brotli instead of
compressing ``ppo/index.html`` on every request, or, for most static hosts, not
at all. A page's sibling is written at the quality the server uses for pages, a
static file's at the best (encodings.py); each once: a file the freeze reused
from the last build (the same inode, linked by reuse.py) reuses its siblings too.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..web.encodings import FILE_SUFFIX, MIN_BYTES, PAGE_SUFFIXES, SUFFIXES, compress


def _worth(name: str, path: str) -> bool:
    return name.endswith(SUFFIXES) and os.path.getsize(path) >= MIN_BYTES


def write_siblings(build: Path, previous: Path) -> int:
    """Write a ``.br`` and a ``.gz`` beside every text file under ``build``; return how many were written.

    ``previous``: the last build's folder, whose siblings are linked for files it shares with this one.
    """
    written = 0
    for folder, _, names in os.walk(build):
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path) or not _worth(name, path):
                continue
            old = os.path.join(previous, os.path.relpath(path, build))
            same = os.path.exists(old) and os.path.samefile(old, path)
            data = None
            for encoding, suffix in FILE_SUFFIX.items():
                if same and os.path.isfile(old + suffix):
                    os.link(old + suffix, path + suffix)
                    continue
                data = data if data is not None else Path(path).read_bytes()
                Path(path + suffix).write_bytes(compress(data, encoding, best=not name.endswith(PAGE_SUFFIXES)))
                written += 1
    return written
