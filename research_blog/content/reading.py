"""Reading time, computed from a post's Markdown source.

The rule, documented in README.md:

* prose and code count word by word: a word is a whitespace-separated token
  with at least one letter or digit in it (so ``-``, ``|`` and ``=`` don't count);
* a block's recorded output (an ``output`` fence) and code shown only by its output
  (``.output-only``) don't count, as figures don't; the ``alt="..."`` and ``caption="..."``
  of the figures a block draws count like an image's alt text and caption;
* link and image targets don't count, their visible text does; HTML tags don't count;
* a displayed equation (``$$...$$``, ``\\[...\\]`` or a ``math`` fence) counts as
  ``DISPLAY_MATH_WORDS`` words, an inline one (``$...$`` or ``\\(...\\)``) as one word,
  since a reader parses a formula as a unit rather than symbol by symbol;
* minutes = ceil(words / WORDS_PER_MINUTE), and at least 1.

The constructs are taken out in this order, each from what the previous step left:
``math`` fences, other fences (their content then counts as plain words, so a ``$`` in
code is never math), displayed math, inline math, link targets, HTML tags. Each step
finds the same spans as one left-to-right regular-expression scan would (leftmost
match first, then on after it), but looks for every closer in time linear in the
body: a construct left open must not make the count quadratic (a post is counted on
every load, and a stray ``\\[`` or unclosed fence is easy to write).

This module imports nothing from the package, so ``python research_blog/reading.py
FILE...`` works while writing a post.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import sys
from collections.abc import Iterable, Iterator
from typing import NamedTuple

WORDS_PER_MINUTE = 200
DISPLAY_MATH_WORDS = 10

Span = tuple[int, int]  # [start, end) in the text of one step

# Fences are found line by line: an opening line is ``[ \t]*`` and a run of 3+ backticks
# or tildes; the closing line holds only the same run (same character, same length)
# between spaces or tabs, and is the first such line after the opening one.
_FENCE_RUN = re.compile(r"[ \t]*(`{3,}|~{3,})")
_FENCE_CLOSER = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*")
# What makes an opening run a math fence: ``math`` or a ``{.math ...}`` attribute list
# (whose ``\s`` may cross lines); the attribute list runs on to the next ``}``.
_MATH_INFO = re.compile(r"[ \t]*(?:math|(?P<brace>\{)\s*\.math)")
# Fences a reader does not read as code: a block's recorded output (``output``; it
# counts as a figure does, nothing) and code shown only by its output (``.output-only``).
_UNREAD_INFO = re.compile(r"[ \t]*(?:`{3,}|~{3,})[ \t]*(?:output[ \t]*$|\{[^}\n]*\.output-only\b)", re.M)
# A figure a block draws is described in its fence: ``alt="..."`` and ``caption="..."`` are read
# (and count) as an image's alt text and caption written in Markdown are.
_FIGURE_TEXT = re.compile(r'\b(?:alt|caption)="([^"]*)"')
_DISPLAY_OPENER = re.compile(r"\$\$|\\\[")
_DISPLAY_CLOSER = {"$$": "$$", "\\[": "\\]"}
_INLINE_OPENER = re.compile(r"\$|\\\(")
# Only ever matched at one ``$``: it stops at the next ``$`` or newline, so the matches
# tried at successive ``$`` cover the text about once in all.
_INLINE_DOLLAR = re.compile(r"(?<![\\$])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\d)")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---[ \t]*\n", re.S)
_WORDISH = re.compile(r"\w")


class _Finder:
    """``text.find(needle, start)`` for starts that only grow, reading each stretch of text once.

    Many openers may wait for the same far-away closer, or for one that never comes;
    searching afresh from each of them is what made the count quadratic.
    """

    def __init__(self, text: str, needle: str) -> None:
        self._text = text
        self._needle = needle
        self._start = -1
        self._found = -1

    def __call__(self, start: int) -> int:
        # The last answer still holds unless it lies before `start`: there is no needle
        # between the last start and it (or, for -1, none after the last start at all).
        if 0 <= self._start <= start and (self._found < 0 or self._found >= start):
            return self._found
        self._start, self._found = start, self._text.find(self._needle, start)
        return self._found


class _Lines(NamedTuple):
    """A text cut at ``\\n`` (``^`` and ``$`` of a multi-line regex), with where each line starts."""

    text: str
    lines: list[str]
    starts: list[int]
    closers: dict[tuple[str, int], list[int]]  # (char, run length) -> numbers of lines that close it


def _split_lines(text: str) -> _Lines:
    lines = text.split("\n")
    starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    closers: dict[tuple[str, int], list[int]] = {}
    for number, line in enumerate(lines):
        if closer := _FENCE_CLOSER.fullmatch(line):
            run = closer.group(1)
            closers.setdefault((run[0], len(run)), []).append(number)
    return _Lines(text, lines, starts, closers)


def _first_closer(lines: _Lines, char: str, length: int, after: int) -> int | None:
    """Number of the first line after line `after` that closes a run of `length` `char`s."""
    numbers = lines.closers.get((char, length), [])
    index = bisect.bisect_right(numbers, after)
    return numbers[index] if index < len(numbers) else None


def _fence_span(lines: _Lines, opening: int, closing: int) -> Span:
    """From the start of the opening line to the end of the closing one (its newline stays)."""
    return lines.starts[opening], lines.starts[closing] + len(lines.lines[closing])


def _math_fence_closing(lines: _Lines, number: int, find_brace: _Finder) -> int | None:
    """The line that closes a math fence opened on line `number`, if one is and does."""
    run = _FENCE_RUN.match(lines.lines[number])
    if not run:
        return None
    info = _MATH_INFO.match(lines.text, lines.starts[number] + run.end())
    if not info:
        return None
    header_end = info.end()
    if info.group("brace"):
        header_end = find_brace(header_end)
        if header_end < 0:
            return None
    # The body, and so the closing line, starts after the line the header ends on.
    header_line = bisect.bisect_right(lines.starts, header_end) - 1
    # Only the whole run is followed by `math` or `{`, so unlike a code fence's it is never tried shorter.
    return _first_closer(lines, run.group(1)[0], len(run.group(1)), header_line)


def _math_fence_spans(text: str) -> list[Span]:
    lines = _split_lines(text)
    find_brace = _Finder(text, "}")
    spans: list[Span] = []
    number = 0
    while number < len(lines.lines):
        closing = _math_fence_closing(lines, number, find_brace)
        if closing is None:
            number += 1
        else:
            spans.append(_fence_span(lines, number, closing))
            number = closing + 1
    return spans


def _code_fence_closing(lines: _Lines, number: int) -> int | None:
    """The line that closes a fence opened on line `number`, if one is and does."""
    run = _FENCE_RUN.match(lines.lines[number])
    if not run:
        return None
    char, length = run.group(1)[0], len(run.group(1))
    # A run never closed at its full length is, as the regex backtracks, tried again
    # shorter (its extra backticks then count as info string): ```` may end at ```.
    for shorter in range(length, 2, -1):
        closing = _first_closer(lines, char, shorter, number)
        if closing is not None:
            return closing
    return None


def _code_fences(text: str) -> tuple[list[Span], list[str], list[str]]:
    """Spans of the (non-math) fences, the code read inside them, and their figures' alt texts and captions."""
    lines = _split_lines(text)
    spans: list[Span] = []
    code: list[str] = []
    figures: list[str] = []
    number = 0
    while number < len(lines.lines):
        closing = _code_fence_closing(lines, number)
        if closing is None:
            number += 1
            continue
        spans.append(_fence_span(lines, number, closing))
        if not _UNREAD_INFO.match(lines.lines[number]):
            code.append(text[lines.starts[number + 1] : lines.starts[closing]])
        figure_text = _FIGURE_TEXT.findall(lines.lines[number]) if "{" in lines.lines[number] else []
        figures.extend(figure_text)
        number = closing + 1
    return spans, code, figures


def _display_math_spans(text: str) -> Iterator[Span]:
    """``$$...$$`` and ``\\[...\\]``, across lines, with at least one character inside."""
    finders = {opener: _Finder(text, closer) for opener, closer in _DISPLAY_CLOSER.items()}
    position = 0
    while opener := _DISPLAY_OPENER.search(text, position):
        start = opener.start()
        # The closer may overlap the opener's last character but not begin before start + 3.
        closer = finders[opener.group()](start + 3)
        if closer < 0:
            position = start + 1
            continue
        yield start, closer + 2
        position = closer + 2


def _inline_math_end(text: str, start: int, find_closer: _Finder, find_newline: _Finder) -> int | None:
    """End of the inline formula opened at `start` (by ``$`` or ``\\(``), if it is one."""
    if text[start] == "$":
        dollar = _INLINE_DOLLAR.match(text, start)
        return dollar.end() if dollar else None
    # ``\\(...\\)`` stays on one line and holds at least one character.
    closer = find_closer(start + 3)
    newline = find_newline(start + 2)
    if closer < 0 or 0 <= newline < closer:
        return None
    return closer + 2


def _inline_math_spans(text: str) -> Iterator[Span]:
    find_closer = _Finder(text, "\\)")
    find_newline = _Finder(text, "\n")
    position = 0
    while opener := _INLINE_OPENER.search(text, position):
        end = _inline_math_end(text, opener.start(), find_closer, find_newline)
        if end is None:
            position = opener.start() + 1
        else:
            yield opener.start(), end
            position = end


def _link_target_spans(text: str) -> Iterator[Span]:
    """``](...)``: from the bracket to the next ``)``, across lines."""
    find_paren = _Finder(text, ")")
    position = 0
    while (start := text.find("](", position)) >= 0:
        paren = find_paren(start + 2)
        if paren < 0:  # then no later target closes either
            return
        yield start, paren + 1
        position = paren + 1


def _html_tag_spans(text: str) -> Iterator[Span]:
    """``<...>`` on one line, with at least one character inside."""
    find_angle = _Finder(text, ">")
    find_newline = _Finder(text, "\n")
    position = 0
    while (start := text.find("<", position)) >= 0:
        angle = find_angle(start + 1)
        if angle < 0:  # then no later tag closes either
            return
        if angle == start + 1 or 0 <= find_newline(start + 1) < angle:
            position = start + 1
            continue
        yield start, angle + 1
        position = angle + 1


def _splice(text: str, spans: Iterable[Span], replacement: str) -> tuple[str, int]:
    """The text with each span (in order, not overlapping) replaced, and how many there were."""
    pieces: list[str] = []
    position = 0
    for start, end in spans:
        pieces += (text[position:start], replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces), len(pieces) // 2


def _plain_words(text: str) -> int:
    return sum(1 for token in text.split() if _WORDISH.search(token))


def count_words(markdown_body: str) -> int:
    """Count the words of a Markdown body by the rule in the module docstring."""
    # A removed construct leaves a space, so the words either side of it stay apart.
    text, display = _splice(markdown_body, _math_fence_spans(markdown_body), " ")
    # Code is read word by word like prose, but a `$` in it is never math.
    fences, code, figures = _code_fences(text)
    text, _ = _splice(text, fences, " ")
    # Markdown, like the prose around them (inline math is one word): counted by the same rule.
    text += "".join(f"\n\n{figure}" for figure in figures)
    text, displayed = _splice(text, _display_math_spans(text), " ")
    text, inline = _splice(text, _inline_math_spans(text), " ")
    text, _ = _splice(text, _link_target_spans(text), "] ")
    text, _ = _splice(text, _html_tag_spans(text), " ")
    words = _plain_words(text) + sum(_plain_words(block) for block in code)
    return words + inline + (display + displayed) * DISPLAY_MATH_WORDS


def reading_minutes(markdown_body: str) -> int:
    """Minutes a reader needs for the body: ceil(words / WORDS_PER_MINUTE), at least 1."""
    return minutes_for(count_words(markdown_body))


def minutes_for(words: int) -> int:
    """Minutes for a word count: ceil(words / WORDS_PER_MINUTE), at least 1."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def strip_front_matter(source: str) -> str:
    """The body of a post file whose YAML front matter sits between ``---`` lines."""
    return _FRONT_MATTER.sub("", source, count=1)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as handle:
            body = strip_front_matter(handle.read())
        print(f"{path}: {count_words(body)} words, {reading_minutes(body)} min read")
