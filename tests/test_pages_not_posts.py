"""`kind: page`: served at its slug with math, citations and figures, listed nowhere a post is."""

from __future__ import annotations

from conftest import make_app, write_settled
from crawl import client_fetcher, crawl, file_fetcher

from research_blog.build.freeze import freeze_site

ABOUT = """---
title: "About this blog"
kind: page
summary: "Who writes here."
---

Notes on $\\nabla_\\theta J$ since attention [@vaswani2017attention].

![A square](figures/square.svg)
"""


def with_about(pages, text: str = ABOUT):
    write_settled(pages / "about.md", text)
    (pages / "figures").mkdir(exist_ok=True)
    (pages / "figures" / "square.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    return pages


def test_a_page_is_served_with_math_citations_and_figures(pages_copy):
    client = make_app(with_about(pages_copy)).test_client()
    page = client.get("/about/").get_data(as_text=True)
    assert "<h1>About this blog</h1>" in page and 'class="katex' in page and "Vaswani" in page
    assert 'src="figures/square.svg"' in page or "/about/figures/square.svg" in page
    with client.get("/about/figures/square.svg") as figure:
        assert figure.status_code == 200
    # None of a post's trappings: no TL;DR, reading time or share card.
    assert "TL;DR" not in page and "min read" not in page and "card.png" not in page


def test_a_page_is_in_no_listing_feed_series_or_search(pages_copy):
    client = make_app(with_about(pages_copy)).test_client()
    for path in ["/", "/feed.xml", "/tags/", "/series/", "/search-index.json", "/category/research/"]:
        with client.get(path) as response:
            assert b"About this blog" not in response.data, path
    with client.get("/about/card.png") as card:
        assert card.status_code == 404
    assert b"/about/</loc>" in client.get("/sitemap.xml").data


def test_a_page_is_reached_from_the_menu_and_crawls_clean_served_and_frozen_under_a_prefix(pages_copy, tmp_path):
    menu = [{"label": "About", "url": "/about/"}]
    app = make_app(with_about(pages_copy), BLOG_MENU=menu, BLOG_URL_PREFIX="/blog")
    visited, broken = crawl(client_fetcher(app.test_client()), ["/blog/"])
    assert not broken and "/blog/about/" in visited
    freeze_site(make_app(pages_copy, BLOG_MENU=menu), tmp_path / "site", "https://me.example/notes/")
    visited, broken = crawl(file_fetcher(tmp_path / "site", "/notes/"), ["/notes/"], origin="https://me.example")
    assert not broken and "/notes/about/" in visited and "/notes/about/figures/square.svg" in visited


def test_a_page_with_a_post_s_listing_fields_is_refused_with_the_line(pages_copy):
    with_about(pages_copy, ABOUT.replace("kind: page\n", "kind: page\ndate: 2024-01-01\ntags: [x]\n"))
    result = make_app(pages_copy).test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "about.md:4: a page (kind: page) is listed nowhere, so it has no 'date'" in result.output
    assert "about.md:5: a page (kind: page) is listed nowhere, so it has no 'tags'" in result.output


def test_an_unknown_kind_is_refused(pages_copy):
    with_about(pages_copy, ABOUT.replace("kind: page", "kind: pgae"))
    result = make_app(pages_copy).test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1 and "'kind' must be post or page, got 'pgae'" in result.output
