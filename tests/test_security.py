"""Headers, path traversal and reflected input."""

from __future__ import annotations

import re

import pytest
from conftest import ASSETS, FIXTURE_PAGES, make_app, write_settled


def test_security_headers_on_pages_assets_and_errors(client):
    # Twice each: the second answer of a page comes from the page cache, which carries its own headers.
    for path in ("/", "/attention/", f"/{ASSETS}/css/site.css", "/feed.xml", "/no-such-page/") * 2:
        with client.get(path) as response:
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("style-src-attr")[0], path
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"]
            names = [name.lower() for name, _ in response.headers]
            assert len(names) == len(set(names)), f"a header sent twice on {path}: {names}"
    with client.get("/attention/") as page, client.get("/attention/", headers={"If-None-Match": page.headers["ETag"]}) as again:
        assert again.status_code == 304 and again.headers["Content-Security-Policy"] == page.headers["Content-Security-Policy"]


def test_pages_carry_no_inline_script_and_no_third_party_urls(client):
    for path in ("/", "/attention/", "/series/optimisers/", "/search/"):
        html = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            # Our own files, or JSON-LD: a data block the browser never runs. Only theme.js
            # blocks the parser, on purpose: the chosen theme is set before the first paint.
            assert re.fullmatch(rf'<script src="/{ASSETS}/js/[\w.]+" defer>|<script type="application/ld\+json">'
                                rf'|<script src="/{ASSETS}/js/theme\.js">', tag), tag
        assert "<script>" not in html and "onload=" not in html and "onclick=" not in html
        assert "cdn" not in html.lower()


@pytest.mark.parametrize("path", [
    "/attention/figures/../../attention.md",
    "/attention/figures/..%2f..%2fattention.md",
    "/attention/figures/%2e%2e/%2e%2e/conftest.py",
    "/attention/figures//etc/passwd",
    f"/{ASSETS}/../../app.py",
    f"/{ASSETS}/%2e%2e/%2e%2e/app.py",
    f"/{ASSETS}/..%2f..%2fpyproject.toml",
    f"/{ASSETS}/../../../research_blog/__init__.py",
])
def test_no_url_reads_outside_content_and_static(client, path):
    with client.get(path, follow_redirects=True) as response:
        assert response.status_code == 404, path
        assert b"title:" not in response.data and b"[project]" not in response.data


def test_url_input_is_escaped_never_reflected(client):
    probe = "<script>alert(1)</script>"
    for path in (f"/{probe}/", f"/tags/{probe}/", f"/category/{probe}/", f"/series/{probe}/"):
        body = client.get(path).get_data(as_text=True)
        assert probe not in body


def test_front_matter_html_is_escaped(pages_copy):
    from conftest import make_app
    post = pages_copy / "attention.md"
    post.write_text(post.read_text().replace('title: "Attention from scratch"', 'title: "<img src=x onerror=alert(1)>"'))
    html = make_app(pages_copy).test_client().get("/attention/").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x" in html


EVIL = {"Host": "evil.example"}


def test_a_forged_host_header_never_reaches_a_page_feed_or_redirect():
    client = make_app(BLOG_SITE_URL=None).test_client()
    for path in ("/", "/attention/", "/robots.txt", "/tags/adam/", "/no-such-page/"):
        body = client.get(path, headers=EVIL).get_data(as_text=True)
        assert "evil.example" not in body, path
    assert 'rel="canonical"' not in client.get("/attention/", headers=EVIL).get_data(as_text=True)
    assert client.get("/feed.xml", headers=EVIL).status_code == 404, "no trusted site URL: no feed"
    assert client.get("/sitemap.xml", headers=EVIL).status_code == 404
    redirect = client.get("/attention", headers=EVIL)
    assert redirect.status_code == 308 and redirect.headers["Location"] == "/attention/"


def test_the_configured_site_url_wins_over_the_host_header():
    client = make_app(BLOG_SITE_URL="https://blog.example.org").test_client()
    for path in ("/", "/attention/", "/feed.xml", "/sitemap.xml", "/robots.txt"):
        body = client.get(path, headers=EVIL).get_data(as_text=True)
        assert "evil.example" not in body and "https://blog.example.org/" in body, path


def test_trusted_hosts_let_the_request_name_the_site():
    client = make_app(BLOG_SITE_URL=None, TRUSTED_HOSTS=["blog.example.org"]).test_client()
    assert client.get("/", headers=EVIL).status_code == 400, "Flask refuses a host it does not trust"
    feed = client.get("/feed.xml", headers={"Host": "blog.example.org"})
    assert feed.status_code == 200 and "http://blog.example.org/attention/" in feed.get_data(as_text=True)


def test_embedded_redirects_are_relative_and_the_hosts_own_are_untouched():
    from flask import Flask, redirect

    from research_blog import Blog

    host = Flask("host_with_redirects")
    host.config.update(BLOG_URL_PREFIX="/blog", BLOG_CONTENT_DIR=str(FIXTURE_PAGES), BLOG_SITE_URL="https://example.org")
    host.add_url_rule("/away", "away", lambda: redirect("https://elsewhere.example/x"))
    Blog(host)
    client = host.test_client()
    assert client.get("/blog/attention", headers=EVIL).headers["Location"] == "/blog/attention/"
    assert client.get("/away").headers["Location"] == "https://elsewhere.example/x"


def test_readers_never_see_server_paths_in_an_error_page(pages_copy):
    write_settled(pages_copy / "broken.md", "---\ntitle: [unclosed\n---\n\nBody\n")
    from research_blog.content.post import ContentError, Problem

    production = make_app(pages_copy)

    @production.route("/explode/")
    def explode():
        raise ContentError([Problem(str(pages_copy / "x.md"), 3, "secret detail")])

    for path in ("/", "/attention/", "/broken/", "/nope/"):
        body = production.test_client().get(path).get_data(as_text=True)
        assert str(pages_copy) not in body and "broken.md" not in body, path

    page = production.test_client().get("/explode/")
    assert page.status_code == 500 and "secret detail" not in page.get_data(as_text=True)
    assert "Something went wrong" in page.get_data(as_text=True)
