"""Reading time, computed from a post's Markdown source.

The rule, documented in README.md:

* prose and code count word by word: a word is a whitespace-separated token
  with at least one letter or digit in it (so ``-``, ``|`` and ``=`` don't count);
* link and image targets don't count, their visible text does; HTML tags don't count;
* a displayed equation (``$$...$$``, ``\\[...\\]`` or a ``math`` fence) counts as
  ``DISPLAY_MATH_WORDS`` words, an inline one (``$...$`` or ``\\(...\\)``) as one word,
  since a reader parses a formula as a unit rather than symbol by symbol;
* minutes = ceil(words / WORDS_PER_MINUTE), and at least 1.

This module imports nothing from the package, so ``python research_blog/reading.py
FILE...`` works while writing a post.
"""

from __future__ import annotations

import math
import re
import sys

WORDS_PER_MINUTE = 200
DISPLAY_MATH_WORDS = 10

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n(?P<code>.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
_MATH_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*(math|\{\s*\.math[^}]*\})[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$|\\\[.+?\\\]", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\d)|\\\(.+?\\\)")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---[ \t]*\n", re.S)
_WORDISH = re.compile(r"\w")


def count_words(markdown_body: str) -> int:
    """Count the words of a Markdown body by the rule in the module docstring."""
    text = markdown_body
    display = len(_MATH_FENCE.findall(text))
    text = _MATH_FENCE.sub(" ", text)
    # Code is read word by word like prose, but a `$` in it is never math.
    code = " ".join(match.group("code") for match in _FENCE.finditer(text))
    text = _FENCE.sub(" ", text)
    display += len(_DISPLAY_MATH.findall(text))
    text = _DISPLAY_MATH.sub(" ", text)
    inline = len(_INLINE_MATH.findall(text))
    text = _INLINE_MATH.sub(" ", text)
    text = _LINK_TARGET.sub("] ", text)
    text = _HTML_TAG.sub(" ", text)
    words = sum(1 for token in (text + " " + code).split() if _WORDISH.search(token))
    return words + inline + display * DISPLAY_MATH_WORDS


def reading_minutes(markdown_body: str) -> int:
    """Minutes a reader needs for the body: ceil(words / WORDS_PER_MINUTE), at least 1."""
    return max(1, math.ceil(count_words(markdown_body) / WORDS_PER_MINUTE))


def strip_front_matter(source: str) -> str:
    """The body of a post file whose YAML front matter sits between ``---`` lines."""
    return _FRONT_MATTER.sub("", source, count=1)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as handle:
            body = strip_front_matter(handle.read())
        print(f"{path}: {count_words(body)} words, {reading_minutes(body)} min read")
