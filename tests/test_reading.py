"""The reading-time rule."""

from __future__ import annotations

from research_blog.reading import DISPLAY_MATH_WORDS, WORDS_PER_MINUTE, count_words, reading_minutes


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
