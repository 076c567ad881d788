"""The search index on the server side: what Pagefind reads, how its files are served and frozen."""

from __future__ import annotations

import gzip
import re
import sys
import time

import brotli
import pytest
import searchposts as words
from conftest import make_app

from research_blog.build.freeze import FreezeError, freeze_site
from research_blog.web import findindex
from research_blog.web.search import tex_words
from research_blog.web.security import CONTENT_SECURITY_POLICY


@pytest.fixture
def posts(tmp_path):
    return words.write_search_posts(tmp_path / "posts")


def _ready_search_page(client, prefix: str = "", seconds: float = 60) -> str:
    """The search page once the background build has named the index (it never blocks a request)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(f"{prefix}/search/")
        html = response.get_data(as_text=True)
        if "data-bundle=" in html:
            assert response.headers["Cache-Control"] == "no-cache"
            return html
        assert response.headers["Cache-Control"] == "no-store", "a page without the index is never kept"
        assert "data-error" not in html, html
        time.sleep(0.1)
    raise AssertionError("the index was not ready in time")


def test_math_is_searched_by_the_words_its_tex_spells_out():
    assert tex_words(r"\operatorname{softmax}(x) + \frac{a}{b} + \mathrm{KL}_2") == ["softmax", "KL"]


def test_pagefind_reads_the_text_a_reader_reads_and_the_results_meta(posts):
    app = make_app(posts)
    with app.app_context():
        from research_blog.state import published

        post = next(p for p in published().posts if p.slug == "searchable")
        page = findindex.record_html(post)
    for word in (words.BODY_ONLY, words.FOOTNOTE, words.TABLE_CELL, words.CAPTION, words.CODE, words.MATH):
        assert word in page, word
    assert '<h1 data-pagefind-meta="title" data-pagefind-weight="10">Searchable things</h1>' in page
    for value in ("date:2024-05-01", "minutes:1", "category:Research", "tag:alpha", "series:Finders"):
        assert f'="{value}"' in page, value
    assert 'class="katex-mathml"' not in page, "math by its words, not MathML's letters"
    assert 'class="katex-html"' not in page, "KaTeX's glyph boxes are not read: left out of the page Pagefind parses"
    assert words.REFERENCE in page and ".bibliography" in findindex.EXCLUDED, "left out by Pagefind"


def test_katex_boxes_are_cut_out_whole_and_the_text_around_them_stays():
    box = '<span class="katex-html" aria-hidden="true"><span class="base"><span>x</span></span><span>y</span></span>'
    html = f'<p>Before <span class="katex"><span>sparsemax</span>{box}</span> after {box}end.</p>'
    assert findindex._without_katex_boxes(html) == '<p>Before <span class="katex"><span>sparsemax</span></span> after end.</p>'
    unclosed = '<p>Cut <span class="katex-html"><span>x</span>'
    assert findindex._without_katex_boxes(unclosed) == unclosed, "left to Pagefind's EXCLUDED"


def test_one_tag_spelt_two_ways_is_one_filter_with_the_count_of_both(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    for number, tag in enumerate(["PyTorch", "PyTorch", "pytorch"]):
        (posts / f"p{number}.md").write_text(f"---\ntitle: Post {number}\ndate: 2024-01-0{number + 1}\n"
                                             f"summary: S.\ncategory: Research\ntags: [{tag}]\n---\n\nText.\n")
    app = make_app(posts)
    with app.app_context():
        from research_blog.state import published

        visible = published().posts
        records = findindex.records_of(visible)
        choices = findindex.filter_choices(visible)
    assert choices == {"category": [("Research", 3)], "tag": [("PyTorch", 3)], "series": []}
    assert all('data-pagefind-filter="tag:PyTorch"' in record for record in records.values())
    html = app.test_client().get("/search/").get_data(as_text=True)
    assert '<option value="PyTorch">PyTorch (3)</option>' in html and 'name="series"' not in html


def test_the_index_is_found_again_without_rendering_and_its_pages_are_kept(posts, tmp_path, monkeypatch):
    from research_blog.state import published

    cache = str(tmp_path / "cache")
    with make_app(posts, BLOG_RENDER_CACHE=cache).app_context():
        first = findindex.bundle_for(published().posts)
    findindex._recent.clear()
    made = []
    monkeypatch.setattr(findindex, "record_html", lambda *args: made.append(args) or "")
    monkeypatch.setattr(findindex, "build_bundle", lambda records: pytest.fail("indexed again"))
    with make_app(posts, BLOG_RENDER_CACHE=cache).app_context():
        assert findindex.bundle_for(published().posts) == first, "the same posts: the kept bundle, same version"
    source = posts / "other.md"
    source.write_text(source.read_text() + "\nOne more sentence.\n")
    monkeypatch.setattr(findindex, "build_bundle", lambda records: findindex.Bundle("new", {slug: b"" for slug, _ in records}))
    with make_app(posts, BLOG_RENDER_CACHE=cache).app_context():
        assert findindex.bundle_for(published().posts).version == "new"
    assert [args[0].slug for args in made] == ["other"], "only the edited post's page is made again"


def test_a_served_blog_builds_the_index_in_the_background_and_serves_it_for_good(posts):
    client = make_app(posts).test_client()
    html = _ready_search_page(client)
    bundle = re.search(r'data-bundle="/pagefind/(\w+)/pagefind.js"', html).group(1)
    script = client.get(f"/pagefind/{bundle}/pagefind.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    entry = client.get(f"/pagefind/{bundle}/pagefind-entry.json")
    assert entry.mimetype == "application/json" and '"languages"' in entry.get_data(as_text=True)
    assert client.get(f"/pagefind/{bundle}/wasm.en.pagefind").mimetype == "application/octet-stream"
    assert client.get("/pagefind/000000000000/pagefind.js").status_code == 404
    assert client.get(f"/pagefind/{bundle}/pagefind-ui.js").status_code == 404, "Pagefind's own UI is not shipped"
    assert client.get(f"/pagefind/{bundle}/wasm.unknown.pagefind").status_code == 404, "one language: English"


def test_pagefind_s_script_and_webassembly_are_sent_compressed(posts):
    client = make_app(posts).test_client()
    bundle = re.search(r'data-bundle="(/pagefind/\w+)/pagefind.js"', _ready_search_page(client)).group(1)
    plain = client.get(f"{bundle}/pagefind.js")
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        packed = client.get(f"{bundle}/pagefind.js", headers={"Accept-Encoding": encoding})
        assert packed.headers["Content-Encoding"] == encoding and decode(packed.data) == plain.data
        assert packed.headers["Vary"] == "Accept-Encoding" and len(packed.data) < len(plain.data) / 3
    # The WebAssembly is Pagefind's gzip as it is, or for brotli its unzipped bytes, smaller, which
    # pagefind.js takes without unzipping them (they start with its signature).
    container = client.get(f"{bundle}/wasm.en.pagefind", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in container.headers and container.headers["Vary"] == "Accept-Encoding"
    unzipped = gzip.decompress(container.data)
    assert unzipped.startswith(b"pagefind_dcd")
    packed = client.get(f"{bundle}/wasm.en.pagefind", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "br" and brotli.decompress(packed.data) == unzipped
    assert len(packed.data) < 0.9 * len(container.data)


def test_an_edit_makes_a_new_index_under_a_new_version(posts):
    client = make_app(posts).test_client()
    before = re.search(r'data-bundle="([^"]+)"', _ready_search_page(client)).group(1)
    source = posts / "other.md"
    source.write_text(source.read_text() + "\nA brand new okapiform word.\n")
    deadline = time.monotonic() + 60
    after = before
    while after == before and time.monotonic() < deadline:
        time.sleep(0.2)
        after = re.search(r'data-bundle="([^"]+)"', _ready_search_page(client)).group(1)
    assert after != before
    assert client.get(before).status_code == 200, "the version before stays for readers mid-search"


def test_embedded_search_serves_the_index_under_the_prefix(posts):
    from test_embedded import make_host

    client = make_host(posts).test_client()
    html = _ready_search_page(client, "/blog")
    bundle = re.search(r'data-bundle="(/blog/pagefind/\w+/pagefind.js)"', html).group(1)
    assert 'data-root="/blog/"' in html and client.get(bundle).status_code == 200


def test_the_policy_allows_webassembly_and_no_inline_script_everywhere(posts, tmp_path):
    assert "script-src 'self' 'wasm-unsafe-eval'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]
    client = make_app(posts).test_client()
    assert client.get("/search/").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    out = tmp_path / "site"
    freeze_site(make_app(posts), out, "https://example.org/research/")
    assert "'wasm-unsafe-eval'" in (out / "_headers").read_text()
    search = (out / "search" / "index.html").read_text()
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="[^"]*&#39;wasm-unsafe-eval&#39;', search)
    bundle = re.search(r'data-bundle="/research/pagefind/(\w+)/pagefind.js"', search).group(1)
    folder = out / "pagefind" / bundle
    assert (folder / "pagefind.js").is_file() and (folder / "wasm.en.pagefind").is_file()
    assert list(folder.glob("fragment/*.pf_fragment")) and not list(folder.glob("pagefind-ui*"))
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "script-src 'self' 'wasm-unsafe-eval'" in readme, "the nginx snippet too"


def test_a_freeze_without_the_pagefind_binary_says_what_to_install(posts, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)  # not installed: importing it fails
    monkeypatch.setattr(findindex, "_recent", {})  # posts indexed before by another test: index them again
    with pytest.raises(FreezeError, match=r"pip install 'pagefind\[bin\]'.*nothing was published"):
        freeze_site(make_app(posts), tmp_path / "site", "https://example.org/")
    assert not (tmp_path / "site" / "index.html").exists()


def test_a_served_blog_without_the_binary_still_serves_its_pages(posts, monkeypatch):
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)  # not installed: importing it fails
    monkeypatch.setattr(findindex, "_recent", {})  # posts indexed before by another test: index them again
    client = make_app(posts).test_client()
    assert client.get("/searchable/").status_code == 200
    deadline = time.monotonic() + 30
    while "data-error" not in (html := client.get("/search/").get_data(as_text=True)):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert "pip install &#39;pagefind[bin]&#39;" in html


def test_a_kept_bundle_is_read_back_whole_or_not_at_all():
    files = {"pagefind.js": b"script", "fragment/en_1.pf_fragment": b"\x1f\x8b binary\n\x00"}
    bundle = findindex.Bundle(findindex._version_of(files), files)
    packed = findindex._pack(bundle)
    assert findindex._unpack(packed) == bundle
    assert findindex._unpack(packed[:-1]) is None, "truncated"
    assert findindex._unpack(packed[:-1] + b"X") is None, "a byte changed: not the version's files"
    assert findindex._unpack(b"x\x9c old zlib JSON entry") is None
