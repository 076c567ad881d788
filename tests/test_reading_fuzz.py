"""The linear-time word count against the regular expressions it replaced, on random bodies.

The reference below is the previous implementation of ``count_words``, kept only as
this test's oracle: it is quadratic on hostile input, so it only ever sees small bodies.
"""

from __future__ import annotations

import random
import re

import pytest

from research_blog.content.reading import DISPLAY_MATH_WORDS, count_words

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n(?P<code>.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
_MATH_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*(math|\{\s*\.math[^}]*\})[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$|\\\[.+?\\\]", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\d)|\\\(.+?\\\)")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_WORDISH = re.compile(r"\w")


def reference_count_words(markdown_body: str) -> int:
    text = markdown_body
    display = len(_MATH_FENCE.findall(text))
    text = _MATH_FENCE.sub(" ", text)
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


# Pieces of the constructs the rule knows, so random bodies open, close, nest and
# interleave them. Newlines and spaces are over-represented: fences need whole lines,
# inline math must not cross a line, and `$ x$` differs from `$x$`.
_FRAGMENTS = [
    "$", "$$", "\\[", "\\]", "\\(", "\\)", "\\", "(", ")", "[", "]", "[a](b)", "](", "![x](y.svg)",
    "```", "````", "~~~", "~~~~", "\n```\n", "\n````\n", "\n~~~\n", "```math", "```python", "``` math", "~~~{.math}", "``` { .math x }",
    "{", "}", ".math", "math", "`", "``", "<b>", "</b>", "<", ">", "-", "|", "=", "_", "^",
    "word", "x", "y2", "5", "é", "\t", "\r", "\u00a0", "\n", "\n", "\n", "\n", " ", " ", " ", " ",
]


def _random_body(rng: random.Random) -> str:
    return "".join(rng.choice(_FRAGMENTS) for _ in range(rng.randrange(40)))


def _random_bodies(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [_random_body(rng) for _ in range(count)]


@pytest.mark.parametrize("seed", range(4))
def test_count_matches_the_regex_reference_on_random_bodies(seed):
    mismatches = [(body, count_words(body), reference_count_words(body)) for body in _random_bodies(seed, 1000)]
    mismatches = [case for case in mismatches if case[1] != case[2]]
    assert mismatches == []


@pytest.mark.parametrize(
    "body",
    [
        "````\n$$ a $$\n```\n",  # an unclosed ```` backtracks to close at ```, so this is code
        "```math\nx\n````\n```\n",
        "~~~ {\n .math\nlabel}\na = b\n~~~\n",  # the attribute list crosses lines
        "```{.math\n```\n}\nx\n```\n",
        "$$$$$ a $$$ $$",
        "\\[\\]\\] x \\[ y",
        "$a$$b$ $c$5 $d $e$ \\$f$ $g $",
        "\\(\\)\\) a \\( b\n\\) c",
        "[a](b [c](d\n) e](",
        "<<a> <> <b\n> c>",
    ],
)
def test_count_matches_the_regex_reference_on_corner_cases(body):
    assert count_words(body) == reference_count_words(body)
