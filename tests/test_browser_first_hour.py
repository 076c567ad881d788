"""In chromium: a saved post repaints the open tab (with --debug), and the theme toggle works and persists."""

from __future__ import annotations

import threading

import pytest
from conftest import FIXTURE_PAGES, make_app, write_settled
from test_browser import browser  # noqa: F401 - the shared chromium fixture
from werkzeug.serving import make_server

from research_blog.web import livereload

pytestmark = pytest.mark.browser

DARK_BG, LIGHT_BG = "rgb(18, 20, 23)", "rgb(252, 252, 250)"
# Records the theme <html> has when <body> first exists: what the first paint would show.
THEME_AT_BODY = """
new MutationObserver(function (changes, observer) {
  if (document.body) {
    window.__themeAtBody = document.documentElement.getAttribute("data-theme") || "none";
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def debug_site(pages_copy):
    app = make_app(pages_copy, DEBUG=True, BLOG_URL_PREFIX="/blog")
    server, thread, url = serve(app)
    yield pages_copy, url + "/blog"
    server.shutdown()
    thread.join()
    livereload.stop_watching(app)


@pytest.fixture(scope="module")
def site():
    server, thread, url = serve(make_app())
    yield url
    server.shutdown()
    thread.join()


def test_a_saved_post_repaints_the_open_tab_where_the_reader_was(browser, debug_site):  # noqa: F811
    pages, url = debug_site
    context = browser.new_context(viewport={"width": 1000, "height": 600})
    page = context.new_page()
    page.goto(url + "/attention/")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 300)")
    post = pages / "attention.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nA sentence saved just now.\n", encoding="utf-8")
    page.wait_for_selector("text=A sentence saved just now.", timeout=10_000)
    page.wait_for_function("window.scrollY > 0", timeout=5_000)
    assert abs(page.evaluate("window.scrollY") - 300) <= 2
    context.close()


def test_the_content_error_page_turns_into_the_post_once_the_file_is_fixed(browser, debug_site):  # noqa: F811
    pages, url = debug_site
    post = pages / "attention.md"
    good = post.read_text(encoding="utf-8")
    write_settled(post, good.replace("title:", "titel:", 1))
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/attention/")
    assert "problem" in page.locator("h1").inner_text()
    post.write_text(good, encoding="utf-8")
    page.wait_for_selector("article h1, .post-header h1", timeout=10_000)
    assert "problem" not in page.locator("h1").first.inner_text()
    context.close()


def test_the_theme_toggle_cycles_persists_and_never_flashes(browser, site):  # noqa: F811
    context = browser.new_context(color_scheme="light")
    context.add_init_script(THEME_AT_BODY)
    page = context.new_page()
    page.goto(site + "/attention/")
    toggle = page.locator(".theme-toggle")
    background = "getComputedStyle(document.documentElement).backgroundColor"
    assert toggle.is_visible() and toggle.inner_text() == "\u25d0 Auto"
    assert page.evaluate(background) == LIGHT_BG
    toggle.click()
    assert toggle.inner_text() == "\u263c Light" and page.evaluate(background) == LIGHT_BG
    toggle.click()
    assert toggle.inner_text() == "\u263e Dark" and page.evaluate(background) == DARK_BG
    page.reload()
    # Chosen before the body exists: the first paint is already dark.
    assert page.evaluate("window.__themeAtBody") == "dark"
    assert page.evaluate(background) == DARK_BG and toggle.inner_text() == "\u263e Dark"
    # Code follows the chosen theme, not the system's.
    code_bg = page.evaluate("getComputedStyle(document.querySelector('.highlight')).backgroundColor")
    assert code_bg != "rgb(255, 255, 255)"
    toggle.click()
    assert toggle.inner_text() == "\u25d0 Auto" and page.evaluate("localStorage.length") == 0
    assert page.evaluate(background) == LIGHT_BG
    context.close()


def test_a_reader_who_chose_light_keeps_it_on_a_dark_system(browser, site):  # noqa: F811
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site + "/")
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == DARK_BG
    page.evaluate("localStorage.setItem('research-blog-theme', 'light')")
    page.reload()
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == LIGHT_BG
    context.close()


def test_without_javascript_the_system_theme_applies_and_no_toggle_shows(browser, site):  # noqa: F811
    context = browser.new_context(color_scheme="dark", java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    assert page.locator(".theme-toggle").is_hidden()
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == DARK_BG
    context.close()


def test_init_then_flask_run_debug_repaints_an_open_tab_on_save(browser, tmp_path):  # noqa: F811
    """The issue's own path: `research-blog init`, `flask --app app run --debug`, edit the welcome post."""
    import os
    import signal
    import subprocess
    import sys

    from test_clean_exit import free_port, like_a_terminal, stop, wait_until_serving

    made = subprocess.run([sys.executable, "-m", "research_blog", "init", "myblog"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    blog, port = tmp_path / "myblog", free_port()
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run", "--debug", "--port", str(port)],
                              cwd=blog, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              preexec_fn=lambda: (os.setpgrp(), like_a_terminal()))
    try:
        url = f"http://127.0.0.1:{port}/welcome/"
        wait_until_serving(url, server)
        context = browser.new_context()
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.inner_text() == "Welcome to your research blog"
        post = blog / "pages" / "welcome.md"
        post.write_text(post.read_text(encoding="utf-8").replace("Welcome to your research blog", "Renamed by a save"),
                        encoding="utf-8")
        page.wait_for_selector("h1:has-text('Renamed by a save')", timeout=20_000)
        context.close()
    finally:
        output = stop(server, signal.SIGINT)
    assert server.returncode == 0, output[-2000:]


def test_the_theme_toggle_works_in_a_frozen_site_under_a_sub_path_and_an_embedded_blog(browser, tmp_path):  # noqa: F811
    from flask import Flask
    from statichost import serving

    from research_blog import Blog
    from research_blog.build.freeze import freeze_site

    freeze_site(make_app(), tmp_path / "site" / "notes", "https://me.example/notes/")
    host = Flask("host", root_path=str(tmp_path))
    host.config.update(BLOG_CONTENT_DIR=str(FIXTURE_PAGES), BLOG_URL_PREFIX="/blog", BLOG_RENDER_CACHE=None)
    Blog(host)
    server, thread, embedded = serve(host)
    try:
        with serving(tmp_path / "site") as frozen:
            for url in [frozen + "/notes/attention/", embedded + "/blog/attention/"]:
                context = browser.new_context(color_scheme="light")
                page = context.new_page()
                page.goto(url)
                page.locator(".theme-toggle").click()
                page.locator(".theme-toggle").click()
                page.reload()
                assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == DARK_BG, url
                context.close()
    finally:
        server.shutdown()
        thread.join()
