"""Heading ids and table-of-contents labels made from what the reader sees.

Python-Markdown's ``toc`` names a heading by the text of its HTML. A heading
with math holds KaTeX's HTML *and* its MathML copy with the TeX source, so
``## The loss $\\mathcal{L}$`` would read ``The loss L\\mathcal{L}L`` and get the
id ``the-loss-lmathcalll``. This treeprocessor runs between inline processing
and ``toc``: it gives each heading an id from its visible text only
(``the-loss-l``), which ``toc`` then keeps, as it keeps any id already set.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags, unique
from markdown.treeprocessors import Treeprocessor
from pymdownx.slugs import slugify

slug_of = slugify(case="lower")
_HEADING = re.compile(r"^h[1-6]$")
# KaTeX's hidden MathML copy (with the TeX annotation): not what a reader sees.
_MATHML_COPY = re.compile(r'<span class="katex-mathml">.*?</math></span>', re.S)
_ANCHOR_TAG = re.compile(r"</?a\b[^>]*>")


def visible_text(inner_html: str) -> str:
    """The text a reader sees in a heading's HTML: math as typeset, without its MathML copy."""
    return " ".join(html.unescape(strip_tags(_MATHML_COPY.sub("", inner_html))).split())


def toc_label(inner_html: str) -> str:
    """A heading's HTML fit to sit inside a table-of-contents link (no nested links)."""
    return _ANCHOR_TAG.sub("", inner_html).strip()


class _HeadingIds(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        used = {el.attrib["id"] for el in root.iter() if "id" in el.attrib}
        counters: dict[str, int] = {}
        for el in root.iter():
            if isinstance(el.tag, str) and _HEADING.match(el.tag) and "id" not in el.attrib:
                text = visible_text(render_inner_html(remove_fnrefs(el), self.md))
                el.attrib["id"] = unique(slug_of(text, "-") or "section", used, counters)


class HeadingIdsExtension(Extension):
    """Register the treeprocessor just before ``toc`` (priority 5)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_HeadingIds(md), "heading_ids", 6)
