"""Code blocks as a reader meets them: each labelled with its language.

Pygments marks a fenced block ``<div class="language-python highlight">``; the
label is added to the post's HTML on its way into the page (the copy button is
added by static/research_blog/js/code.js, as it only works with JavaScript).
Each block's ``<pre>`` also becomes focusable: a long line scrolls sideways, and
a keyboard reader can only scroll what can take the focus.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound

_BLOCK = re.compile(r'(<div class="language-([\w+#.-]+)(?: [\w-]+)* highlight">)<pre>')


@lru_cache(maxsize=256)
def language_name(alias: str) -> str:
    """``python`` -> ``Python``, ``pycon`` -> ``Python console session``; unknown aliases as written."""
    try:
        # The class, not an instance: making a lexer compiles its regular expressions (50 ms for Python's).
        return find_lexer_class_by_name(alias).name
    except ClassNotFound:
        return alias


def _labelled(match: re.Match) -> str:
    opening, alias = match.group(1), match.group(2)
    # A plain block (or one fenced without a language) has nothing to name.
    label = "" if alias == "text" else f'<span class="code-lang">{escape(language_name(alias))}</span>'
    return f'{opening}{label}<pre tabindex="0">'


def label_code_blocks(html: str) -> Markup:
    """A rendered body with a language label at the top of each highlighted block.

    Not cached: a page is rendered once per content version (the page cache keeps
    its bytes), and a cache keyed by whole bodies held two copies of hundreds of
    them (90 MB at 1,000 posts) for a regular expression pass of a fraction of a ms.
    """
    return Markup(_BLOCK.sub(_labelled, html))
