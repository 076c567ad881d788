"""What a reader sees, in Debian's chromium driven by Playwright, from a live server."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import FIXTURE_PAGES, PROJECT_ROOT, make_app
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():  # pragma: no cover - .ci/run installs it
    pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (see README)", pytrace=False)


def _serve(pages: Path):
    server = make_server("127.0.0.1", 0, make_app(pages), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def live_url():
    yield from _serve(PROJECT_ROOT / "pages")


@pytest.fixture(scope="module")
def fixture_url():
    """The fixture posts: scholarly.md has footnotes to put in the margin."""
    yield from _serve(FIXTURE_PAGES)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


def open_page(browser, url, **context_options):
    """Load ``url``; return the page, console errors and hosts of every request."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    errors, hosts = [], set()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, errors, hosts


def test_listing_loads_cleanly(browser, live_url):
    page, errors, hosts = open_page(browser, live_url + "/")
    assert page.locator("h1").inner_text() == "Research Blog"
    assert page.locator(".post-card").count() == 11
    assert errors == []
    assert hosts == {urlsplit(live_url).netloc}
    page.context.close()


def test_post_math_is_laid_out_by_katex_and_code_is_highlighted(browser, live_url):
    page, errors, hosts = open_page(browser, live_url + "/ppo/")
    assert errors == [] and hosts == {urlsplit(live_url).netloc}
    assert page.locator(".katex").count() > 20
    # KaTeX's stylesheet hides the MathML copy and sets its own fonts: raw TeX would not.
    mathml = page.locator(".katex-mathml").first
    assert mathml.evaluate("e => getComputedStyle(e).position") == "absolute"
    assert mathml.evaluate("e => e.getBoundingClientRect().width") <= 1
    family = page.locator(".katex").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "KaTeX_Main" in family
    assert page.evaluate("document.fonts.check('1em KaTeX_Main')")
    assert "$$" not in page.locator(".post-body").inner_text()
    keyword = page.locator(".highlight .k").first
    assert keyword.evaluate("e => getComputedStyle(e).color") != page.locator(".post-body p").first.evaluate(
        "e => getComputedStyle(e).color"), "Pygments colours applied"
    page.context.close()


@pytest.mark.parametrize("slug", ["ppo", "essential-pytorch", "grpo"])
def test_phone_width_never_scrolls_the_page_sideways(browser, live_url, slug):
    page, errors, _ = open_page(browser, f"{live_url}/{slug}/", viewport={"width": 390, "height": 844})
    assert errors == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "wide equations, code and tables must scroll inside the column"
    page.context.close()


def test_dark_mode_turns_the_page_dark(browser, live_url):
    page, _, _ = open_page(browser, live_url + "/dpo/", color_scheme="dark")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    red, green, blue = (int(v) for v in background[background.index("(") + 1:-1].split(",")[:3])
    assert max(red, green, blue) < 60, background
    page.context.close()


def test_pages_work_with_javascript_off(browser, live_url):
    page, errors, _ = open_page(browser, live_url + "/grpo/", java_script_enabled=False)
    assert page.locator(".katex").count() > 10
    assert page.locator("nav.toc a").count() >= 3
    page.context.close()


HOSTILE_POST = """---
title: "Raw HTML in a post"
date: 2024-01-01
summary: "A post whose raw HTML tries to run a script and restyle the page."
category: Notes
---

Some text.

<img src="missing.png" onerror="document.title = 'pwned'">

<style>body { background: rgb(255, 0, 0) !important; }</style>
"""


@pytest.fixture
def frozen_hostile_site(tmp_path):
    from statichost import serving

    from research_blog.build.freeze import freeze_site

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "raw.md").write_text(HOSTILE_POST)
    freeze_site(make_app(pages), tmp_path / "site")
    with serving(tmp_path / "site") as base:
        yield base


def test_frozen_pages_block_raw_html_scripts_on_a_host_without_headers(browser, frozen_hostile_site):
    page, _, _ = open_page(browser, frozen_hostile_site + "/raw/")
    assert page.title() != "pwned", "the meta Content-Security-Policy blocks inline event handlers"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 0, 0)", "and inline <style> elements"
    page.context.close()


def _box(locator) -> dict:
    """The element's box in page coordinates (scrolling does not change them)."""
    return locator.evaluate("e => { const r = e.getBoundingClientRect(), y = window.scrollY; "
                            "return {top: r.top + y, bottom: r.bottom + y, left: r.left, right: r.right, width: r.width}; }")


def _sideways_overflow(page) -> float:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_citation_shows_its_reference_on_focus_without_moving_the_text(browser, live_url):
    page, errors, _ = open_page(browser, live_url + "/ppo/", viewport={"width": 1280, "height": 900})
    assert errors == []
    cite = page.locator(".post-body .cite").first
    card = cite.locator(".cite-card")
    paragraph = page.locator(".post-body p:has(.cite)").first
    assert not card.is_visible()
    before = _box(paragraph)
    page.keyboard.press("Tab")  # the page's focus order reaches the citation like any link
    cite.focus()
    assert card.is_visible()
    assert "Deep Reinforcement Learning from Human Preferences" in card.inner_text()
    assert _box(paragraph) == before, "the card is out of the flow: nothing moves"
    column = _box(page.locator(".post-body"))
    shown = _box(card)
    assert column["left"] - 1 <= shown["left"] and shown["right"] <= column["right"] + 1
    assert shown["top"] >= _box(cite)["bottom"] - 1, "below the citation, not over it"
    assert _sideways_overflow(page) <= 0
    page.context.close()


def test_sidenotes_sit_in_the_margin_beside_their_reference_without_overlapping(browser, fixture_url):
    page, errors, _ = open_page(browser, fixture_url + "/scholarly/", viewport={"width": 1280, "height": 900})
    assert errors == []
    notes = page.locator(".post-body .sidenote")
    assert notes.count() == 3
    boxes = [_box(notes.nth(i)) for i in range(3)]
    column = _box(page.locator(".post-body"))
    for box, ref in zip(boxes, [_box(page.locator(f"#fnref\\:{n}")) for n in ("noise", "bt", "long")], strict=True):
        assert box["left"] >= column["right"], "in the right margin"
        assert box["top"] >= ref["top"] - 2, "never above the line that calls it"
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert upper["bottom"] <= lower["top"], "stacked, not overlapping"
    figure = _box(page.locator("figure").first)
    assert all(box["left"] >= figure["right"] or box["bottom"] <= figure["top"] or box["top"] >= figure["bottom"]
               for box in boxes), "never over a figure"
    assert not page.locator(".footnote").is_visible(), "every note is in the margin: the end list is hidden"
    assert _sideways_overflow(page) <= 0
    page.context.close()


def test_on_a_phone_notes_fall_to_the_end(browser, fixture_url):
    page, errors, _ = open_page(browser, fixture_url + "/scholarly/", viewport={"width": 390, "height": 844})
    assert errors == []
    assert page.locator(".post-body .sidenote").first.is_hidden()
    assert page.locator(".footnote").is_visible() and page.locator(".footnote li").count() == 3
    assert _sideways_overflow(page) <= 0
    page.context.close()


def test_cite_this_post_gets_a_copy_button_from_the_external_script(browser, live_url):
    page, errors, _ = open_page(browser, live_url + "/dpo/", viewport={"width": 1280, "height": 900})
    assert errors == []
    assert page.locator(".cite-this .copy-button").count() == 2
    page.context.close()
    page, _, _ = open_page(browser, live_url + "/dpo/", java_script_enabled=False)
    assert page.locator(".cite-this .copy-button").count() == 0
    assert "@online{" in page.locator(".cite-this-bibtex").inner_text()
    page.context.close()
