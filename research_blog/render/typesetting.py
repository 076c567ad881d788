"""Small typesetting fixes a careful reader would notice, made on the server.

Adjacent footnote references (``[^a][^b]``) would render as one superscript, "23",
read as footnote 23: print separates them, and so do we, with a comma the
superscripts share. (Punctuation after inline math is kept on the formula's line
by mathmarkdown.py, where the formula is made.)
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

SEPARATOR_CLASS = "footnote-sep"


def _is_reference(element: etree.Element) -> bool:
    return element.tag == "sup" and (element.get("id") or "").startswith("fnref")


def _is_sidenote(element: etree.Element) -> bool:
    return element.tag == "span" and "sidenote" in (element.get("class") or "").split()


def _next_reference(children: list[etree.Element], start: int) -> int | None:
    """The index of the footnote reference that follows ``children[start]`` with no text between, if any."""
    for index in range(start + 1, len(children)):
        previous = children[index - 1]
        if (previous.tail or "").strip():
            return None
        if _is_reference(children[index]):
            return index
        if not _is_sidenote(children[index]):  # a sidenote's hidden copy sits between the two
            return None
    return None


class _SeparateFootnoteReferences(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            children = list(parent)
            for index, child in enumerate(children):
                if _is_reference(child) and _next_reference(children, index) is not None:
                    # Inside the first superscript, so the comma is raised with the numbers.
                    separator = etree.SubElement(child, "span", {"class": SEPARATOR_CLASS})
                    separator.text = ","


class TypesettingExtension(Extension):
    """Separate adjacent footnote references."""

    def extendMarkdown(self, md: Markdown) -> None:
        # After the footnotes' inline patterns (20) and the sidenote copies (6.5).
        md.treeprocessors.register(_SeparateFootnoteReferences(md), "separate-footnote-references", 6)
