"""Brotli and gzip: pages, static files and figures served compressed on request; frozen siblings."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from conftest import make_app
from test_embedded import make_host
from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

from research_blog.build.freeze import freeze_site
from research_blog.web.encodings import chosen, chosen_for

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def _get(client, path: str, accept: str | None, **headers):
    if accept is not None:
        headers["Accept-Encoding"] = accept
    return client.get(path, headers=headers)


@pytest.mark.parametrize("header, expected", [
    ("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("gzip;q=0, *", "br"),
    ("gzip;q=0, br;q=0, *", None), ("identity", None), ("", None),
])
def test_brotli_is_preferred_and_a_refused_encoding_is_never_chosen(header, expected):
    assert chosen(parse_accept_header(header, Accept)) == expected
    assert chosen_for(header) == expected, "the same choice from the raw header, as a page asks it"


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_page_is_sent_compressed_when_asked_with_its_own_etag(client, encoding):
    plain = _get(client, "/attention/", None)
    packed = _get(client, "/attention/", f"{encoding}")
    assert packed.headers["Content-Encoding"] == encoding and "Content-Encoding" not in plain.headers
    assert DECODE[encoding](packed.data) == plain.data
    assert len(packed.data) * 3 < len(plain.data)
    assert plain.headers["Vary"] == packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert packed.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
    again = _get(client, "/attention/", encoding, **{"If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    # The plain page's ETag names other bytes than the compressed ones.
    assert _get(client, "/attention/", encoding, **{"If-None-Match": plain.headers["ETag"]}).status_code == 200


def test_the_two_encodings_have_different_etags_and_are_made_once(client):
    first = _get(client, "/attention/", "br")
    assert first.headers["ETag"] != _get(client, "/attention/", "gzip").headers["ETag"]
    assert _get(client, "/attention/", "br").data is not None and _get(client, "/attention/", "br").data == first.data


@pytest.fixture
def big_figure_pages(pages_copy):
    # The fixture figure is under MIN_BYTES; a real plot is tens of kilobytes.
    figure = pages_copy / "figures" / "weights.svg"
    figure.write_text(figure.read_text(encoding="utf-8").replace("</svg>", "<!--" + "plot " * 300 + "--></svg>"),
                      encoding="utf-8")
    return pages_copy


@pytest.fixture
def big_figure_client(big_figure_pages):
    return make_app(big_figure_pages).test_client()


@pytest.mark.parametrize("path_pattern, mimetype", [
    (r'href="(/assets/[^"]+/css/site\.css)"', "text/css"),
    (r'src="(/assets/[^"]+/js/toc\.js)"', "text/javascript"),
    (r'href="(/assets/[^"]+/highlight\.css)"', "text/css"),
    (r'src="figures/(weights\.svg)"', "image/svg+xml"),
])
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_css_js_and_svg_are_sent_compressed(big_figure_client, path_pattern, mimetype, encoding):
    client = big_figure_client
    page = client.get("/attention/").get_data(as_text=True)
    path = re.search(path_pattern, page).group(1)
    path = path if path.startswith("/") else "/attention/figures/" + path  # figures are linked relatively
    plain, packed = _get(client, path, None), _get(client, path, encoding)
    plain_bytes = plain.get_data()
    plain.close()
    assert plain.status_code == packed.status_code == 200
    assert packed.mimetype == mimetype and packed.headers["Content-Encoding"] == encoding
    assert DECODE[encoding](packed.data) == plain_bytes
    assert plain.headers["Vary"] == packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["ETag"] != plain.headers.get("ETag")
    assert _get(client, path, encoding, **{"If-None-Match": packed.headers["ETag"]}).status_code == 304


def test_fonts_and_images_are_not_compressed_again(client):
    page = client.get("/attention/").get_data(as_text=True)
    css = re.search(r'href="(/assets/[^"]+/katex/)katex\.min\.css"', page).group(1)
    font = css + "fonts/KaTeX_Main-Regular.woff2"
    response = _get(client, font, "br, gzip")
    response.close()
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


def test_an_embedded_blog_under_a_prefix_sends_compressed_pages():
    client = make_host().test_client()
    plain, packed = _get(client, "/blog/attention/", None), _get(client, "/blog/attention/", "br")
    assert packed.headers["Content-Encoding"] == "br" and brotli.decompress(packed.data) == plain.data
    assert "/blog/assets/" in plain.get_data(as_text=True)


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/research/"])
def test_the_freeze_writes_br_and_gz_siblings_of_every_text_file(big_figure_pages, tmp_path, base_url):
    out = tmp_path / "site"
    freeze_site(make_app(big_figure_pages), out, base_url=base_url)
    texts = [p for p in out.rglob("*") if p.suffix in {".html", ".css", ".js", ".json", ".xml", ".svg"}
             and p.stat().st_size >= 512]
    # (The site has no JSON of its own since search moved to Pagefind; JSON that is there is compressed too.)
    assert {p.suffix for p in texts} >= {".html", ".css", ".js", ".xml", ".svg"}
    for path in texts:
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == path.read_bytes(), path
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes(), path
    assert not list(out.rglob("*.png.br")) and not list(out.rglob("*.woff2.gz")), "binary formats are left alone"
    # Pagefind's WebAssembly is gzip already: a .br of its unzipped bytes, for pagefind.js to take as they are.
    [wasm] = out.rglob("wasm.en.pagefind")
    unzipped = gzip.decompress(wasm.read_bytes())
    assert unzipped.startswith(b"pagefind_dcd") and not wasm.with_name(wasm.name + ".gz").exists()
    assert brotli.decompress(wasm.with_name(wasm.name + ".br").read_bytes()) == unzipped
    marker = (out / ".research-blog-build").read_text(encoding="utf-8")
    assert "attention/index.html.br" in marker, "the next freeze replaces the siblings too"
