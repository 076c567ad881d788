"""Math as a reader searches for it: by the words its TeX spells out.

The search index (findindex.py) replaces each formula's MathML copy by these
words before Pagefind reads the post, and leaves KaTeX's glyph boxes out.
"""

from __future__ import annotations

import re

_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def tex_words(tex: str) -> list[str]:
    """The words a formula spells out: ``\\operatorname{softmax}(x)`` -> ``["softmax"]``.

    Commands (``\\frac``, ``\\mathbb``) are notation, and single letters are
    variables: neither is what a reader types into a search box.
    """
    return [word for word in _WORD.findall(_TEX_COMMAND.sub(" ", tex)) if len(word) > 1 and not word.isdigit()]
