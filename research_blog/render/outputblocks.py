"""What a code block printed, drawn under it: an ``output`` fence as a labelled box.

content/outputs.py splices each block's recorded output into the post as
```` ```output ```` fences; this draws them. The box is labelled "Output" and
styled apart from code (site.css), and it is not a ``.highlight`` block, so the
Copy button (js/code.js) never copies it. Past ``SHOWN_LINES`` lines the rest
is folded into a ``<details>``: one click away, with no JavaScript.
"""

from __future__ import annotations

import nh3
from markupsafe import escape

SHOWN_LINES = 25
# What a table or a short formatted result needs; no images (a notebook's images
# are served as files) and no forms, frames or media.
_HTML_TAGS = {"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col", "p", "br", "b",
              "i", "strong", "em", "code", "pre", "span", "div", "sup", "sub", "ul", "ol", "li", "a", "hr"}
_HTML_ATTRIBUTES = {"th": {"colspan", "rowspan", "scope"}, "td": {"colspan", "rowspan"}, "a": {"href"}}
# A fold that would hide only a line or two costs more than it saves.
FOLD_AT_LEAST = 5


def output_fence(source: str, language: str, css_class: str, options: dict, md, **kwargs) -> str:
    """pymdownx.superfences' format hook for ```` ```output ```` fences."""
    lines = source.rstrip("\n").split("\n")
    shown, folded = lines, []
    if len(lines) > SHOWN_LINES + FOLD_AT_LEAST:
        shown, folded = lines[:SHOWN_LINES], lines[SHOWN_LINES:]
    parts = ['<div class="code-output"><span class="code-output-label">Output</span>',
             f'<pre tabindex="0"><samp>{escape(chr(10).join(shown))}</samp></pre>']
    if folded:
        parts.append(f'<details class="code-output-more"><summary>Show {len(folded)} more lines</summary>'
                     f'<pre tabindex="0"><samp>{escape(chr(10).join(folded))}</samp></pre></details>')
    parts.append("</div>")
    return "".join(parts)


def html_output_fence(source: str, language: str, css_class: str, options: dict, md, **kwargs) -> str:
    """```` ```output-html ```` fences: a notebook's ``text/html`` output (a pandas table), made safe.

    nh3 (the Python binding of Rust's ammonia, a maintained allow-list
    sanitizer) keeps tables and text markup and drops scripts, styles, event
    handlers and ``javascript:`` links: the HTML came from whatever the
    notebook's code printed, and the page's own scripts must be the only ones.
    """
    clean = nh3.clean(source, tags=_HTML_TAGS, attributes=_HTML_ATTRIBUTES, link_rel="noopener noreferrer nofollow")
    return (f'<div class="code-output code-output-html"><span class="code-output-label">Output</span>'
            f'<div class="code-output-table">{clean}</div></div>')
