"""Reading and finding in Debian's chromium: contents, search, copy buttons, CSP, accessibility."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, make_app
from crawl import client_fetcher, crawl
from statichost import serving
from test_browser import _serve, browser, live_url, open_page  # noqa: F401 - shared fixtures

from research_blog.build.freeze import freeze_site

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Records every CSP violation a page reports, before any of its own scripts run.
RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_contents_stay_in_view_beside_the_text_at_1280px(browser, live_url):  # noqa: F811
    page, errors, _ = open_page(browser, live_url + "/grpo/", viewport={"width": 1280, "height": 900})
    side = page.locator("nav.toc-side")
    assert side.is_visible() and not page.locator("details.toc-inline").is_visible()
    article_top = page.locator("article.post").bounding_box()["y"]
    assert abs(side.bounding_box()["y"] - article_top) < 24, "starts level with the article's top"
    assert side.evaluate("e => getComputedStyle(e).position") == "sticky"
    text_left = page.locator(".post-body").bounding_box()["x"]
    assert side.bounding_box()["x"] + side.bounding_box()["width"] <= text_left, "beside the text, not over it"

    heading = page.locator(".post-body h2").nth(3)
    heading.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(300)
    box = side.bounding_box()
    assert 0 <= box["y"] <= 40, "still in view after scrolling"
    current = page.locator("nav.toc-side a[aria-current]")
    assert current.count() == 1, "the section being read is marked"
    assert errors == []
    page.context.close()


def test_contents_are_a_collapsed_block_before_the_body_at_390px(browser, live_url):  # noqa: F811
    page, errors, _ = open_page(browser, live_url + "/grpo/", viewport={"width": 390, "height": 844})
    details = page.locator("details.toc-inline")
    assert details.is_visible() and not page.locator("nav.toc-side").is_visible()
    assert details.bounding_box()["y"] < page.locator(".post-body").bounding_box()["y"]
    first_link = details.locator("a").first
    assert not first_link.is_visible()
    details.locator("summary").click()
    assert first_link.is_visible()
    assert errors == []
    page.context.close()


def type_query(page, query: str) -> None:
    """Type ``query`` into the search page's box and wait for its results."""
    page.wait_for_selector(".search-form[data-state=ready]")
    page.fill("#search-q", query)
    page.wait_for_function("q => document.querySelector('.search-form').dataset.shown === q", arg=query)


@pytest.mark.parametrize("site", ["live_url", "frozen_under_research"])
def test_search_finds_posts_as_the_reader_types(browser, site, request):  # noqa: F811
    page, errors, _ = open_page(browser, request.getfixturevalue(site) + "/search/")
    type_query(page, "leave-one-out baseline")
    titles = page.locator(".search-result h2").all_inner_texts()
    assert titles and "GRPO" in titles[0], titles
    type_query(page, "advantag")  # a word still being typed
    assert page.locator(".search-result").count() >= 2
    page.locator(".search-result a").first.click()
    page.wait_for_load_state()
    assert page.locator("article.post h1").count() == 1
    assert errors == []
    page.context.close()


def test_header_search_box_opens_the_search_page_with_results(browser, live_url):  # noqa: F811
    page, errors, _ = open_page(browser, live_url + "/")
    page.fill("#site-search-q", "DPO")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".search-result")
    assert "Direct Preference Optimization" in " ".join(page.locator(".search-result h2").all_inner_texts())
    assert errors == []
    page.context.close()


@pytest.fixture(scope="module")
def frozen_under_research(tmp_path_factory):
    root = tmp_path_factory.mktemp("static-host")
    freeze_site(make_app(PROJECT_ROOT / "pages"), root / "research", "http://127.0.0.1/research/")
    with serving(root) as base:
        yield f"{base}/research"


def test_search_works_in_a_site_frozen_under_a_sub_path(browser, frozen_under_research):  # noqa: F811
    page, errors, _ = open_page(browser, frozen_under_research + "/search/?q=rectified+flow")
    page.wait_for_selector(".search-result")
    link = page.locator(".search-result a").first
    assert "JanusFlow" in link.inner_text()
    assert link.get_attribute("href").startswith("/research/janusflow/")
    link.click()
    page.wait_for_load_state()
    assert page.locator("article.post h1").inner_text() == "JanusFlow"
    assert errors == []
    page.context.close()


@pytest.fixture(scope="module")
def blog_with_no_posts(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("no-posts"))


def test_search_page_of_a_blog_with_no_posts_yet_finds_nothing_cleanly(browser, blog_with_no_posts):  # noqa: F811
    page, errors, _ = open_page(browser, blog_with_no_posts + "/search/")
    page.wait_for_selector(".search-form[data-state=ready]")
    assert page.locator("#search-status").inner_text() == "Type to search the posts."
    type_query(page, "anything")
    assert page.locator("#search-status").inner_text() == "No post matches “anything”."
    assert page.locator(".search-result").count() == 0
    assert errors == []
    page.context.close()


def test_copy_button_copies_the_code_without_prompts(browser, live_url):  # noqa: F811
    page, errors, _ = open_page(browser, live_url + "/essential-pytorch/",
                                permissions=["clipboard-read", "clipboard-write"])
    block = page.locator(".post-body .highlight").first
    assert block.locator(".code-lang").inner_text() == "Python"
    block.locator("button.copy-code").click()
    page.wait_for_function("document.querySelector('.copy-code').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    shown = block.locator("pre code").inner_text()
    assert copied.strip() == shown.strip() and copied.strip()
    # An interpreter session loses its ">>> " prompts and its output.
    page.evaluate("""() => {
        const block = document.querySelector('.post-body .highlight');
        block.querySelector('code').innerHTML =
            '<span class="gp">&gt;&gt;&gt; </span>x = 1\\n<span class="gp">&gt;&gt;&gt; </span>x\\n<span class="go">1</span>\\n';
    }""")
    block.locator("button.copy-code").click()
    page.wait_for_timeout(100)
    assert page.evaluate("navigator.clipboard.readText()") == "x = 1\nx\n"
    assert errors == []
    page.context.close()


def _html_pages(app) -> list[str]:
    visited, broken = crawl(client_fetcher(app.test_client()), ["/", "/search/"])
    assert not broken
    return sorted(p for p in visited if p.endswith("/"))


def test_no_console_errors_or_csp_violations_on_any_page(browser, live_url):  # noqa: F811
    context = browser.new_context()
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    problems = {}
    for path in _html_pages(make_app(PROJECT_ROOT / "pages")):
        errors.clear()
        page.goto(live_url + path, wait_until="load")  # scripts, styles, fonts and images are in by then
        if path == "/search/":
            page.wait_for_selector(".search-form[data-state=ready]")
        found = errors + page.evaluate("window.__cspViolations")
        if found:
            problems[path] = found
    context.close()
    assert problems == {}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations_on_any_page(browser, live_url, width, scheme):  # noqa: F811
    """axe-core on every page of the shipped site (and a search with results), wide and narrow, light and dark."""
    # axe is injected by the test, so this context alone lets a script in past the CSP.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    axe = AXE.read_text(encoding="utf-8")
    found = {}
    for path in [*_html_pages(make_app(PROJECT_ROOT / "pages")), "/search/?q=policy"]:
        page.goto(live_url + path, wait_until="load")
        page.evaluate("document.fonts.ready")
        if path.startswith("/search/?"):
            page.wait_for_selector(".search-result")
        # wide.js marks the regions that scroll a few per task, after the fonts are in.
        page.wait_for_timeout(50)
        page.wait_for_function("!document.querySelector('.post-body') || "
                               "document.documentElement.dataset.wideBlocks === 'measured'")
        page.add_script_tag(content=axe)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                   for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
    context.close()
    assert found == {}


def test_without_javascript_the_search_page_says_so_and_links_the_lists(browser, live_url):  # noqa: F811
    page, errors, _ = open_page(browser, live_url + "/search/?q=ppo", java_script_enabled=False)
    assert "Search needs JavaScript" in page.locator("main").inner_text()
    assert not page.locator(".search-form").is_visible(), "no box that could not work"
    assert page.locator("main a[href^='/tags/']").count() > 10 and page.locator("main a[href^='/category/']").count() >= 1
    page.context.close()
