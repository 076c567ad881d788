"""Share cards: the 1200x630 PNG a chat or social site shows for a link to a post.

Drawn by Pillow from the title, the series part and the site name, and kept in
memory, so each card is drawn once per (title, part, site name) however many
requests or freezes ask for it; an edited title draws a new card.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .rendercache import fingerprint
from .rendering import disk_cache

SIZE = (1200, 630)  # what Open Graph and Twitter's large card expect
MARGIN = 80
BACKGROUND = "#121417"
TEXT = "#e3e6ea"
MUTED = "#a3acb8"
ACCENT = "#7cb7ff"
TITLE_SIZES = (68, 58, 50, 44)  # the largest size at which the title fits in MAX_TITLE_LINES
MAX_TITLE_LINES = 4

# DejaVu comes with most Linux systems; elsewhere Pillow's own scalable font stands in.
_BOLD_FONTS = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf")
_REGULAR_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    for name in _BOLD_FONTS if bold else _REGULAR_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels; a single word too long for a line is kept whole."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _title_lines(draw: ImageDraw.ImageDraw, title: str, width: int) -> tuple[list[str], ImageFont.FreeTypeFont]:
    for size in TITLE_SIZES:
        font = _font(size, bold=True)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= MAX_TITLE_LINES:
            return lines, font
    lines = lines[:MAX_TITLE_LINES]
    lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return lines, font


_CARD_DESIGN = fingerprint([Path(__file__).read_bytes()])


def _key(title: str, series_line: str | None, site_name: str) -> str:
    return fingerprint(["card", _CARD_DESIGN, title, series_line or "", site_name])


@lru_cache(maxsize=256)
def card_png(title: str, series_line: str | None, site_name: str) -> bytes:
    """The share card as PNG bytes: drawn once per title, part, site name and card design, ever.

    Kept on disk beside the renders, so a second freeze of a 1,000-post blog draws none.
    """
    key = _key(title, series_line, site_name)
    stored = disk_cache().get_packed(key)
    if stored is not None:
        return stored
    png = _draw(title, series_line, site_name)
    disk_cache().put_packed(key, png)
    return png


def undrawn(cards: list[tuple[str, str | None, str]]) -> list[tuple[str, str | None, str]]:
    """The cards not on disk yet (none, when there is no disk to keep them on: drawing ahead would be lost)."""
    if disk_cache().folder is None:
        return []
    return [card for card in dict.fromkeys(cards) if not disk_cache().has(_key(*card))]


def draw(title: str, series_line: str | None, site_name: str) -> bytes:
    """A card drawn now, cached nowhere: for a worker process, whose caller keeps it (``keep_drawn``)."""
    return _draw(title, series_line, site_name)


def keep_drawn(card: tuple[str, str | None, str], png: bytes) -> None:
    """Keep a card drawn elsewhere (a freeze's worker process) where ``card_png`` finds it."""
    disk_cache().put_packed(_key(*card), png)


def _draw(title: str, series_line: str | None, site_name: str) -> bytes:
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    draw.rectangle((0, 0, 16, SIZE[1]), fill=ACCENT)
    draw.text((MARGIN, MARGIN - 10), site_name, font=_font(34, bold=True), fill=ACCENT)
    lines, font = _title_lines(draw, title, width)
    line_height = int(font.size * 1.2)
    top = (SIZE[1] - line_height * len(lines)) // 2
    if series_line:
        draw.text((MARGIN, top - 56), series_line, font=_font(30, bold=False), fill=MUTED)
    for number, line in enumerate(lines):
        draw.text((MARGIN, top + number * line_height), line, font=font, fill=TEXT)
    draw.line((MARGIN, SIZE[1] - MARGIN, SIZE[0] - MARGIN, SIZE[1] - MARGIN), fill="#30363d", width=2)
    out = io.BytesIO()
    # A few flat colours and anti-aliased text: a 64-colour palette looks the same, and
    # encodes about ten times faster than a full-colour PNG squeezed with optimize=True.
    image.quantize(64, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", compress_level=6)
    return out.getvalue()
