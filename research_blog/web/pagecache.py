"""Pages as bytes: each page rendered once per content version, then served from memory.

A cached page is kept with its ETag, a digest of its bytes, so a browser or CDN
that already has it gets ``304 Not Modified``, and one holding any other version
gets the page. No Last-Modified is sent: a time to the second cannot tell apart
two versions loaded within one second, nor see a listing change at midnight (a
scheduled post going live) with no file changed, so a client revalidating with
If-Modified-Since alone would be told a changed page had not changed.

A page also keeps its brotli and gzip forms, made on first request (see
encodings.py); they are not counted in ``max_bytes``, being a sixth of the page
or less.

The cache holds one generation (the content version and what else decides a
page: the day, drafts, the site URL): when the generation changes it starts
empty, and within one it keeps at most ``max_bytes`` of pages, dropping the
least recently used first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

from werkzeug.http import quote_etag

from .encodings import Forms, compressible
from .security import HEADERS


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    mimetype: str
    etag: str  # of the body's bytes: a changed page never matches an old one
    # Formatted once: a cached page is served without formatting anything. The
    # security headers come along, so add_security_headers has nothing to do.
    headers: tuple[tuple[str, str], ...] = field(init=False)
    # Its brotli and gzip forms (encodings.py), each made when a client first asks,
    # so once per content version; None for a page not worth compressing.
    forms: Forms | None = field(init=False)

    def __post_init__(self) -> None:
        worth = compressible(self.mimetype, len(self.body))
        vary = (("Vary", "Accept-Encoding"),) if worth else ()
        object.__setattr__(self, "headers", (("ETag", quote_etag(self.etag)), *vary, *HEADERS.items()))
        object.__setattr__(self, "forms", Forms(self.body) if worth else None)

    def encoded(self, encoding: str | None) -> tuple[bytes, tuple[tuple[str, str], ...]]:
        """The body and headers to send for ``encoding`` (encodings.chosen); the page as it is for None."""
        if encoding is None or self.forms is None:
            return self.body, self.headers
        # Each form has its own ETag: a cache holding the gzip bytes must not
        # revalidate them as the brotli ones, nor as the page itself.
        headers = (("ETag", quote_etag(f"{self.etag}-{encoding}")), ("Content-Encoding", encoding),
                   *self.headers[1:])
        return self.forms.get(encoding), headers


class PageCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._generation: Hashable = None
        self._pages: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._size = 0

    def get(self, generation: Hashable, key: Hashable) -> CachedPage | None:
        with self._lock:
            if generation != self._generation:
                return None
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, generation: Hashable, key: Hashable, body: bytes, mimetype: str) -> CachedPage:
        page = CachedPage(body, mimetype, hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20])
        with self._lock:
            if generation != self._generation:
                self._generation, self._size = generation, 0
                self._pages.clear()
            if key not in self._pages and len(body) <= self.max_bytes:
                self._pages[key] = page
                self._size += len(body)
                while self._size > self.max_bytes:
                    _, dropped = self._pages.popitem(last=False)
                    self._size -= len(dropped.body)
        return page
