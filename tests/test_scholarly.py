"""Citations from BibTeX, numbered cross-references, sidenotes and "Cite this post"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import make_app, write_settled

from research_blog.content.bibtex import parse_bibliography
from research_blog.render.pipeline import render_markdown
from research_blog.render.references import EMPTY

BIB = """@string{neurips = "NeurIPS"}
@article{schulman2017ppo,
  author = {Schulman, John and Wolski, Filip and Dhariwal, Prafulla and Radford, Alec and Klimov, Oleg},
  title = {Proximal Policy Optimization Algorithms},
  journal = {arXiv preprint}, year = {2017}, eprint = {1707.06347}, archivePrefix = {arXiv},
}
@inproceedings{graves2016act,
  author = {Graves, Alex}, title = {Adaptive Computation Time}, booktitle = neurips, year = 2016,
}
@article{bradley1952rank,
  author = {Bradley, R. A. and Terry, M. E.}, title = {Rank Analysis}, journal = {Biometrika},
  year = {1952}, doi = {10.2307/2334029},
}
@misc{deepseek2025r1,
  author = {{DeepSeek-AI}}, title = {From $r$ to {DeepSeek-R1}}, year = {2025},
}
"""
LIBRARY, BIB_PROBLEMS = parse_bibliography(BIB, "references.bib")


def html_of(body: str, library=LIBRARY):
    rendered = render_markdown(body, library=library)
    return rendered, re.sub(r'<span class="cite-card" hidden>.*?</span></a>', "</a>", rendered.html, flags=re.S)


# ---- citations -------------------------------------------------------------------

def test_the_test_library_is_clean():
    assert BIB_PROBLEMS == [] and len(LIBRARY) == 4


def test_bracketed_citations_are_numbered_in_order_of_first_citation():
    rendered, html = html_of("First [@graves2016act], then [@schulman2017ppo; @graves2016act].")
    assert '[<a class="cite" href="#ref-graves2016act">1</a>]' in html
    assert ('[<a class="cite" href="#ref-schulman2017ppo">2</a>, <a class="cite" href="#ref-graves2016act">1</a>]'
            in html)
    assert rendered.cited == ("graves2016act", "schulman2017ppo")
    items = re.findall(r'<li id="ref-([^"]+)">', rendered.html)
    assert items == ["graves2016act", "schulman2017ppo"]  # only the cited works, in that order


def test_narrative_citations_name_the_authors():
    _, html = html_of("@graves2016act, @bradley1952rank, @schulman2017ppo and @deepseek2025r1 agree.")
    assert 'Graves [<a class="cite"' in html
    assert "Bradley and Terry [" in html
    assert "Schulman et al. [" in html
    assert "DeepSeek-AI [" in html


def test_at_signs_that_are_not_citations_stay_text():
    body = ("Mail me@example.org, use @property or \\@graves2016act.\n\n"
            "```python\n@torch.no_grad()\ndef f(): return [@graves2016act]\n```\n\n"
            "Inline `@graves2016act` too, and [@graves2016act](https://example.org/) is a link.")
    rendered, html = html_of(body)
    assert rendered.cited == () and rendered.reference_errors == ()
    assert "me@example.org" in html and "@property" in html and "@graves2016act." in html
    assert '<span class="nd">@torch</span>' in html and "<code>@graves2016act</code>" in html
    assert '<a href="https://example.org/">@graves2016act</a>' in html
    assert "References" not in html


def test_the_bibliography_entry_is_complete_and_links_doi_and_arxiv():
    rendered, _ = html_of("[@schulman2017ppo] [@bradley1952rank] [@deepseek2025r1]")
    assert ("Schulman, J., Wolski, F., Dhariwal, P., Radford, A. and Klimov, O.</span> "
            "“<span class=\"ref-title\">Proximal Policy Optimization Algorithms</span>.” <em>arXiv preprint</em>, 2017."
            in rendered.html)
    assert '<a href="https://arxiv.org/abs/1707.06347" rel="noopener">arXiv:1707.06347</a>' in rendered.html
    assert '<a href="https://doi.org/10.2307/2334029" rel="noopener">doi:10.2307/2334029</a>' in rendered.html
    assert 'class="katex"' in rendered.html.split('id="ref-deepseek2025r1"')[1]  # $r$ in a title is typeset
    assert re.search(r'<section class="bibliography"><h2 id="references">References', rendered.html)
    assert [entry.label_html for entry in rendered.toc][-1].startswith("References")


def test_a_citation_carries_its_hover_card_hidden():
    rendered, _ = html_of("[@graves2016act]")
    card = re.search(r'<a class="cite" href="#ref-graves2016act">1<span class="cite-card" hidden>(.*?)</span></a>',
                     rendered.html, re.S)
    assert card and "Adaptive Computation Time" in card.group(1) and "<a " not in card.group(1)


def test_the_feed_form_has_plain_citation_links_and_end_notes():
    html = render_markdown("A [@graves2016act].[^n]\n\n[^n]: Note.", "mathml", LIBRARY).html
    assert '<a class="cite" href="#ref-graves2016act">1</a>' in html
    assert "cite-card" not in html and "sidenote" not in html and 'id="ref-graves2016act"' in html


def test_an_unknown_key_is_visible_and_reported():
    rendered, html = html_of("See [@nobody2020x] and @nobody2021y, not @decorator.")
    assert '<span class="cite-unknown">?nobody2020x</span>' in html
    assert [needle for needle, _ in rendered.reference_errors] == ["@nobody2020x", "@nobody2021y"]
    assert "@decorator" in html


def test_the_library_is_part_of_the_cache_key():
    one = render_markdown("[@graves2016act]", library=LIBRARY)
    other, _ = parse_bibliography(BIB.replace("Adaptive Computation Time", "ACT"), "references.bib")
    assert render_markdown("[@graves2016act]", library=other).html != one.html
    assert render_markdown("[@graves2016act]", library=EMPTY).reference_errors


# ---- the .bib file -----------------------------------------------------------------

def test_entries_missing_fields_and_clashing_duplicates_are_problems_with_lines():
    text = ("@article{a2020,\n  title = {T}, year = 2020,\n}\n"
            "@article{b2020, author = {X, Y}, title = {T}, year = 2020}\n"
            "@article{b2020, author = {X, Y}, title = {T}, year = 2020}\n"
            "@article{b2020, author = {X, Y}, title = {Other}, year = 2020}\n")
    _, problems = parse_bibliography(text, "refs.bib")
    assert [str(p) for p in problems] == [
        "refs.bib:1: entry 'a2020' has no author: add `author = {...}`",
        "refs.bib:6: duplicate key 'b2020' with different content (first at line 4): rename one or merge them",
    ]


def test_an_unreadable_entry_names_its_line():
    _, problems = parse_bibliography("@article{ok2020, author={A, B}, title={T}, year=2020}\n\n"
                                     "@article{bad2020, author={A, B}, title={T, year=2020}\n", "refs.bib")
    assert len(problems) == 1 and str(problems[0]).startswith("refs.bib:3: BibTeX entry cannot be read")


# ---- cross-references --------------------------------------------------------------

XREFS = """See @eq:second, @fig:plot, @tbl:sizes and @sec:method.

## Intro

## Method {#sec:method}

$$
a = 1 \\tag{3}
$$

$$
b = 2
$$ {#eq:second}

![A plot](figures/plot.svg){#fig:plot}

/// figure-caption
The plot.
///

| a |
|---|
| 1 |

/// table-caption
Sizes. {#tbl:sizes}
///
"""


def test_references_become_numbered_links():
    rendered, html = html_of(XREFS)
    assert '<a class="xref" href="#eq:second">Eq. (4)</a>' in html  # continues after a hand-typed \tag{3}
    assert '<a class="xref" href="#fig:plot">Figure 1</a>' in html
    assert '<a class="xref" href="#tbl:sizes">Table 1</a>' in html
    assert '<a class="xref" href="#sec:method">Section 2</a>' in html
    assert '<div class="math-display" id="eq:second">' in html and "\\tag{4}" in html
    assert '<span class="xref-target" id="fig:plot"></span>' in html and "{#tbl:sizes}" not in html
    assert rendered.reference_errors == ()


def test_latex_label_numbers_an_equation_too():
    _, html = html_of("$$\nx = 1 \\label{eq:x}\n$$\n\n@eq:x")
    assert '<div class="math-display" id="eq:x">' in html and "Eq. (1)" in html and "\\label" not in html


def test_unknown_and_duplicate_labels_are_reported():
    rendered, html = html_of("@eq:missing\n\n$$\nx\n$$ {#eq:a}\n\n$$\ny\n$$ {#eq:a}\n")
    assert '<a class="xref xref-unknown" href="#eq:missing">Eq. (??)</a>' in html
    assert [needle for needle, _ in rendered.reference_errors] == ["{#eq:a}", "@eq:missing"]


# ---- sidenotes ---------------------------------------------------------------------

def test_a_footnote_in_running_text_gets_a_hidden_sidenote_copy():
    html = render_markdown("Text.[^a]\n\n| x |\n|---|\n| y[^b] |\n\n[^a]: Note *a*.\n[^b]: Note b.").html
    assert re.search(r'<sup id="fnref:a">.*?</sup><span aria-hidden="true" class="sidenote" hidden>'
                     r'<span class="sidenote-number">1</span><span class="sidenote-para">Note <em>a</em>.</span>', html)
    assert html.count('class="sidenote"') == 1  # not for the note called from a table
    assert 'data-sidenotes="all"' not in html  # so the end list stays on wide screens too


def test_when_every_note_is_in_the_margin_the_end_list_says_so():
    html = render_markdown("Text.[^a]\n\n[^a]: Note a.").html
    assert '<div class="footnote" data-sidenotes="all">' in html and "footnote-backref" in html


# ---- the blog: check, pages, cite this, feed ---------------------------------------

def test_the_fixture_post_renders_everything(client):
    html = client.get("/scholarly/").get_data(as_text=True)
    assert 'Ho et al. [<a class="cite" href="#ref-ho2020ddpm">3' in html
    assert "Eq. (1)" in html and "Eq. (2)" in html and "Figure 1" in html and "Table 1" in html
    assert html.count('class="sidenote"') == 3
    assert '<h2 id="cite-this-post">Cite this post</h2>' in html
    assert "@online{blog2023scholarly," in html
    assert "url          = {https://example.org/scholarly/}" in html
    assert "Research Blog. “Citations, cross-references and sidenotes.” Research Blog, 1 June 2023." in html


def test_cite_this_post_goes_without_url_when_the_site_url_is_unknown():
    html = make_app(BLOG_SITE_URL=None).test_client().get("/scholarly/").get_data(as_text=True)
    assert "Cite this post" in html and "url          =" not in html


def test_the_feed_has_citations_and_end_notes(client):
    feed = client.get("/feed.xml").get_data(as_text=True)
    entry = feed[feed.index("Citations, cross-references"):]
    assert "Ho et al. [" in entry and "ref-ho2020ddpm" in entry and 'class="sidenote"' not in entry


def _check(pages: Path) -> list[str]:
    result = make_app(pages).test_cli_runner().invoke(args=["check"])
    return result.output.splitlines()


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda t: t.replace("[@ba2016layer;", "[@nobody2019x;"),
     "scholarly.md:10: citation of an unknown key 'nobody2019x'"),
    (lambda t: t.replace("in @fig:weights", "in @fig:nothing"),
     "scholarly.md:16: reference to an unknown label 'fig:nothing'"),
    (lambda t: t.replace("The scores are in @eq:scores", "The scores are in @eq:score"),  # a prefix of a real label
     "scholarly.md:16: reference to an unknown label 'eq:score'"),
    (lambda t: t.replace("{#eq:scores}", "{#eq:weights}"),
     "scholarly.md:23: label 'eq:weights' is used twice"),
    (lambda t: t.replace("As @ho2020ddpm show", "As they show"),
     "scholarly.bib:1: entry 'ho2020ddpm' is not cited by scholarly.md"),
])
def test_check_reports_citation_and_label_problems(pages_copy, edit, expected):
    post = pages_copy / "scholarly.md"
    write_settled(post, edit(post.read_text(encoding="utf-8")))
    lines = _check(pages_copy)
    assert any(expected in line for line in lines), lines


def test_check_reports_bib_file_problems(pages_copy):
    bib = pages_copy / "references.bib"
    text = bib.read_text(encoding="utf-8")
    write_settled(bib, text.replace("  year    = {2016},\n", "") + "\n@article{ba2016layer, author={Ba, J.},"
                  " title={Other}, year=2016}\n")
    lines = _check(pages_copy)
    assert any("references.bib:14: entry 'ba2016layer' has no year" in line for line in lines), lines
    assert any("duplicate key 'ba2016layer' with different content" in line for line in lines), lines
    own = pages_copy / "scholarly.bib"
    write_settled(own, own.read_text(encoding="utf-8") + "\n@article{ba2016layer, author={Ba, J.}, title={X}, year=2016}\n")
    assert any("scholarly.bib:10: duplicate key 'ba2016layer'" in line for line in _check(pages_copy))


def test_a_bibliography_field_must_name_a_bib_file(pages_copy):
    post = pages_copy / "scholarly.md"
    write_settled(post, post.read_text(encoding="utf-8").replace("bibliography: scholarly.bib", "bibliography: ../x.txt"))
    assert any("'bibliography' must name a .bib file" in line for line in _check(pages_copy))
