"""A Markdown extension that typesets math on the server with KaTeX.

Finding math is left to pymdown-extensions' Arithmatex, which already knows the
hard cases: ``$5 and $10`` is not math ("smart dollars"), ``\\$`` escapes a
dollar, code spans win over math, and ``_``/``*`` inside a formula never become
emphasis. To its smart-dollar rule we add Pandoc's last condition, that a
closing ``$`` is not followed by a digit, so ``$5-$10`` stays money. We only
replace its output: instead of a MathJax script tag, the KaTeX HTML goes into
Markdown's raw-HTML stash, so nothing later touches it.

A formula KaTeX rejects is shown as its TeX source in a ``math-error`` element
and recorded in ``md.math_errors`` so ``flask check`` can report it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from pymdownx import arithmatex

from . import katex
from .crossrefs import number_equation

# Pandoc's rule for inline math: the opening $ has a non-space right after it, the
# closing $ a non-space right before it and no digit right after it. Arithmatex's
# smart dollars have the first two; the lookahead adds the third.
_CLOSING_DOLLAR = r"(?<!\s)(?:\$))"
if _CLOSING_DOLLAR not in arithmatex.RE_SMART_DOLLAR_INLINE:  # pragma: no cover - guards an upgrade
    raise ImportError("pymdownx.arithmatex changed its inline pattern; update mathmarkdown.PANDOC_DOLLAR_INLINE")
PANDOC_DOLLAR_INLINE = arithmatex.RE_SMART_DOLLAR_INLINE.replace(_CLOSING_DOLLAR, r"(?<!\s)(?:\$)(?!\d))")
# What may follow a formula without a space: closing punctuation, quotes and brackets.
_TRAILING_PUNCTUATION = re.compile(r"[.,;:!?)\]}\u2019\u201d'\u2026\u2013\u2014]+")
INLINE_MATH = "(?:" + "|".join((PANDOC_DOLLAR_INLINE, arithmatex.RE_BRACKET_INLINE)) + ")"


def typeset(md: Markdown, tex: str, display: bool, anchor: str | None = None) -> str:
    """KaTeX HTML for ``tex``, or a visible error box recorded on ``md``; ``anchor``: a display's id."""
    tex = tex.strip()
    try:
        rendered = katex.render(tex, display, md.math_output)
    except katex.MathError as error:
        md.math_errors.append((tex, str(error)))
        tag = "div" if display else "span"
        return f'<{tag} class="math-error" title="{html.escape(str(error))}">{html.escape(tex)}</{tag}>'
    if display:
        anchor_id = f' id="{html.escape(anchor)}"' if anchor else ""
        return f'<div class="math-display"{anchor_id}>{rendered}</div>'
    return rendered


# A display may end with a cross-reference label: `$$ ... $$ {#eq:gae}` (see crossrefs.py).
# Any `{#...}` is taken, so that a malformed one is reported there instead of leaving the TeX raw.
_BLOCK_END = "[ ]*$"
_LABELLED_END = r"[ ]*(?:\{#(?P<label>[^{}\n]*)\}[ ]*)?$"


def _labelled(block_pattern: str) -> str:
    if not block_pattern.endswith(_BLOCK_END):  # pragma: no cover - guards an upgrade
        raise ImportError("pymdownx.arithmatex changed its block pattern; update mathmarkdown._labelled")
    return block_pattern[: -len(_BLOCK_END)] + _LABELLED_END


class _InlineMath(arithmatex.InlineArithmatexPattern):
    def handleMatch(self, m, data):
        groups = m.groups()
        escapes = groups[0] or (groups[3] if len(groups) > 3 else None)
        if escapes:
            return escapes.replace("\\\\", self.ESCAPED_BSLASH), m.start(0), m.end(0)
        tex = groups[2] or groups[5]
        formula = typeset(self.md, tex, display=False)
        # Punctuation right after a formula must not wrap alone onto the next line
        # ("$x$." ending a line with the "." starting the next): the two go in one
        # unbreakable span. Only the run of punctuation is held, never a word.
        trailing = _TRAILING_PUNCTUATION.match(data, m.end(0))
        end = m.end(0)
        if trailing:
            end = trailing.end()
            formula = f'<span class="math-nowrap">{_hold_tail(formula)}{html.escape(trailing.group(), quote=False)}</span>'
        return self.md.htmlStash.store(formula), m.start(0), end


_LAST_BASE = '<span class="base">'
_KATEX_END = "</span></span>"  # closes .katex-html, then .katex


def _hold_tail(formula: str) -> str:
    """Put the formula's last box in a ``math-tail`` span the stylesheet keeps unbroken.

    Chromium decides whether a line may break after one of KaTeX's boxes by the
    box's parent, not by the span around formula and punctuation, so the last
    box gets a parent that says ``nowrap``. The formula may still break between
    its other boxes, where KaTeX allows.
    """
    start = formula.rfind(_LAST_BASE)
    if start < 0 or not formula.endswith(_KATEX_END):  # MathML alone (the feed): no boxes to hold
        return formula
    end = len(formula) - len(_KATEX_END)
    return f'{formula[:start]}<span class="math-tail">{formula[start:end]}</span>{formula[end:]}'


class _BlockMath(arithmatex.BlockArithmatexProcessor):
    def run(self, parent, blocks):
        blocks.pop(0)
        found = self.match.groupdict()
        tex = found.get("math") or found.get("math2") or found.get("math3") or ""
        # A paragraph holding only a stash placeholder is swapped for the raw HTML.
        holder = etree.SubElement(parent, "p")
        md = self.parser.md
        tex, anchor = number_equation(md, tex, found.get("label"))
        holder.text = md.htmlStash.store(typeset(md, tex, display=True, anchor=anchor))
        return True


def fenced_math(source, language, class_name, options, md, **kwargs) -> str:
    """SuperFences formatter for ```` ```math ```` blocks: display math (``\\label{eq:x}`` numbers it)."""
    tex, anchor = number_equation(md, source, None)
    return typeset(md, tex, display=True, anchor=anchor)


class KatexExtension(Extension):
    """Typeset ``$...$``, ``\\(...\\)``, ``$$...$$``, ``\\[...\\]`` with KaTeX."""

    def __init__(self, **kwargs):
        self.config = {"output": ["htmlAndMathml", "KaTeX output: htmlAndMathml or mathml"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        md.math_errors = []
        md.math_output = self.getConfig("output")
        # Reuse Arithmatex's configured patterns, then swap in our processors.
        arithmatex.ArithmatexExtension(generic=True).extendMarkdown(md)
        block = md.parser.blockprocessors["arithmatex-block"]
        md.inlinePatterns.register(_InlineMath(INLINE_MATH, {"generic": True}), "arithmatex-inline", 189.9)
        md.inlinePatterns["arithmatex-inline"].md = md
        md.parser.blockprocessors.register(
            _BlockMath(_labelled(block.pattern.pattern), {"generic": True}, md), "arithmatex-block", 79.9
        )

    def reset(self) -> None:
        self.md.math_errors = []
