"""Before a freeze: every post's render and share card, made at once on every core.

A freeze asks for each of these one page at a time, in one process. Made here
first, in one pool of worker processes, they are all in the caches by the time
Frozen-Flask asks, and a 1,000-post blog's cold freeze uses both cores for its
slowest work instead of one.
"""

from __future__ import annotations

from flask import current_app

from ..web import cards
from ..content.collection import Loaded
from ..state import published
from ..web.feeds import FEED_SIZE
from ..web.reader_views import card_of
from ..render.pipeline import DONE, Later, render_all

# The cards the workers are still drawing when prepare_freeze returns.
_drawing: Later = DONE


def prepare_freeze(loaded: Loaded) -> None:
    """Render every post (pages and feeds) and draw its card, in parallel.

    Returns once the renders are in; the workers go on drawing
    the cards while this process checks the posts and writes their pages, which
    need no card (``cards_drawn`` waits for them, ``stop`` drops them).
    """
    global _drawing
    visible = published()
    pages = [(post.body, "htmlAndMathml", post.library) for post in loaded.posts]
    in_feeds = visible.posts[:FEED_SIZE] + [part for name in visible.series for part in visible.series_parts(name)]
    feeds = [(post.body, "mathml", post.library) for post in in_feeds]
    wanted = cards.undrawn([card_of(visible, post) for post in visible.posts])
    _drawing = render_all(pages + feeds,
                          also=[(cards.draw, card) for card in wanted],
                          keep_also=lambda job, png: cards.keep_drawn(job[1], png), also_in_background=True)


def cards_drawn() -> None:
    """Wait for the cards prepare_freeze left the workers drawing (a card not drawn yet is drawn on request)."""
    _drawing.wait()


def stop() -> None:
    """Drop the cards not drawn yet: the freeze ended without needing them."""
    _drawing.cancel()
