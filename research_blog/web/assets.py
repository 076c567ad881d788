"""The blog's static files under fingerprinted URLs, so browsers and CDNs keep them for good.

Every asset URL carries a version made from the content of all the static
files (and the generated code-highlighting CSS): ``/assets/3f9c.../css/site.css``.
A changed file changes the version, hence every asset URL, so an asset can be
sent with ``Cache-Control: immutable`` and never asked for twice. One version
for the whole folder keeps relative references working: KaTeX's CSS finds its
fonts at ``fonts/...`` beside it. Frozen output uses the same URLs.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..content.shipped import shipped_dir
from ..render.cache import fingerprint
from ..render.pipeline import highlight_css

STATIC_DIR = shipped_dir("static") / "research_blog"
CACHE_FOREVER = "public, max-age=31536000, immutable"

_lock = threading.Lock()
_known: dict[str, str] = {}  # "stat" -> the stat signature the version was made from, "version" -> it


def static_files() -> list[str]:
    """Every static file, relative to STATIC_DIR, in a stable order."""
    return sorted(p.relative_to(STATIC_DIR).as_posix() for p in STATIC_DIR.rglob("*") if p.is_file())


def version(watch_files: bool = False) -> str:
    """The assets' version: computed once, or again whenever a file changed if ``watch_files`` (dev server)."""
    with _lock:
        if "version" in _known and not watch_files:
            return _known["version"]
        files = static_files()
        stats = fingerprint(f"{name}:{(STATIC_DIR / name).stat().st_mtime_ns}" for name in files)
        if _known.get("stat") != stats:
            contents = [part for name in files for part in (name, (STATIC_DIR / name).read_bytes())]
            _known.update(stat=stats, version=fingerprint([*contents, highlight_css()])[:12])
        return _known["version"]


def exists(filename: str) -> bool:
    path = STATIC_DIR / filename
    return path.is_file() and path.resolve().is_relative_to(STATIC_DIR.resolve())


def static_dir() -> Path:
    return STATIC_DIR
