"""Canonical links on every listing, Open Graph on the front page, a truthful JSON-LD author."""

from __future__ import annotations

import json
import re

import pytest
from conftest import make_app

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')


@pytest.mark.parametrize("path, canonical", [
    ("/", "https://example.org/"), ("/tags/", "https://example.org/tags/"),
    ("/tags/optimisation/", "https://example.org/tags/optimisation/"),
    ("/category/research/", "https://example.org/category/research/"),
    ("/series/", "https://example.org/series/"), ("/series/optimisers/", "https://example.org/series/optimisers/"),
    ("/search/?q=adam", "https://example.org/search/"), ("/attention/", "https://example.org/attention/"),
])
def test_every_page_has_one_canonical_link_without_its_query(client, path, canonical):
    html = client.get(path).get_data(as_text=True)
    assert CANONICAL.findall(html) == [canonical]


def test_an_embedded_blog_s_canonical_links_carry_its_prefix():
    from test_embedded import make_host

    html = make_host().test_client().get("/blog/tags/").get_data(as_text=True)
    assert CANONICAL.findall(html) == ["https://example.org/blog/tags/"]


def test_a_missing_page_names_no_canonical_page_and_without_a_site_url_there_is_none(client):
    # A 404 is not a page of the site: a canonical link would invite indexing it.
    assert not CANONICAL.findall(client.get("/no-such-post/").get_data(as_text=True))
    assert not CANONICAL.findall(make_app(BLOG_SITE_URL=None).test_client().get("/tags/").get_data(as_text=True))


def test_the_listing_carries_open_graph_tags(client):
    html = client.get("/").get_data(as_text=True)
    for tag in ('<meta property="og:type" content="website">', '<meta property="og:url" content="https://example.org/">',
                '<meta property="og:title" content="Research Blog">'):
        assert tag in html, tag
    assert "og:" not in make_app(BLOG_SITE_URL=None).test_client().get("/").get_data(as_text=True)


def _json_ld(client, path: str) -> dict:
    html = client.get(path).get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_the_json_ld_author_is_the_site_as_an_organization_unless_an_author_is_set(client):
    assert _json_ld(client, "/attention/")["author"] == {"@type": "Organization", "name": "Research Blog"}
    named = make_app(BLOG_AUTHOR="Ada Lovelace").test_client()
    assert _json_ld(named, "/attention/")["author"] == {"@type": "Person", "name": "Ada Lovelace"}

