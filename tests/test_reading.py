"""The reading-time rule."""

from __future__ import annotations

import time

import pytest

from research_blog.content.reading import DISPLAY_MATH_WORDS, WORDS_PER_MINUTE, count_words, reading_minutes


def test_prose_words_count_and_punctuation_does_not():
    assert count_words("One two three - | = four.") == 4


def test_code_counts_word_by_word_and_dollars_in_code_are_not_math():
    assert count_words("```bash\necho $A and $B\n```\n") == 4


def test_math_counts_as_units():
    assert count_words("Let $x_1 + y_1$ be.") == 3
    assert count_words("$$\n\\sum_i a_i b_i\n$$\n") == DISPLAY_MATH_WORDS
    assert count_words("```math\nE = mc^2\n```\n") == DISPLAY_MATH_WORDS


def test_link_targets_do_not_count():
    assert count_words("[the paper](https://arxiv.org/abs/1707.06347) says") == 3


def test_minutes_round_up_and_are_at_least_one():
    assert reading_minutes("word") == 1
    assert reading_minutes("word " * WORDS_PER_MINUTE) == 1
    assert reading_minutes("word " * (WORDS_PER_MINUTE + 1)) == 2


def test_reading_time_is_shown_from_the_text(client):
    html = client.get("/attention/").get_data(as_text=True)
    assert "1 min read" in html


_HOSTILE = {
    "unclosed display brackets": "\\[ a\n" * 20_000,
    "unclosed fences": "```a\n" * 20_000,
    "unclosed math fences": "```math\n" * 10_000 + "```{.math\n" * 5_000,
    "inline openers on one line": "\\( a " * 20_000,
    "display dollars": "$$ x\n" * 50_000,
    "unclosed link targets and tags": "[a](" * 10_000 + "<a " * 20_000,
}
_HOSTILE["all of them"] = "".join(body[:20_000] for body in _HOSTILE.values())


@pytest.mark.parametrize("body", _HOSTILE.values(), ids=_HOSTILE.keys())
def test_unclosed_constructs_do_not_make_counting_quadratic(body):
    # A guard against blowups, not a benchmark: the regexes this replaced took tens of
    # seconds on each of these, as every opener searched the rest of the text for a closer.
    started = time.perf_counter()
    count_words(body)
    assert time.perf_counter() - started < 1.0
