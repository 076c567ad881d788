"""Compressed forms of what the blog sends: brotli and gzip, made once, chosen per request.

A post page is mostly KaTeX markup and compresses about 15 to 1, so a reader on
a phone waits for a seventh of the bytes. Pages are compressed once per content
version (pagecache.py keeps the forms beside the page), static files once per
file version, and the freeze writes ``.br`` and ``.gz`` siblings for static
hosts (build/precompress.py). Each form has its own ETag, and every response
that has forms says ``Vary: Accept-Encoding``, so no shared cache hands a gzip
body to a client that did not ask for one.

gzip is written with no time stamp and brotli deterministically, so the same
input gives the same bytes (a freeze stays byte-identical).
"""

from __future__ import annotations

import gzip
import threading
from functools import lru_cache
from pathlib import Path

import brotli
from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

# What is worth compressing: text. Images other than SVG, fonts (WOFF2 is
# brotli already) and share cards (PNG) are compressed by their own formats.
COMPRESSIBLE = frozenset({
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
    "application/json", "application/xml", "text/xml", "application/atom+xml", "image/svg+xml",
})
SUFFIXES = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")
MIN_BYTES = 512  # below this the headers cost more than compression saves
ENCODINGS = ("br", "gzip")  # in order of preference: brotli is 20-30% smaller on our pages
FILE_SUFFIX = {"br": ".br", "gzip": ".gz"}

# Pages are compressed once per content version, served or frozen: on the 350 KB
# ppo page brotli's quality 7 takes 5 ms for 21.5 KB, 9 takes 15 ms for 21.0 KB and
# 11 takes 300 ms for 19.0 KB (a freeze of 1,000 posts spent 69 s at 11). Static
# files (CSS, scripts), few and loaded by every page, are compressed at the best.
PAGE_QUALITY = 7
BEST_QUALITY = 11
PAGE_SUFFIXES = (".html", ".xml", ".txt")  # a frozen site's pages, feeds and sitemap: the many files


def compressible(mimetype: str, size: int) -> bool:
    return mimetype.split(";")[0].strip() in COMPRESSIBLE and size >= MIN_BYTES


def compress(data: bytes, encoding: str, best: bool = False) -> bytes:
    """``data`` in ``encoding`` ("br" or "gzip")."""
    if encoding == "br":
        return brotli.compress(data, quality=BEST_QUALITY if best else PAGE_QUALITY)
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0)
    raise ValueError(f"unknown content encoding {encoding!r}: expected one of {', '.join(ENCODINGS)}")


def chosen(accepted: Accept) -> str | None:
    """The encoding to send for a request's Accept-Encoding, or None for the bytes as they are.

    Brotli first, then gzip; an encoding the client gives ``q=0`` is never sent.
    """
    for encoding in ENCODINGS:
        if _quality(accepted, encoding) > 0:
            return encoding
    return None


@lru_cache(maxsize=64)
def chosen_for(header: str) -> str | None:
    """``chosen`` for a raw Accept-Encoding header: browsers send a handful of distinct ones, each parsed once."""
    return chosen(parse_accept_header(header)) if header else None


def _quality(accepted: Accept, encoding: str) -> float:
    # The encoding's own entry wins over "*" (``gzip;q=0, *`` refuses gzip).
    named = [quality for value, quality in accepted if value.lower() == encoding]
    if named:
        return max(named)
    return max((quality for value, quality in accepted if value == "*"), default=0)


class Forms:
    """The compressed forms of one body, each made the first time a client asks for it."""

    def __init__(self, body: bytes, best: bool = False):
        self._body, self._best = body, best
        self._made: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, encoding: str) -> bytes:
        found = self._made.get(encoding)
        if found is None:
            with self._lock:  # two readers of a new page: one compresses, the other waits
                found = self._made.get(encoding)
                if found is None:
                    found = self._made[encoding] = compress(self._body, encoding, self._best)
        return found


@lru_cache(maxsize=256)
def _file_forms(path: str, signature: tuple[int, int, int]) -> Forms:
    return Forms(Path(path).read_bytes(), best=True)


def file_forms(path: Path) -> Forms:
    """The compressed forms of a static file, kept while the file stays as it is (size, time, inode)."""
    info = path.stat()
    return _file_forms(str(path), (info.st_size, info.st_mtime_ns, info.st_ino))
