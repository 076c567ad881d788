"""Numbered cross-references: ``{#eq:gae}`` labels a thing, ``@eq:gae`` refers to it.

Labels and what they number (in the order the reader meets them):

* ``eq:``  a display equation: ``$$ ... $$ {#eq:gae}`` or ``\\label{eq:gae}`` inside the TeX;
  it gets ``\\tag{n}``, shown at the right by KaTeX. A hand-typed ``\\tag{n}`` is kept,
  and a labelled equation after it continues from ``n``.
* ``fig:`` / ``tbl:``  a captioned figure or table: ``{#fig:clip}`` after the image
  or at the end of the caption; its number is the caption's ("Figure 2.").
* ``sec:``  a ``##`` or ``###`` heading: ``## Method {#sec:method}``; ``##`` headings
  count 1, 2, 3 and ``###`` ones under them 2.1, 2.2.

A reference becomes a link reading "Eq. (3)", "Figure 2", "Table 1" or "Section 4".
References may come before their label: labels are collected while the page is
parsed and the links are written once the whole tree is built. An unknown or
repeated label is recorded in ``md.reference_errors`` for ``flask check``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

KINDS = {"eq": "Eq. ({})", "fig": "Figure {}", "tbl": "Table {}", "sec": "Section {}"}
LABEL = r"(?:eq|fig|tbl|sec):[\w-]+(?<!-)"
REFERENCE = rf"(?<![\w@.\\/])@({LABEL})"
_TEX_LABEL = re.compile(r"\\label\{([^{}]*)\}")
_EQUATION_LABEL = re.compile(r"eq:[\w-]+(?<!-)")  # LABEL, for equations only
_TEX_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
# pymdownx's captions are numbered in ids like __figure-caption_2 (its prefix text comes later).
_CAPTION_ID = re.compile(r"^__(figure|table)-caption_(\d+(?:_\d+)*)$")
_CAPTION_LABEL = re.compile(r"\s*\{#((?:fig|tbl):[\w-]+)\}\s*$")


class Labels:
    """Per-document: what each label numbers, and the problems found."""

    def __init__(self) -> None:
        self.numbers: dict[str, str] = {}
        self.last_equation = 0
        self.errors: list[tuple[str, str]] = []  # (text to find in the source, message)

    def add(self, label: str, number: str, written: str | None = None) -> None:
        """Record ``label``; ``written``: how the source spells it, to find its line."""
        if label in self.numbers:
            self.errors.append((written or f"{{#{label}}}", f"label '{label}' is used twice: each label names one thing"))
            return
        self.numbers[label] = number


def _equation_label(labels: Labels, label: str, written: str) -> str | None:
    """``label`` if it is a well-formed equation label, else None with the accepted form recorded as a problem."""
    if _EQUATION_LABEL.fullmatch(label):
        return label
    name = re.sub(r"[^\w-]+", "-", label.split(":", 1)[-1]).strip("-") or "name"
    form = "\\label{{eq:{}}}" if written.startswith("\\label") else "{{#eq:{}}}"
    labels.errors.append((written, f"equation label '{written}' is not of the form {form.format('name')} (a name of "
                                   f"letters, digits, - and _): write {form.format(name)}"))
    return None


def number_equation(md: Markdown, tex: str, label: str | None) -> tuple[str, str | None]:
    """The TeX to typeset (``\\label`` taken out, ``\\tag{n}`` added) and the anchor id.

    A malformed label (``{#eqn:x}``, ``{#eq:a.b}``) is reported and the equation
    typeset without a number, rather than shown as its raw TeX.
    """
    labels: Labels = md.labels
    found = _TEX_LABEL.search(tex)
    written = f"{{#{label}}}" if label is not None else None
    if label is not None:
        label = _equation_label(labels, label, written)
    if found:
        tex = tex[:found.start()] + tex[found.end():]
        if written is None:
            written, label = found.group(0), _equation_label(labels, found.group(1), found.group(0))
    tag = _TEX_TAG.search(tex)
    if tag and tag.group(1).strip().isdigit():
        labels.last_equation = int(tag.group(1))
    if label is None:
        return tex, None
    if tag:
        number = tag.group(1).strip()
    else:
        labels.last_equation += 1
        number = str(labels.last_equation)
        tex = f"{tex.rstrip()} \\tag{{{number}}}"
    labels.add(label, number, written)
    return tex, label


class _Reference(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)  # a link's text never holds another link

    def handleMatch(self, m, data):
        link = etree.Element("a", {"class": "xref", "href": f"#{m.group(1)}", "data-xref": m.group(1)})
        link.text = m.group(0)
        return link, m.start(0), m.end(0)


def _caption_label(figure: etree.Element) -> str | None:
    """A ``{#fig:x}`` written at the end of the caption, taken out of its text."""
    for el in figure.iter():
        for attr in ("text", "tail"):
            value = getattr(el, attr)
            found = _CAPTION_LABEL.search(value) if value else None
            if found:
                setattr(el, attr, value[:found.start()])
                return found.group(1)
    return None


class _Numbering(Treeprocessor):
    """Numbers figures, tables and sections, then writes every reference's text."""

    def run(self, root: etree.Element) -> None:
        labels: Labels = self.md.labels
        sections = [0, 0]
        for el in root.iter():
            if el.tag == "figure":
                self._figure(el, labels)
            elif el.tag in ("h2", "h3"):
                level = 0 if el.tag == "h2" else 1
                sections[level] += 1
                if level == 0:
                    sections[1] = 0
                if el.get("id", "").startswith("sec:"):
                    labels.add(el.get("id"), ".".join(str(n) for n in sections[: level + 1]))
        for link in root.iter("a"):
            label = link.attrib.pop("data-xref", None)
            if label is None:
                continue
            number = labels.numbers.get(label)
            if number is None:
                labels.errors.append((f"@{label}", f"reference to an unknown label '{label}': "
                                                   f"label it with {{#{label}}} (see README)"))
                link.set("class", "xref xref-unknown")
                link.text = f"{KINDS[label.split(':')[0]].format('??')}"
                continue
            link.text = KINDS[label.split(":")[0]].format(number)

    @staticmethod
    def _figure(figure: etree.Element, labels: Labels) -> None:
        labelled = next((el for el in figure.iter() if re.match(r"(fig|tbl):", el.get("id", ""))), None)
        name = labelled.attrib.pop("id") if labelled is not None else _caption_label(figure)
        if name is None:
            return
        numbered = _CAPTION_ID.match(figure.get("id", ""))
        if numbered is None:
            labels.errors.append((f"{{#{name}}}", f"label '{name}' is not on a captioned figure or table: "
                                                  "add a /// figure-caption or /// table-caption block"))
            return
        kind = "fig" if numbered.group(1) == "figure" else "tbl"
        if not name.startswith(kind + ":"):
            labels.errors.append((f"{{#{name}}}", f"label '{name}' is on a {numbered.group(1)}: "
                                                  f"name it {kind}:{name.split(':', 1)[1]}"))
        # The caption's own id stays (its numbering reads it); the label goes on a
        # wrapper-free anchor: the figure's first child carries it.
        anchor = etree.Element("span", {"id": name, "class": "xref-target"})
        figure.insert(0, anchor)
        labels.add(name, numbered.group(2).replace("_", "."))


class CrossRefExtension(Extension):
    """``@eq:x``, ``@fig:x``, ``@tbl:x``, ``@sec:x`` references and their numbering."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        md.labels = Labels()
        # Below links (160), above the narrative-citation pattern (155): a label is
        # never read as a citation key, and a link's text holds no reference.
        md.inlinePatterns.register(_Reference(REFERENCE, md), "crossref", 156)
        # After attr_list (8) has placed {#...} ids and pymdownx's caption-auto (4)
        # has numbered the captions; sidenote copies (6.5) are filled in too.
        md.treeprocessors.register(_Numbering(md), "crossref-numbers", 3.9)

    def reset(self) -> None:
        self.md.labels = Labels()
