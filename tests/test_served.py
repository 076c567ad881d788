"""The blog as the Flask server serves it."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

from conftest import ASSETS, make_app, write_settled
from crawl import client_fetcher, crawl

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_listing_shows_public_posts_newest_first_with_meta(client):
    html = client.get("/").get_data(as_text=True)
    assert "<h1>Research Blog</h1>" in html
    assert "Deep dives into machine learning research papers" in html
    order = [html.index(title) for title in ("Attention from scratch", "Optimisers part 1: SGD", "Optimisers part 2: Adam")]
    assert order == sorted(order), "newest first; a date tie goes to the lower series part"
    assert "Mar 10, 2024" in html and "1 min read" in html
    assert 'href="/category/research/"' in html
    assert "Scaled dot-product attention, derived and implemented" in html


def test_post_page_has_everything_a_reader_needs(client):
    html = client.get("/attention/").get_data(as_text=True)
    assert "<h1>Attention from scratch</h1>" in html
    assert "← All posts" in html and 'href="/category/research/"' in html
    assert 'href="https://arxiv.org/abs/1706.03762"' in html, "the front-matter links"
    assert "TL;DR" in html
    assert 'aria-label="Contents"' in html and 'href="#the-formula"' in html and 'href="#why-the-square-root"' in html
    assert 'class="headerlink" href="#the-formula"' in html, "a permalink on each heading"
    assert 'class="katex"' in html and "$$" not in html
    assert 'class="footnote"' in html
    assert '<span class="caption-prefix">Figure 1.</span>' in html
    assert 'src="figures/weights.svg"' in html
    assert 'rel="canonical" href="https://example.org/attention/"' in html
    assert f"/{ASSETS}/katex/katex.min.css" in html and f"/{ASSETS}/highlight.css" in html


def test_series_parts_know_their_position_and_neighbours(client):
    html = client.get("/series-part-two/").get_data(as_text=True)
    assert "Part 2 of 2 in the series" in html and 'href="/series/optimisers/">Optimisers</a>' in html
    assert 'class="prev" href="/series-part-one/"' in html
    assert 'class="next" href="/attention/"' in html
    assert "(updated <time" in html
    series = client.get("/series/optimisers/").get_data(as_text=True)
    assert series.index("Optimisers part 1: SGD") < series.index("Optimisers part 2: Adam")
    assert "Part 1 of 2" in series and "Part 2 of 2" in series


def test_category_and_tag_pages(client):
    category = client.get("/category/optimisation/").get_data(as_text=True)
    assert "Optimisers part 1: SGD" in category and "Attention from scratch" not in category
    tag = client.get("/tags/adam/").get_data(as_text=True)
    assert "Optimisers part 2: Adam" in tag and "Optimisers part 1: SGD" not in tag
    assert client.get("/tags/no-such-tag/").status_code == 404
    assert client.get("/category/nothing/").status_code == 404
    assert client.get("/series/nothing/").status_code == 404


def test_figures_are_served_next_to_their_post(client):
    with client.get("/attention/figures/weights.svg") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert client.get("/attention/figures/missing.svg").status_code == 404
    assert client.get("/draft-idea/figures/weights.svg").status_code == 404, "a hidden post has no figures"


def test_unknown_urls_get_a_real_404_page(client):
    response = client.get("/no-such-post/")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert client.get("/a/b/c/d").status_code == 404


def test_drafts_and_future_posts_are_hidden_everywhere(client):
    for path in ("/", "/feed.xml", "/sitemap.xml", "/category/research/"):
        body = client.get(path).get_data(as_text=True)
        assert "A draft idea" not in body and "draft-idea" not in body, path
        assert "From the future" not in body and "scheduled" not in body, path
    assert client.get("/draft-idea/").status_code == 404
    assert client.get("/scheduled/").status_code == 404


def test_show_drafts_reveals_them():
    client = make_app(BLOG_SHOW_DRAFTS=True).test_client()
    assert "A draft idea" in client.get("/").get_data(as_text=True)
    assert client.get("/draft-idea/").status_code == 200
    assert client.get("/scheduled/").status_code == 200


def test_atom_feed_parses_and_carries_full_content_with_absolute_urls():
    client = make_app(BLOG_SITE_URL="https://example.org/research/").test_client()
    response = client.get("/feed.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Attention from scratch", "Optimisers part 1: SGD", "Optimisers part 2: Adam",
        "Citations, cross-references and sidenotes"]
    first = entries[0]
    assert first.find(f"{ATOM}id").text == "https://example.org/research/attention/"
    content = first.find(f"{ATOM}content").text
    assert "<math" in content and "katex-html" not in content, "MathML only in feeds"
    assert 'src="https://example.org/research/attention/figures/weights.svg"' in content
    assert 'href="https://example.org/research/series-part-one/"' in content


def test_sitemap_and_robots():
    client = make_app(BLOG_SITE_URL="https://example.org").test_client()
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    assert {"https://example.org/", "https://example.org/attention/", "https://example.org/series/optimisers/",
            "https://example.org/tags/adam/", "https://example.org/category/research/"} <= locations
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain"
    assert "Sitemap: https://example.org/sitemap.xml" in robots.get_data(as_text=True)


def test_every_internal_link_and_asset_resolves(client):
    visited, broken = crawl(client_fetcher(client), ["/"])
    assert not broken
    assert {"/attention/", f"/{ASSETS}/katex/katex.min.css", f"/{ASSETS}/highlight.css", "/attention/figures/weights.svg",
            f"/{ASSETS}/katex/fonts/KaTeX_Main-Regular.woff2", "/series/optimisers/"} <= visited


def test_highlight_css_has_light_and_dark_styles(client):
    css = client.get(f"/{ASSETS}/highlight.css")
    assert css.mimetype == "text/css"
    text = css.get_data(as_text=True)
    assert ".highlight" in text and "@media (prefers-color-scheme: dark)" in text


def test_debug_server_picks_up_edited_and_new_posts(pages_copy):
    app = make_app(pages_copy)
    app.debug = True
    client = app.test_client()
    assert "Attention from scratch" in client.get("/").get_data(as_text=True)
    post = pages_copy / "attention.md"
    post.write_text(post.read_text().replace('title: "Attention from scratch"', 'title: "Attention, revised"'))
    (pages_copy / "fresh.md").write_text(
        '---\ntitle: "A fresh post"\ndate: 2024-04-01\nsummary: "New."\ncategory: Research\n---\n\nHello.\n')
    time.sleep(0.2)  # the file events reach the watcher thread (a person's reload takes longer)
    html = client.get("/").get_data(as_text=True)
    assert "Attention, revised" in html and "A fresh post" in html
    assert client.get("/fresh/").status_code == 200


def test_broken_content_shows_the_problems_not_a_traceback_on_the_dev_server(pages_copy):
    write_settled(pages_copy / "broken.md", "---\ntitle: [unclosed\n---\n\nBody\n")
    app = make_app(pages_copy)
    app.debug = True
    response = app.test_client().get("/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "broken.md:2: front matter is not valid YAML" in html
    assert "Traceback" not in html
