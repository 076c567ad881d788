"""`flask freeze`: a static site that works at the root or under a sub-path."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ASSETS, FIXTURE_PAGES, make_app
from crawl import crawl, file_fetcher

from research_blog.build.freeze import MARKER, FreezeError, freeze_site

SITE = "https://example.org"


def site_app(content_dir: Path = FIXTURE_PAGES, **config):
    """An app that knows where it will be published, as every freeze needs."""
    return make_app(content_dir, BLOG_SITE_URL=SITE, **config)


def freeze(app, out: Path, *args: str):
    return app.test_cli_runner().invoke(args=["freeze", "--out", str(out), *args])


def test_freeze_writes_every_page_as_a_file(tmp_path):
    out = tmp_path / "site"
    result = freeze(site_app(), out)
    assert result.exit_code == 0, result.output
    assert "Froze" in result.output and "/attention/ -> attention/index.html" in result.output
    expected = {
        "index.html", "attention/index.html", "series-part-one/index.html", "series-part-two/index.html",
        "attention/figures/weights.svg", "category/research/index.html", "category/optimisation/index.html",
        "tags/adam/index.html", "series/optimisers/index.html", "feed.xml", "sitemap.xml", "robots.txt",
        f"{ASSETS}/highlight.css", "404.html", f"{ASSETS}/css/site.css", f"{ASSETS}/katex/katex.min.css",
        f"{ASSETS}/katex/fonts/KaTeX_Main-Regular.woff2", "_headers",
    }
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert expected <= written
    assert not any("draft-idea" in p or "scheduled" in p for p in written), "hidden posts stay out of the build"
    assert "Page not found" in (out / "404.html").read_text()


def test_frozen_site_links_resolve_and_feeds_parse(tmp_path):
    out = tmp_path / "site"
    assert freeze(site_app(), out).exit_code == 0
    visited, broken = crawl(file_fetcher(out), ["/", "/404.html"])
    assert not broken
    assert f"/{ASSETS}/katex/fonts/KaTeX_Main-Regular.woff2" in visited
    ET.parse(out / "feed.xml")
    ET.parse(out / "sitemap.xml")


def test_freeze_under_a_sub_path(tmp_path):
    out = tmp_path / "site"
    result = freeze(site_app(), out, "--base-url", "https://user.github.io/research")
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text()
    assert 'href="/research/attention/"' in index and f'href="/research/{ASSETS}/css/site.css"' in index
    visited, broken = crawl(file_fetcher(out, "/research/"), ["/research/", "/research/404.html"],
                            origin="http://localhost")
    assert not broken and "/research/attention/figures/weights.svg" in visited
    feed = (out / "feed.xml").read_text()
    assert "<id>https://user.github.io/research/attention/</id>" in feed
    # Crawlers read robots.txt only at the site's root: the freeze says what to add there instead.
    assert not (out / "robots.txt").exists() and "Sitemap: https://user.github.io/research/sitemap.xml" in result.output
    assert "<loc>https://user.github.io/research/attention/</loc>" in (out / "sitemap.xml").read_text()
    assert 'href="/research/"' in (out / "404.html").read_text()


def test_invalid_content_is_never_frozen(pages_copy, tmp_path):
    out = tmp_path / "site"
    assert freeze(site_app(pages_copy), out).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (pages_copy / "bad.md").write_text("---\ntitle: x\n---\n\nBody\n")
    result = freeze(site_app(pages_copy), out)
    assert result.exit_code == 1
    assert "bad.md:1: missing required field 'date'" in result.output and "Not frozen" in result.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_failure_mid_freeze_leaves_the_previous_build(tmp_path):
    out = tmp_path / "site"
    app = site_app()
    freeze_site(app, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    broken = site_app()
    broken.add_url_rule("/boom/", "boom", lambda: ("kaput", 500))
    with pytest.raises(ValueError, match="Unexpected status"):
        freeze_site(broken, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "no half-written folders left behind"


def test_a_second_freeze_replaces_the_first(pages_copy, tmp_path):
    out = tmp_path / "site"
    freeze_site(site_app(pages_copy), out)
    (pages_copy / "series-part-two.md").unlink()
    freeze_site(site_app(pages_copy), out)
    assert not (out / "series-part-two").exists()
    assert (out / MARKER).exists()


def test_freeze_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("important")
    with pytest.raises(FreezeError, match="refusing to replace"):
        freeze_site(site_app(), precious)
    assert (precious / "chapter1.tex").read_text() == "important"


def test_frozen_flask_warnings_are_errors(tmp_path):
    app = site_app()
    # A page whose Content-Type disagrees with its file name: a static host would mislabel it.
    app.add_url_rule("/data.json", "data", lambda: ("<p>not json</p>", 200, {"Content-Type": "text/html"}))
    with pytest.raises(Warning, match="does not match"):
        freeze_site(app, tmp_path / "site")
