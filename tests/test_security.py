"""Headers, path traversal and reflected input."""

from __future__ import annotations

import pytest


def test_security_headers_on_pages_assets_and_errors(client):
    for path in ("/", "/attention/", "/assets/css/site.css", "/feed.xml", "/no-such-page/"):
        with client.get(path) as response:
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("style-src-attr")[0], path
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"]


def test_pages_carry_no_inline_script_and_no_third_party_urls(client):
    for path in ("/", "/attention/", "/series/optimisers/"):
        html = client.get(path).get_data(as_text=True)
        assert "<script" not in html
        assert "cdn" not in html.lower()


@pytest.mark.parametrize("path", [
    "/attention/figures/../../attention.md",
    "/attention/figures/..%2f..%2fattention.md",
    "/attention/figures/%2e%2e/%2e%2e/conftest.py",
    "/attention/figures//etc/passwd",
    "/assets/../../app.py",
    "/assets/%2e%2e/%2e%2e/app.py",
    "/assets/..%2f..%2fpyproject.toml",
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
