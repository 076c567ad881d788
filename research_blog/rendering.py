"""The Markdown pipeline: one configured renderer, one entry point.

``render_markdown(body)`` turns a post body into HTML, its table of contents and
the math errors found on the way. Results are cached by the text itself, so a
post is rendered once per content version (an edit changes the text, which is
the cache key) however many requests or freeze passes read it.

Everything in the output is independent of where the blog is mounted: figures
and links to other posts stay relative (``figures/x.svg``, ``../dpo/``), which
resolves correctly served, frozen, under a sub-path and under a prefix.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from markdown import Markdown
from pygments.formatters import HtmlFormatter

from .headings import HeadingIdsExtension, slug_of, toc_label
from .mathmarkdown import KatexExtension, fenced_math

# Figures are written ![alt](figures/name.svg): relative to the post's URL.
_FIGURE_SRC = re.compile(r'<img[^>]+src="figures/([^"#?]+)"')
LIGHT_CODE_STYLE = "default"
DARK_CODE_STYLE = "monokai"


@dataclass(frozen=True)
class TocEntry:
    id: str
    label_html: str  # the heading as typeset (math included), without links
    level: int
    children: tuple[TocEntry, ...]


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...]
    math_errors: tuple[tuple[str, str], ...]  # (tex, KaTeX's message)
    failure: str | None = None  # why the body could not be rendered at all


# What a reader sees instead of a post Python-Markdown cannot render.
_UNRENDERABLE = ('<div class="render-error" role="alert"><p>This post could not be shown: its Markdown is nested '
                 'too deeply to render. The writer has been told (<code>flask check</code>).</p></div>')


def _new_markdown(math_output: str) -> Markdown:
    return Markdown(
        extensions=[
            KatexExtension(output=math_output),
            HeadingIdsExtension(),
            "pymdownx.superfences",
            "pymdownx.highlight",
            "pymdownx.inlinehilite",
            "pymdownx.blocks.caption",
            "pymdownx.tilde",
            "tables",
            "footnotes",
            "admonition",
            "attr_list",
            "md_in_html",
            "toc",
            "smarty",
        ],
        extension_configs={
            "pymdownx.superfences": {
                "custom_fences": [{"name": "math", "class": "math", "format": fenced_math}]
            },
            "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False,
                                   "pygments_lang_class": True},  # language-python: codeblocks.py labels it
            "toc": {
                "permalink": "#",
                "permalink_title": "Link to this section",
                "slugify": slug_of,
                "toc_depth": "2-3",
            },
            "footnotes": {"BACKLINK_TITLE": "Back to the text"},
            "smarty": {"smart_quotes": False},
        },
        output_format="html",
    )


# Markdown objects hold per-document state, so each thread keeps its own
# (one per math output mode).
_local = threading.local()


def _markdown(math_output: str) -> Markdown:
    cache = _local.__dict__.setdefault("markdowns", {})
    if math_output not in cache:
        cache[math_output] = _new_markdown(math_output)
    return cache[math_output]


def _toc_entries(tokens: list[dict]) -> tuple[TocEntry, ...]:
    return tuple(
        TocEntry(t["id"], toc_label(t["html"]), t["level"], _toc_entries(t["children"])) for t in tokens
    )


@lru_cache(maxsize=512)
def render_markdown(body: str, math_output: str = "htmlAndMathml") -> Rendered:
    """Render one post body to HTML with its table of contents and math errors.

    ``math_output="mathml"`` is for feeds: formulas as MathML alone.
    """
    md = _markdown(math_output)
    md.reset()
    try:
        html = md.convert(body)
    except RecursionError:
        # Lists or quotes nested hundreds deep exhaust Python-Markdown's recursion.
        # Returned (so cached like any result), never raised: the next request
        # for this text costs nothing, and `check` reports it. The parser is left
        # mid-state (reset() does not clear its block state), so it is replaced.
        _local.markdowns.pop(math_output, None)
        return Rendered(_UNRENDERABLE, (), (), failure="Markdown nested too deeply to render (lists or quotes hundreds "
                                                     "of levels deep, or a long line of `- - -`): flatten it")
    return Rendered(html, _toc_entries(md.toc_tokens), tuple(md.math_errors))


def highlight_css() -> str:
    """Pygments CSS for code blocks: a light style, and a dark one for dark mode."""
    light = HtmlFormatter(style=LIGHT_CODE_STYLE).get_style_defs(".highlight")
    dark = HtmlFormatter(style=DARK_CODE_STYLE).get_style_defs(".highlight")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def figure_files(html: str) -> list[str]:
    """The figure files an HTML body uses, relative to the content's figures/ folder."""
    return _FIGURE_SRC.findall(html)
