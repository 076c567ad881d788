"""Figures with their size in the HTML, and loaded lazily below the top of the post.

A browser that knows an image's width and height reserves its box before the
file arrives, so the text does not jump when it does (layout shift). Sizes are
read from the files: an SVG's ``width``/``height`` (``pt`` converted to CSS
pixels) or its ``viewBox``, a raster image's header through Pillow. Every
figure but the first is ``loading="lazy"``: the first may be on the first
screen, where lazy loading would only delay it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from ..content.sources import figure_file

_IMG = re.compile(r'<img\b(?P<attributes>[^>]*?)\s*/?>')
_SRC = re.compile(r'\ssrc="figures/(?P<name>[^"]+)"')
_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.DOTALL)
_LENGTH = re.compile(rb'\s(width|height)="([0-9.]+)(px|pt)?"')
_VIEWBOX = re.compile(rb'\sviewBox="[-0-9.]+[ ,]+[-0-9.]+[ ,]+([0-9.]+)[ ,]+([0-9.]+)"')
_PX_PER = {b"px": 1.0, b"": 1.0, b"pt": 4 / 3}


def _svg_size(head: bytes) -> tuple[int, int] | None:
    tag = _SVG_TAG.search(head)
    if not tag:
        return None
    lengths = {name: float(value) * _PX_PER[unit or b""] for name, value, unit in _LENGTH.findall(tag.group())}
    if b"width" in lengths and b"height" in lengths:
        return round(lengths[b"width"]), round(lengths[b"height"])
    box = _VIEWBOX.search(tag.group())
    return (round(float(box.group(1))), round(float(box.group(2)))) if box else None


@lru_cache(maxsize=1024)
def _size(path: str, signature: tuple[int, int]) -> tuple[int, int] | None:
    if path.endswith(".svg"):
        with open(path, "rb") as handle:
            return _svg_size(handle.read(4096))
    # Pillow is imported only for a raster figure: serving a post must not pay its 20 ms import.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError):
        return None


def figure_size(path: Path) -> tuple[int, int] | None:
    """A figure's intrinsic size in CSS pixels, or None if the file does not say."""
    info = path.stat()
    return _size(str(path), (info.st_mtime_ns, info.st_size))


def with_figure_sizes(html: str, figures_dir: Path) -> Markup:
    """``html`` with width, height and lazy loading on its ``figures/...`` images."""
    seen = 0

    def sized(match: re.Match) -> str:
        nonlocal seen
        attributes = match.group("attributes")
        source = _SRC.search(attributes)
        if not source or " width=" in attributes:
            return match.group()
        seen += 1
        found = figure_file(figures_dir, source.group("name"))
        size = figure_size(found) if found else None
        extra = f' width="{size[0]}" height="{size[1]}"' if size else ""
        extra += ' loading="lazy"' if seen > 1 else ""
        return f'<img{attributes}{extra} decoding="async">'

    return Markup(_IMG.sub(sized, html))
