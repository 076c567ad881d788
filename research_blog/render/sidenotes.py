"""Footnotes doubled as sidenotes: a copy of each note placed right after its reference.

The copy is what lets CSS alone put the note in the margin next to the line that
calls it (a float beside the text, as in Tufte CSS); no script measures anything.
It carries ``hidden`` and ``aria-hidden``: with CSS off, on narrow screens and for
screen readers, the usual numbered notes at the end are the notes. The stylesheet
shows the copies on wide screens and then hides the end list if every note has a copy (``data-sidenotes="all"``).

Only a reference in running text gets a copy: in a table cell, a quote, an
admonition or another note the margin is not beside it, and a note holding
more than paragraphs (a list, code) does not fit a margin. Those stay at the end.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.treeprocessors import Treeprocessor

_RUNNING_TEXT = {"p", "li"}
_NOT_BESIDE_MARGIN = {"table", "blockquote", "div", "figure", "details", "section"}


def _parents(root: etree.Element) -> dict[etree.Element, etree.Element]:
    return {child: parent for parent in root.iter() for child in parent}


def _in_running_text(sup: etree.Element, parents: dict) -> bool:
    parent = parents.get(sup)
    if parent is None or parent.tag not in _RUNNING_TEXT:
        return False
    node = parent
    while node in parents:
        node = parents[node]
        if node in parents and node.tag in _NOT_BESIDE_MARGIN:  # the document's own root <div> is fine
            return False
    return True


def _note_copy(item: etree.Element, number: str) -> etree.Element | None:
    """The note's paragraphs as one inline span, or None if it holds more than paragraphs."""
    if any(child.tag != "p" for child in item):
        return None
    note = etree.Element("span", {"class": "sidenote", "hidden": "hidden", "aria-hidden": "true"})
    mark = etree.SubElement(note, "span", {"class": "sidenote-number"})
    mark.text = number
    for paragraph in item:
        para = copy.deepcopy(paragraph)
        para.tag = "span"
        para.set("class", "sidenote-para")
        for backref in [a for a in para.iter("a") if "footnote-backref" in a.get("class", "")]:
            _remove(para, backref)
        note.append(para)
    return note


def _remove(root: etree.Element, element: etree.Element) -> None:
    """Remove ``element`` from ``root``'s subtree, keeping the text that followed it."""
    for parent in root.iter():
        children = list(parent)
        if element in children:
            index = children.index(element)
            tail = element.tail or ""
            if index:
                children[index - 1].tail = (children[index - 1].tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
            parent.remove(element)
            # The backref's non-breaking space before it is no use in the margin.
            if index and children[index - 1].tail:
                children[index - 1].tail = _trim(children[index - 1].tail)
            elif not index and parent.text:
                parent.text = _trim(parent.text)
            return


def _trim(text: str) -> str:
    text = text.rstrip()
    return text[: -len(NBSP_PLACEHOLDER)].rstrip() if text.endswith(NBSP_PLACEHOLDER) else text


class _Sidenotes(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        notes_div = next((d for d in root.iter("div") if d.get("class") == "footnote"), None)
        if notes_div is None:
            return
        items = {li.get("id", "")[3:]: li for li in notes_div.iter("li") if li.get("id", "").startswith("fn:")}
        parents = _parents(root)
        copied = set()
        for sup in [s for s in root.iter("sup") if s.get("id", "").startswith("fnref")]:
            link = sup.find("a")
            name = (link.get("href", "") if link is not None else "")[len("#fn:"):]
            item = items.get(name)
            if item is None or not _in_running_text(sup, parents) or _inside(notes_div, sup, parents):
                continue
            note = _note_copy(item, "".join(link.itertext()))
            if note is None:
                continue
            note.tail, sup.tail = sup.tail, None
            parent = parents[sup]
            parent.insert(list(parent).index(sup) + 1, note)
            copied.add(name)
        if copied and copied == set(items):
            notes_div.set("data-sidenotes", "all")  # every note is in the margin too


def _inside(ancestor: etree.Element, element: etree.Element, parents: dict) -> bool:
    while element in parents:
        element = parents[element]
        if element is ancestor:
            return True
    return False


class SidenoteExtension(Extension):
    """Register after footnotes (50), citations and cross-references (7+), before heading ids (6)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_Sidenotes(md), "sidenotes", 6.5)
