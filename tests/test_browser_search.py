"""Full-text search in Debian's chromium: served, frozen under a sub-path, embedded under a prefix."""

from __future__ import annotations

import threading
from urllib.parse import quote_plus

import pytest
import searchposts as words
from conftest import make_app
from statichost import serving
from test_browser import browser, open_page  # noqa: F401 - shared fixture
from test_browser_reader import RECORD_CSP, type_query
from werkzeug.serving import make_server

from research_blog.build.freeze import freeze_site

pytestmark = pytest.mark.browser


def _serve_app(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def posts(tmp_path_factory):
    return words.write_search_posts(tmp_path_factory.mktemp("search-posts"))


@pytest.fixture(scope="module")
def served(posts):
    """The standalone blog at the root: (URL of the blog, path prefix of its links)."""
    for url in _serve_app(make_app(posts)):
        yield url, ""


@pytest.fixture(scope="module")
def frozen(posts, tmp_path_factory):
    """A freeze for https://example.org/research/, on a static host under /research/."""
    root = tmp_path_factory.mktemp("static-host")
    freeze_site(make_app(posts), root / "research", "https://example.org/research/")
    with serving(root) as base:
        yield f"{base}/research", "/research"


@pytest.fixture(scope="module")
def embedded(posts):
    """The blog inside a host app under BLOG_URL_PREFIX=/blog."""
    from test_embedded import make_host

    for url in _serve_app(make_host(posts)):
        yield f"{url}/blog", "/blog"


SITES = ["served", "frozen", "embedded"]


def _results(page) -> list[dict]:
    return page.eval_on_selector_all("#search-results .search-result", """items => items.map(li => ({
        title: li.querySelector('h2').textContent, href: li.querySelector('h2 a').getAttribute('href'),
        marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent.toLowerCase()),
        section: (li.querySelector('.search-section') || {}).textContent || null}))""")


def _search_page(browser, site, query=""):  # noqa: F811
    url, _ = site
    page, errors, hosts = open_page(browser, f"{url}/search/?q={quote_plus(query)}")
    page.wait_for_selector(".search-form[data-state=ready]", timeout=30000)
    return page, errors, hosts


@pytest.mark.parametrize("site_name", SITES)
def test_words_found_only_in_the_body_find_the_post_with_the_words_marked(browser, site_name, request):  # noqa: F811
    site = request.getfixturevalue(site_name)
    page, errors, hosts = _search_page(browser, site)
    for word in (words.BODY_ONLY, words.FOOTNOTE, words.TABLE_CELL, words.CAPTION, words.CODE, words.MATH):
        type_query(page, word)
        results = _results(page)
        assert results, f"nothing found for {word!r} ({site_name})"
        top = [r["title"] for r in results[:3]]
        assert "Searchable things" in top, (word, top)
        best = next(r for r in results if r["title"] == "Searchable things")
        assert best["href"].startswith(f"{site[1]}/searchable/"), best
        assert any(word.split("_")[0] in mark for mark in best["marks"]), (word, best)
    assert errors == [] and hosts == {site[0].split("/")[2]}, "nothing fetched from elsewhere"
    page.context.close()


@pytest.mark.parametrize("site_name", SITES)
def test_a_query_for_a_headings_words_links_to_that_section(browser, site_name, request):  # noqa: F811
    site = request.getfixturevalue(site_name)
    page, errors, _ = _search_page(browser, site, words.HEADING_WORDS)  # the query in the address runs on load
    page.wait_for_function("q => document.querySelector('.search-form').dataset.shown === q", arg=words.HEADING_WORDS)
    best = _results(page)[0]
    assert best["href"] == f"{site[1]}/searchable/#zebra-crossings"
    assert best["section"] == "§ Zebra crossings"
    page.locator(".search-result h2 a").first.click()
    page.wait_for_url(f"**{site[1]}/searchable/#zebra-crossings")
    assert errors == []
    page.context.close()


def test_a_title_match_comes_before_body_matches(browser, served):  # noqa: F811
    page, errors, _ = _search_page(browser, served, words.TITLE_WORD)
    page.wait_for_function("q => document.querySelector('.search-form').dataset.shown === q", arg=words.TITLE_WORD)
    assert [r["title"] for r in _results(page)] == ["The Ocelot post", "Searchable things"]
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("site_name", SITES)
def test_a_filter_narrows_the_results_and_goes_into_the_address(browser, site_name, request):  # noqa: F811
    site = request.getfixturevalue(site_name)
    page, errors, _ = _search_page(browser, site)
    type_query(page, words.SHARED)
    assert sorted(r["title"] for r in _results(page)) == ["Optimisation notes", "Searchable things"]
    page.select_option("select[name=category]", "Optimisation")
    page.wait_for_function("() => document.querySelectorAll('.search-result').length === 1")
    assert [r["title"] for r in _results(page)] == ["Optimisation notes"]
    page.wait_for_function("() => location.search.includes('category=Optimisation')")
    assert f"q={words.SHARED}" in page.evaluate("location.search")
    tags = page.locator("select[name=tag] option").all_inner_texts()
    assert any(t.startswith("alpha") for t in tags) and any(t.startswith("gamma") for t in tags)
    series = page.locator("select[name=series] option").all_inner_texts()
    assert any(s.startswith("Finders") for s in series)
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("site_name", SITES)
def test_drafts_scheduled_posts_and_the_references_list_are_not_indexed(browser, site_name, request):  # noqa: F811
    site = request.getfixturevalue(site_name)
    page, errors, _ = _search_page(browser, site)
    for word in (words.DRAFT, words.SCHEDULED):
        type_query(page, word)
        assert _results(page) == [], word
        assert "No post matches" in page.locator("#search-status").inner_text()
    # A word Pagefind does not know it matches by its known pieces ("x" of "xylophonic"):
    # the word itself must be nowhere.
    type_query(page, words.REFERENCE)
    assert not [r for r in _results(page) if any(words.REFERENCE in mark for mark in r["marks"])]
    assert errors == []
    page.context.close()


def test_shown_drafts_are_found_while_writing(browser, posts):  # noqa: F811
    for url in _serve_app(make_app(posts, BLOG_SHOW_DRAFTS=True)):
        page, errors, _ = _search_page(browser, (url, ""))
        type_query(page, words.DRAFT)
        assert [r["title"] for r in _results(page)] == ["Draft"]
        page.context.close()


def test_a_title_that_looks_like_html_stays_text(browser, served):  # noqa: F811
    context = browser.new_context()
    context.add_init_script(RECORD_CSP + "window.alert = () => { window.__alerted = true; };")
    page = context.new_page()
    page.goto(f"{served[0]}/search/?q=hostileword")
    page.wait_for_selector(".search-result")
    assert _results(page)[0]["title"] == words.HOSTILE_TITLE
    assert page.locator("#search-results img").count() == 0
    assert page.evaluate("window.__alerted") is None
    assert page.evaluate("window.__cspViolations") == [], "Pagefind's WebAssembly runs under the policy"
    context.close()


def test_keyboard_slash_focuses_the_box_and_arrows_walk_the_results(browser, served):  # noqa: F811
    page, errors, _ = open_page(browser, f"{served[0]}/searchable/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type(words.SHARED)
    page.keyboard.press("Enter")
    page.wait_for_selector(".search-form[data-state=ready]")
    page.wait_for_function("() => document.querySelectorAll('.search-result').length === 2")
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.textContent")
    assert {first, second} == {"Optimisation notes", "Searchable things"}
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("article.post h1").inner_text() == first
    assert errors == []
    page.context.close()


def test_twenty_results_at_most_and_the_fragments_past_the_first_screen_load_on_scroll(browser, tmp_path):  # noqa: F811
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(25):
        (folder / f"post-{number:02d}.md").write_text(
            f'---\ntitle: "Post {number}"\ndate: 2024-01-{number + 1:02d}\nsummary: "One of many."\n'
            f"category: Research\n---\n\nEvery post says manyword.\n" + "Filler prose. " * 40, encoding="utf-8")
    for url in _serve_app(make_app(folder)):
        page, errors, _ = open_page(browser, f"{url}/search/?q=manyword", viewport={"width": 1280, "height": 700})
        page.wait_for_function("() => document.querySelector('.search-form').dataset.shown === 'manyword'")
        assert page.locator(".search-result").count() == 5, "a screenful first"
        assert "25 posts match" in page.locator("#search-status").inner_text()
        page.locator(".search-result").last.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelectorAll('.search-result').length === 20")
        assert errors == []
        page.context.close()
