"""Typesetting on the server: punctuation kept with its formula, footnote marks apart, dark code."""

from __future__ import annotations

import re

import pytest

from research_blog.render.pipeline import highlight_css, render_markdown


@pytest.mark.parametrize("text, held", [
    ("the reward $r$: next", ":"), ("so $x$. Then", "."), ("both $a$, $b$; done", ";"),
    ("(see $y$) and", ")"), ("$z$… and", "…"), ("a “$q$” quote", "”"),
])
def test_punctuation_after_inline_math_is_held_on_the_formula_s_line(text, held):
    html = render_markdown(text).html
    after = text[text.rindex("$") + 1:]
    # The nowrap span closes right after the punctuation, and the words go on outside it.
    assert '<span class="math-nowrap"><span class="katex">' in html
    assert f"{held}</span>{after[len(held):]}" in html
    # The formula's last box has a nowrap parent (Chromium breaks after a box by its parent's rule).
    assert re.search(r'<span class="math-tail"><span class="base">(?:(?!class="base").)*</span></span></span>'
                     + re.escape(held), html)


def test_a_word_after_a_formula_is_not_held_and_money_is_not_math():
    assert "math-nowrap" not in render_markdown("the reward $r$ is").html
    assert "math-nowrap" not in render_markdown("costs $5, or $10.").html


def test_punctuation_in_the_feed_s_mathml_is_held_too():
    assert "math-nowrap\"><span class=\"katex\"><math" in render_markdown("so $x$.", math_output="mathml").html


NOTES = "Text[^a][^b] and alone[^c] and later[^a].\n\n[^a]: A.\n[^b]: B.\n[^c]: C.\n"


@pytest.mark.parametrize("math_output", ["htmlAndMathml", "mathml"])
def test_adjacent_footnote_references_are_separated(math_output):
    html = render_markdown(NOTES, math_output=math_output).html
    first = re.search(r'<sup id="fnref:a">(.*?)</sup>', html).group(1)
    assert first.endswith('<span class="footnote-sep">,</span>'), "a raised comma between 1 and 2"
    for alone in ("fnref:b", "fnref:c", "fnref2:a"):
        assert "footnote-sep" not in re.search(rf'<sup id="{alone}">(.*?)</sup>', html).group(1)


def test_footnote_references_with_text_between_are_not_separated():
    html = render_markdown("One[^a] two[^b].\n\n[^a]: A.\n[^b]: B.\n").html
    assert "footnote-sep" not in html


def test_code_blocks_use_the_site_s_code_background_in_both_schemes():
    css = highlight_css()
    # Light; dark chosen with the theme toggle; dark from the system.
    backgrounds = re.findall(r"^[^{\n]*\.highlight \{ background: ([^;]+);", css, re.MULTILINE)
    assert backgrounds == ["var(--code-bg)"] * 3
    assert "#272822" not in css, "no Monokai olive"
