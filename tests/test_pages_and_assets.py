"""Pages as bytes (ETag, 304), numbered pages of lists, and fingerprinted assets."""

from __future__ import annotations

import shutil
import time

from conftest import ASSETS, make_app
from crawl import crawl, file_fetcher

from research_blog.build.freeze import freeze_site
from research_blog.state import published
from research_blog.web import assets


def test_pages_carry_an_etag_and_a_revalidation_gets_304(client):
    first = client.get("/attention/")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/attention/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/attention/").data == first.data, "served from memory, the same bytes"


def test_the_page_cache_follows_content_edits(pages_copy):
    app = make_app(pages_copy, BLOG_AUTO_RELOAD=True)
    client = app.test_client()
    etag = client.get("/attention/").headers["ETag"]
    post = pages_copy / "attention.md"
    post.write_text(post.read_text().replace("Attention mixes values", "Attention blends values"))
    for _ in range(100):  # file events reach the watcher thread within milliseconds
        response = client.get("/attention/")
        if response.headers["ETag"] != etag:
            break
        time.sleep(0.02)
    assert "Attention blends values" in response.get_data(as_text=True)


def test_lists_are_paginated_served_and_frozen(tmp_path):
    with make_app().app_context():
        public = len(published().posts)
    app = make_app(BLOG_PAGE_SIZE=public - 1)  # two pages: all but one post, then that one
    client = app.test_client()
    first = client.get("/").get_data(as_text=True)
    assert first.count('class="post-card"') == public - 1 and 'href="/page/2/"' in first and "Page 1 of 2" in first
    second = client.get("/page/2/").get_data(as_text=True)
    assert second.count('class="post-card"') == 1 and 'href="/"' in second and "Older" not in second
    assert client.get("/page/3/").status_code == 404
    assert client.get("/page/1/").status_code == 308, "page 1 lives at the list's own URL"
    assert client.get("/category/research/page/2/").status_code in (200, 404)
    freeze_site(app, tmp_path / "site")
    assert (tmp_path / "site" / "page" / "2" / "index.html").is_file()
    _, broken = crawl(file_fetcher(tmp_path / "site"), ["/"])
    assert not broken


def test_the_feed_holds_the_newest_twenty(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for number in range(25):
        (pages / f"p{number:02d}.md").write_text(
            f'---\ntitle: "P{number}"\ndate: 2024-01-{number + 1:02d}\nsummary: "S"\ncategory: C\n---\n\nBody {number}.\n')
    feed = make_app(pages).test_client().get("/feed.xml").get_data(as_text=True)
    assert feed.count("<entry>") == 20 and "<title>P24</title>" in feed and "<title>P4</title>" not in feed


def test_assets_have_versioned_urls_cached_for_good(client):
    page = client.get("/").get_data(as_text=True)
    assert f'href="/{ASSETS}/css/site.css"' in page
    with client.get(f"/{ASSETS}/css/site.css") as css:
        assert css.status_code == 200 and css.headers["Cache-Control"] == assets.CACHE_FOREVER
    assert client.get("/assets/0000000000/css/site.css").status_code == 404, "only the current version"
    assert client.get("/assets/css/site.css").status_code == 404


def test_a_changed_static_file_changes_the_version(tmp_path, monkeypatch):
    copy = tmp_path / "static"
    shutil.copytree(assets.STATIC_DIR, copy)
    monkeypatch.setattr(assets, "STATIC_DIR", copy)
    monkeypatch.setattr(assets, "_known", {})
    before = assets.version(watch_files=True)
    (copy / "css" / "site.css").write_text((copy / "css" / "site.css").read_text() + "\n/* changed */\n")
    assert assets.version(watch_files=True) != before
