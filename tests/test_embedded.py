"""The blog mounted at /blog inside a host application that has its own pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ASSETS, FIXTURE_PAGES
from crawl import client_fetcher, crawl, file_fetcher
from flask import Flask, render_template

from research_blog import Blog
from research_blog.build.freeze import freeze_site
from research_blog.extension import ContentFolderError

HOST_TEMPLATES = Path(__file__).parent / "fixtures" / "host_templates"


def make_host(content_dir: Path = FIXTURE_PAGES) -> Flask:
    host = Flask("host_site", template_folder=str(HOST_TEMPLATES))
    host.config.update(TESTING=True, BLOG_URL_PREFIX="/blog", BLOG_CONTENT_DIR=str(content_dir),
                       BLOG_SITE_URL="https://example.org")

    @host.route("/")
    def home():
        return render_template("base.html", message="Welcome to the host")

    @host.route("/about/")
    def about():
        return render_template("base.html", message="About the host")

    Blog(host)
    return host


def test_host_routes_and_templates_are_untouched():
    client = make_host().test_client()
    home = client.get("/").get_data(as_text=True)
    assert "HOST BASE: Welcome to the host" in home
    assert "Content-Security-Policy" not in client.get("/").headers, "the blog sets headers on its own pages only"
    assert "HOST BASE: About the host" in client.get("/about/").get_data(as_text=True)


def test_blog_lives_under_its_prefix_with_its_own_base_template():
    client = make_host().test_client()
    listing = client.get("/blog/").get_data(as_text=True)
    assert "HOST BASE" not in listing, "the host's base.html must not replace ours"
    assert 'href="/blog/attention/"' in listing and f'href="/blog/{ASSETS}/css/site.css"' in listing
    post = client.get("/blog/attention/")
    assert post.status_code == 200 and "Content-Security-Policy" in post.headers
    assert client.get("/attention/").status_code == 404
    assert "Page not found" in client.get("/blog/nope/").get_data(as_text=True)


def test_every_blog_link_and_asset_resolves_under_the_prefix():
    visited, broken = crawl(client_fetcher(make_host().test_client()), ["/blog/"])
    assert not broken
    blog_paths = {p for p in visited if p != "/"}
    assert all(p.startswith("/blog/") for p in blog_paths), blog_paths
    assert {"/blog/attention/figures/weights.svg", f"/blog/{ASSETS}/katex/katex.min.css", "/blog/feed.xml"} <= visited


def test_feed_urls_include_the_prefix():
    feed = make_host().test_client().get("/blog/feed.xml").get_data(as_text=True)
    assert "<id>https://example.org/blog/attention/</id>" in feed


def test_two_hosts_keep_their_own_posts(pages_copy):
    (pages_copy / "attention.md").unlink()
    first, second = make_host(), make_host(pages_copy)
    assert first.test_client().get("/blog/attention/").status_code == 200
    assert second.test_client().get("/blog/attention/").status_code == 404
    assert first.test_client().get("/blog/attention/").status_code == 200


def test_embedded_blog_freezes_with_the_host(tmp_path):
    out = tmp_path / "site"
    freeze_site(make_host(), out)
    assert (out / "index.html").read_text().count("HOST BASE") == 1
    visited, broken = crawl(file_fetcher(out), ["/blog/"])
    assert not broken and "/blog/attention/" in visited


def test_content_defaults_to_pages_beside_the_host_app(tmp_path):
    shutil.copytree(FIXTURE_PAGES, tmp_path / "pages")
    host = Flask("somewhere_else", root_path=str(tmp_path))
    host.config.update(BLOG_URL_PREFIX="/blog", BLOG_SITE_URL="https://example.org")
    Blog(host)
    assert host.config["BLOG_CONTENT_DIR"] == str(tmp_path / "pages")
    assert host.test_client().get("/blog/attention/").status_code == 200


def test_a_host_without_a_pages_folder_gets_an_error_naming_it(tmp_path):
    host = Flask("empty_host", root_path=str(tmp_path))
    with pytest.raises(ContentFolderError, match=str(tmp_path / "pages")):
        Blog(host)
