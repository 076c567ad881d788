"""The Markdown pipeline: math, code, figures, table of contents."""

from __future__ import annotations

import re

import pytest

from research_blog.render import katex, pipeline
from research_blog.render.pipeline import figure_files, render_markdown


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_all_four_math_delimiters_and_math_fences_become_katex():
    html = render_markdown(
        "Inline $a^2$ and \\(b^2\\).\n\n$$\nc^2 \\tag{3}\n$$\n\n\\[\nd^2\n\\]\n\n```math\ne^2\n```\n").html
    assert html.count('class="katex"') == 5
    assert html.count('class="math-display"') == 3
    assert 'class="tag"' in html, "equation numbers survive"
    assert "$" not in html and "\\(" not in html and "\\[" not in html
    assert "<math" in html, "MathML for screen readers"


def test_dollars_that_are_money_or_code_stay_literal():
    html = render_markdown("It costs $5 and $10.\n\nIn code: `echo $HOME$`.\n\n```bash\nexport A=$B$\n```\n").html
    assert "It costs $5 and $10." in html
    assert "<code>echo $HOME$</code>" in html
    assert "katex" not in html
    assert "A=$B$" in text_of(html)


def test_escaped_dollar_is_a_dollar():
    html = render_markdown("Price: \\$3 per $x$ unit.").html
    assert "Price: $3 per" in html and html.count('class="katex"') == 1


def test_underscores_and_stars_in_math_are_not_emphasis():
    html = render_markdown("We have $a_i * b_i * c_j$ and $x_1 + y_1$ here.").html
    assert "<em>" not in html and "<strong>" not in html
    assert "a_i * b_i * c_j" in html, "the TeX annotation keeps the source"


def test_bad_math_is_visible_and_recorded():
    rendered = render_markdown("Oops $\\frac{1}{$ here.")
    assert 'class="math-error"' in rendered.html
    assert rendered.math_errors and rendered.math_errors[0][0] == "\\frac{1}{"


def test_katex_renders_typical_ml_equations():
    for tex in [
        r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
        r"\boldsymbol{\theta}^\top \mathbf{x}",
        r"\operatorname*{arg\,max}_\theta \; \mathbb{E}_{x \sim \mathcal{D}} \left[ \log p_\theta(x) \right]",
        r"\mathcal{L}^{\text{CLIP}}(\theta) = \hat{\mathbb{E}}_t\big[\min(\rho_t \hat A_t,"
        r" \operatorname{clip}(\rho_t, 1-\epsilon, 1+\epsilon)\hat A_t)\big]",
        r"\sigma\!\left(\beta \log \frac{\pi_\theta(y_w \mid x)}{\pi_{\text{ref}}(y_w \mid x)}\right)",
        r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
    ]:
        assert 'class="katex"' in katex.render(tex, True)


def test_code_is_highlighted_by_pygments_with_classes_not_inline_styles():
    html = render_markdown("```python\ndef f(x):\n    return x\n```\n").html
    assert '<div class="language-python highlight">' in html and '<span class="k">def</span>' in html
    assert "style=" not in html


def test_headings_get_stable_ids_permalinks_and_a_toc():
    rendered = render_markdown("Intro.\n\n## First part\n\n### A detail\n\n## Second: the end\n")
    assert '<h2 id="first-part">' in rendered.html
    assert 'class="headerlink" href="#first-part"' in rendered.html
    assert [(e.id, e.level) for e in rendered.toc] == [("first-part", 2), ("second-the-end", 2)]
    assert rendered.toc[0].children[0].id == "a-detail"


def test_figures_tables_footnotes_admonitions():
    html = render_markdown(
        "![A plot](figures/plot.svg)\n\n/// figure-caption\nThe plot.\n///\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^n].\n\n[^n]: The note.\n\n!!! warning \"Careful\"\n    Body.\n").html
    assert "<figure" in html and '<span class="caption-prefix">Figure 1.</span> The plot.' in html
    assert "<table>" in html
    assert 'class="footnote"' in html and "The note." in html
    assert 'class="admonition warning"' in html
    assert figure_files(html) == ["plot.svg"]


def test_rendering_is_cached_by_text():
    body = "Cached $x$ body."
    assert render_markdown(body) is render_markdown(body)
    assert render_markdown(body + " ") is not render_markdown(body)


def test_a_render_is_kept_on_disk_for_the_next_process(tmp_path, monkeypatch):
    with pipeline.disk_cache_in(tmp_path / "cache"):
        body = "Disk $\\alpha$ body.\n\n## A heading $x$\n"
        first = render_markdown(body)
        assert len(list((tmp_path / "cache").rglob("*.json.z"))) == 2, "the render and its facts"
        pipeline.clear_memory_cache()
        monkeypatch.setattr(pipeline, "_render", lambda *args: pytest.fail("rendered again instead of read from disk"))
        monkeypatch.setattr(pipeline, "_unpack", lambda *args: pytest.fail("the facts need not unpack the HTML"))
        facts = pipeline.render_facts(body)
        assert facts.toc == first.toc and facts.math_errors == first.math_errors == ()
        monkeypatch.undo()
        monkeypatch.setattr(pipeline, "_render", lambda *args: pytest.fail("rendered again instead of read from disk"))
        assert render_markdown(body) == first


def test_the_disk_key_changes_with_the_text_the_output_mode_and_the_pipeline(monkeypatch):
    key = pipeline._disk_key("x", "htmlAndMathml")
    assert key != pipeline._disk_key("x ", "htmlAndMathml") and key != pipeline._disk_key("x", "mathml")
    monkeypatch.setattr(pipeline, "PIPELINE", "another release")
    assert pipeline._disk_key("x", "htmlAndMathml") != key


def test_parallel_rendering_is_byte_identical_to_serial():
    bodies = [f"Post {n}: $x_{n}^2$ and\n\n$$\n\\sum_i a_{n} \\tag{{{n}}}\n$$\n\n## Part $y_{n}$\n\n```python\nprint({n})\n```\n"
              for n in range(45)]
    pipeline.clear_memory_cache()
    pipeline.render_many(bodies, workers=2)
    parallel = [render_markdown(body) for body in bodies]
    pipeline.clear_memory_cache()
    serial = [pipeline._render(body, "htmlAndMathml") for body in bodies]
    assert parallel == serial


def test_math_in_a_heading_reads_as_typeset_in_the_toc_with_a_clean_id():
    rendered = render_markdown("## The loss $\\mathcal{L}$ and *more*\n\n### See [the paper](https://x.org) on $x_1$\n\nText.\n")
    entry = rendered.toc[0]
    assert entry.id == "the-loss-l-and-more"
    assert '<h2 id="the-loss-l-and-more">' in rendered.html
    assert 'class="katex"' in entry.label_html, "math in the contents is typeset"
    visible = re.sub(r'<span class="katex-mathml">.*?</math></span>', "", entry.label_html, flags=re.S)
    assert "\\mathcal" not in text_of(visible), "no TeX source beside the rendering"
    assert entry.children[0].id == "see-the-paper-on-x1"
    assert not re.search(r"<a[\s>]", entry.children[0].label_html), "no link nested in the contents link"


def test_heading_ids_are_stable_and_unique():
    body = "## Same $x$\n\n## Same $x$\n\n## Plain words\n"
    first, second = render_markdown(body), render_markdown(body + "\n")
    assert [e.id for e in first.toc] == ["same-x", "same-x_1", "plain-words"]
    assert [e.id for e in first.toc] == [e.id for e in second.toc]


@pytest.mark.parametrize("text", ["a range of $5-$10", "from $5–$10 each", "$20,000 and $30,000", "costs $5 and $10."])
def test_pandoc_dollar_rule_keeps_money_as_text(text):
    html = render_markdown(text).html
    assert "katex" not in html and text.replace("–", "–") in html


def test_pandoc_dollar_rule_still_finds_math_next_to_money():
    html = render_markdown("Pay $5-$10 for $x$, and $y$.").html
    assert html.count('class="katex"') == 2 and "Pay $5-$10 for" in html


@pytest.mark.parametrize("text", [
    "---\ntitle: x\ndate: 2024-01-01\n---\n\nBody\n", "---\ntitle: x\n---\nBody right after\n", "---\ntitle: x\n---",
    "--- \ntitle: x\n---  \n\n\nBody\n\n", "---\ntitle: |\n  a\n  b\n---\nBody\n---\nmore\n", "title: x\n\nNo delimiters\n",
    "---\n---\nEmpty front matter\n",
])
def test_the_fast_front_matter_split_matches_flatpages(text):
    from flask_flatpages.parsers import libyaml_parser

    from research_blog.content.pagefiles import BlogPages

    pages = BlogPages()  # no app: the split needs only these two settings
    pages.config = lambda key: {"legacy_meta_parser": False, "html_renderer": lambda body: body}[key]
    parsed = pages._parse(text, "p", "")
    assert (parsed._meta, parsed.body) == libyaml_parser(text, "p")


def test_every_shipped_and_fixture_post_splits_as_flatpages_does():
    from pathlib import Path

    from flask_flatpages.parsers import libyaml_parser

    from research_blog.content.pagefiles import BlogPages

    pages = BlogPages()
    pages.config = lambda key: {"legacy_meta_parser": False, "html_renderer": lambda body: body}[key]
    root = Path(__file__).parent.parent
    for path in [*root.glob("pages/*.md"), *root.glob("tests/fixtures/pages/**/*.md")]:
        text = path.read_text(encoding="utf-8")
        parsed = pages._parse(text, path.stem, "")
        assert (parsed._meta, parsed.body) == libyaml_parser(text, path.stem), path
