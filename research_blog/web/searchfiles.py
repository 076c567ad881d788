"""How the search index's files go out over the wire: compressed where it pays, served and frozen.

Pagefind writes its index files gzipped itself and unzips them in the page with
its own JavaScript, so they go out as they are. Two kinds gain from more:

* its scripts and JSON (``pagefind.js``, 45 KB) are text, compressed like the
  blog's other scripts (encodings.py);
* its WebAssembly, 151 KB unzipped, which Pagefind ships as 72 KB of gzip. Brotli
  at quality 11 makes the same bytes 62 KB, and a file that arrives already
  unzipped (it starts with Pagefind's ``pagefind_dcd`` signature) is used as it
  is, so a browser that accepts brotli downloads 10 KB less and skips unzipping
  it in JavaScript. The plain file stays Pagefind's gzip, so a host that sends
  files as they are still sends 72 KB, never 151.

Quality 11 takes about 0.3 s on it, once per Pagefind version: the served blog
does it in the background build (``warm``), the freeze once per WebAssembly file
it has not seen (its ``.br`` sibling is then linked from build to build).
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache

from . import encodings
from .findindex import Bundle

SIGNATURE = b"pagefind_dcd"  # what pagefind.js looks for to skip its own unzipping
_WASM = re.compile(r"(?:^|/)wasm\.[\w-]+\.pagefind$")


def is_wasm(name: str) -> bool:
    """Whether ``name`` is one of Pagefind's WebAssembly files (``wasm.en.pagefind``)."""
    return bool(_WASM.search(name))


@lru_cache(maxsize=4)
def wasm_brotli(container: bytes) -> bytes:
    """Pagefind's gzipped WebAssembly ``container``, unzipped and compressed with brotli at its best."""
    raw = gzip.decompress(container)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind file: its unzipped bytes do not start with pagefind_dcd")
    return encodings.compress(raw, "br", best=True)


@lru_cache(maxsize=16)
def _text_forms(data: bytes) -> encodings.Forms:
    return encodings.Forms(data, best=True)  # a few scripts a bundle, the same in every bundle of a version


def encoded(name: str, data: bytes, mimetype: str, encoding: str | None) -> tuple[bytes, str | None]:
    """The body to send for the bundle's file ``name`` and the Content-Encoding it has (None: as it is)."""
    if is_wasm(name):
        return (wasm_brotli(data), "br") if encoding == "br" else (data, None)
    if encoding and encodings.compressible(mimetype, len(data)):
        return _text_forms(data).get(encoding), encoding
    return data, None


def has_forms(name: str, data: bytes, mimetype: str) -> bool:
    """Whether the body sent for this file depends on Accept-Encoding (the response then says Vary)."""
    return is_wasm(name) or encodings.compressible(mimetype, len(data))


def warm(bundle: Bundle) -> None:
    """Compress the bundle's WebAssembly now (a background build), not for the first reader who searches."""
    for name, data in bundle.files.items():
        if is_wasm(name):
            wasm_brotli(data)
