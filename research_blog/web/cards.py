"""Share cards: the 1200x630 PNG a chat or social site shows for a link to a post.

Drawn by Pillow from the title, the series part, the site name and a line of
facts (category, date, reading time), and kept in memory and on disk, so each
card is drawn once per (title, part, site name, facts)
however many requests or freezes ask for it; an edited title draws a new card.
A card is drawn straight into palette indices (about 5 ms), not as a full-colour
image quantized afterwards (about 19 ms): a 1,000-post freeze draws them all.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..render.cache import fingerprint
from ..render.pipeline import disk_cache

if TYPE_CHECKING:
    from PIL import Image, ImageFont

SIZE = (1200, 630)  # what Open Graph and Twitter's large card expect
MARGIN = 80
BACKGROUND = "#121417"
TEXT = "#e3e6ea"
MUTED = "#a3acb8"
ACCENT = "#7cb7ff"
RULE = "#30363d"
# Every colour on the card is one of these over BACKGROUND, never over another: so the
# card is a palette image, drawn directly as indices, with no quantizing of a full-colour one.
INKS = (ACCENT, TEXT, MUTED, RULE)
LEVELS = 16  # anti-aliasing steps from background to ink; more look no different and grow the file
# zlib levels 1-3 encode a card in the same ~2.5 ms and 3 gives the smallest file of them (~17 KB);
# the default, 6, takes twice as long for a file a quarter smaller.
COMPRESS_LEVEL = 3
TITLE_SIZES = (68, 58, 50, 44)  # the largest size at which the title fits in MAX_TITLE_LINES
MAX_TITLE_LINES = 4
SERIES_TITLE_TOP = MARGIN + 100  # the title's top with a series line above it, at the highest
# Any text is cut to these many characters before it is measured: four lines of the
# narrowest glyphs hold fewer, so the card looks the same and its work stays bounded.
MAX_TITLE_CHARS = 400
MAX_LINE_CHARS = 160

# DejaVu comes with most Linux systems; elsewhere Pillow's own scalable font stands in.
_BOLD_FONTS = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf")
_REGULAR_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    # Pillow is imported where a card is drawn: most runs draw none, and it costs 20 ms to import.
    from PIL import ImageFont

    for name in _BOLD_FONTS if bold else _REGULAR_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels; a single word too long for a line is kept whole."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}", mode="L") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fitted(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """``text`` cut (with an ellipsis) to fit ``width`` pixels: a 50,000-letter word must not make a 2-gigapixel mask."""
    if len(text) <= MAX_LINE_CHARS and font.getlength(text, mode="L") <= width:
        return text
    text = text[:MAX_LINE_CHARS]
    shortest, longest = 0, len(text)  # the longest prefix that fits with "…" after it, by bisection
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if font.getlength(text[:middle] + "…", mode="L") <= width:
            shortest = middle
        else:
            longest = middle - 1
    return text[:shortest] + "…"


def _title_lines(title: str, width: int) -> tuple[list[str], ImageFont.FreeTypeFont]:
    if len(title) > MAX_TITLE_CHARS:
        title = title[:MAX_TITLE_CHARS] + "…"
    for size in TITLE_SIZES:
        font = _font(size, bold=True)
        lines = _wrap(title, font, width)
        if len(lines) <= MAX_TITLE_LINES:
            return lines, font
    lines = lines[:MAX_TITLE_LINES]
    lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return lines, font


_CARD_DESIGN = fingerprint([Path(__file__).read_bytes()])


def _key(title: str, series_line: str | None, site_name: str, facts: str | None = None) -> str:
    return fingerprint(["card", _CARD_DESIGN, title, series_line or "", site_name, facts or ""])


@lru_cache(maxsize=256)
def card_png(title: str, series_line: str | None, site_name: str, facts: str | None = None) -> bytes:
    """The share card as PNG bytes: drawn once per title, part, site name and card design, ever.

    Kept on disk beside the renders, so a second freeze of a 1,000-post blog draws none.
    """
    key = _key(title, series_line, site_name, facts)
    stored = disk_cache().get_packed(key)
    if stored is not None and _whole_png(stored):
        return stored
    png = _draw(title, series_line, site_name, facts)
    disk_cache().put_packed(key, png)
    return png


def _whole_png(data: bytes) -> bool:
    """Whether ``data`` runs from PNG's signature to its end chunk: a damaged or truncated file is drawn again."""
    return data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")


def undrawn(cards: list[tuple]) -> list[tuple]:
    """The cards not on disk yet (none, when there is no disk to keep them on: drawing ahead would be lost)."""
    if disk_cache().folder is None:
        return []
    return [card for card in dict.fromkeys(cards) if not disk_cache().has(_key(*card))]


def draw(title: str, series_line: str | None, site_name: str, facts: str | None = None) -> bytes:
    """A card drawn now, cached nowhere: for a worker process, whose caller keeps it (``keep_drawn``)."""
    return _draw(title, series_line, site_name, facts)


def keep_drawn(card: tuple, png: bytes) -> None:
    """Keep a card drawn elsewhere (a freeze's worker process) where ``card_png`` finds it."""
    disk_cache().put_packed(_key(*card), png)


def _draw(title: str, series_line: str | None, site_name: str, facts: str | None = None) -> bytes:
    from PIL import Image, ImageDraw

    canvas = Image.new("L", SIZE, 0)  # palette indices; 0 is the background
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, 16, SIZE[1]), fill=_solid(ACCENT))
    _ink_text(canvas, (MARGIN, MARGIN - 10), site_name, _font(34, bold=True), ACCENT)
    lines, font = _title_lines(title, SIZE[0] - 2 * MARGIN)
    line_height = int(font.size * 1.2)
    top = (SIZE[1] - line_height * len(lines)) // 2
    if series_line:
        # A four-line title would lift the series line into the site name: keep them apart.
        top = max(top, SERIES_TITLE_TOP)
        _ink_text(canvas, (MARGIN, top - 56), series_line, _font(30, bold=False), MUTED)
    for number, line in enumerate(lines):
        _ink_text(canvas, (MARGIN, top + number * line_height), line, font, TEXT)
    rule = SIZE[1] - MARGIN
    draw.line((MARGIN, rule, SIZE[0] - MARGIN, rule), fill=_solid(RULE), width=2)
    if facts:
        # Under the rule: what a reader weighs before clicking (category, date, reading time).
        _ink_text(canvas, (MARGIN, rule + 18), facts, _font(28, bold=False), MUTED)
    canvas.putpalette(_palette_and_steps()[0])
    out = io.BytesIO()
    canvas.save(out, format="PNG", compress_level=COMPRESS_LEVEL)
    return out.getvalue()


def _ink_text(canvas: Image.Image, xy: tuple[int, int], text: str, font: ImageFont.FreeTypeFont, ink: str) -> None:
    """Draw ``text`` in ``ink``: FreeType's coverage (0-255), mapped to that ink's palette steps.

    Only the text's own box is drawn and mapped, not the whole card. ``lighter``
    keeps what is already there where two boxes overlap (a glyph's tail into the
    next line): index 0 is the background, so any ink beats it.
    """
    from PIL import Image, ImageChops, ImageDraw

    text = _fitted(text, font, SIZE[0] - MARGIN - xy[0])
    left, top, right, bottom = font.getbbox(text)
    # A glyph may reach past the card (stacked accents): draw no more than the card holds.
    right, bottom = min(right, left + SIZE[0]), min(bottom, top + SIZE[1])
    if right <= left or bottom <= top:
        return  # blank text: nothing to draw
    coverage = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(coverage).text((-left, -top), text, font=font, fill=255)
    box = (xy[0] + left, xy[1] + top, xy[0] + right, xy[1] + bottom)
    canvas.paste(ImageChops.lighter(canvas.crop(box), coverage.point(_palette_and_steps()[1][ink])), box)


def _solid(ink: str) -> int:
    """The palette index of ``ink`` itself, for shapes drawn without anti-aliasing."""
    return _palette_and_steps()[1][ink][255]


@lru_cache(maxsize=1)
def _palette_and_steps() -> tuple[list[int], dict[str, list[int]]]:
    """The palette, and per ink a table from text coverage (0-255) to a palette index.

    Index 0 is the background; each ink then has LEVELS - 1 indices blending from
    the background to the ink, which is what anti-aliased text over that
    background is made of. Coverage too faint for the first step stays background.
    """
    from PIL import ImageColor

    background = ImageColor.getrgb(BACKGROUND)
    palette, steps = list(background), {}
    for number, ink in enumerate(INKS):
        colour, first = ImageColor.getrgb(ink), 1 + number * (LEVELS - 1)
        for level in range(1, LEVELS):
            palette += [round(b + (c - b) * level / (LEVELS - 1)) for b, c in zip(background, colour, strict=True)]
        levels = (round(value * (LEVELS - 1) / 255) for value in range(256))
        steps[ink] = [first + level - 1 if level else 0 for level in levels]
    return palette, steps

