"""The shipped posts in pages/ against the seed listing, their specification."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, make_app
from crawl import client_fetcher, crawl

from research_blog.state import state

PAGES = PROJECT_ROOT / "pages"
SEED = json.loads((Path(__file__).parent / "fixtures" / "seed_listing.json").read_text(encoding="utf-8"))
SERIES = ["ppo", "dpo", "grpo", "gdpo"]


@pytest.fixture(scope="module")
def shipped():
    app = make_app(PAGES)
    with app.app_context():
        loaded = state(app).collection.loaded()
    return app, loaded


def test_shipped_content_passes_check():
    result = make_app(PAGES).test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output


def test_listing_matches_the_seed_in_order_with_computed_reading_times(shipped):
    app, loaded = shipped
    posts = [p for p in loaded.posts if not p.draft]
    got = [(p.title, p.reading_minutes, p.category, p.summary) for p in posts]
    want = [(p["title"], p["read_minutes"], p["category"], p["summary"]) for p in SEED["posts"]]
    assert got == want
    html = app.test_client().get("/").get_data(as_text=True)
    assert SEED["site_title"] in html and SEED["tagline"] in html
    positions = [html.index(f">{p['read_minutes']} min read<", html.index(p["title"].replace("'", "&#39;"))) for p in SEED["posts"]]
    assert positions == sorted(positions)


def test_the_post_training_series_reads_in_order(shipped):
    app, loaded = shipped
    by_slug = {p.slug: p for p in loaded.posts}
    assert [by_slug[s].series_part for s in SERIES] == [1, 2, 3, 4]
    assert {by_slug[s].series for s in SERIES} == {"Modern post-training"}
    client = app.test_client()
    series_page = client.get("/series/modern-post-training/").get_data(as_text=True)
    assert [series_page.index(by_slug[s].title) for s in SERIES] == sorted(series_page.index(by_slug[s].title) for s in SERIES)
    for part, slug in enumerate(SERIES, start=1):
        assert f"Part {part} of 4 in the series" in client.get(f"/{slug}/").get_data(as_text=True)


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.md")), ids=lambda p: p.stem)
def test_each_post_has_a_captioned_labelled_figure_with_alt_text_and_references(path, shipped):
    text = path.read_text(encoding="utf-8")
    figures = re.findall(r"!\[([^\]]*)\]\((figures/[^)]+\.svg)\)\{#fig:[\w-]+\}\s*\n\s*\n/// figure-caption\n(.+)", text)
    assert figures, "at least one SVG figure with a numbered caption"
    for alt, src, caption in figures:
        assert caption.strip(), f"{src}: empty caption"
        assert len(alt.split()) >= 4, f"{src}: alt text should describe the figure"
        assert (PAGES / src).is_file()
    # References come from pages/references.bib: the post cites and ends with its bibliography.
    assert not re.search(r"^## References\s*$", text, re.M), "no hand-typed list: cite [@key] instead"
    app, loaded = shipped
    post = next(p for p in loaded.posts if p.slug == path.stem)
    assert post.rendered.cited and post.rendered.reference_errors == ()
    assert post.rendered.html.count('<li id="ref-') == len(post.rendered.cited)
    assert '<section class="bibliography">' in post.rendered.html
    assert not re.search(r"\\tag\{\d+\}", text), "equations are labelled, not numbered by hand"
    # (A figure of a cited paper, "the paper's Figure 2", "Figure 2 of/in ...", is not ours.)
    prose = "\n".join(re.split(r"^```.*?^```", text, flags=re.M | re.S))
    assert not re.search(r"(?<!paper's )\b(Eqs?\.|Figure) \(?\d+\b(?! (?:in|of) )", prose), \
        "prose refers to equations and figures by label"


def test_plotted_figures_come_from_a_script_in_the_repository():
    scripts = " ".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "scripts" / "figures").glob("*.py"))
    for svg in (PAGES / "figures").glob("*.svg"):
        if "Matplotlib" in svg.read_text(encoding="utf-8")[:2000]:
            assert svg.name in scripts or svg.stem in scripts, f"{svg.name}: no script in scripts/figures/ draws it"


def test_every_link_on_the_shipped_site_resolves(shipped):
    app, _ = shipped
    visited, broken = crawl(client_fetcher(app.test_client()), ["/"])
    assert not broken
    assert all(f"/{slug}/" in visited for slug in SERIES)
