"""Recorded outputs as a reader meets them: folded when long, styled apart, light and dark."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest
from conftest import make_app
from test_browser import _serve, browser, open_page  # noqa: F401 - browser is a fixture
from test_execute import EXECUTABLE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def outputs_url(tmp_path_factory):
    content = tmp_path_factory.mktemp("browser-outputs") / "pages"
    shutil.copytree(EXECUTABLE, content)
    assert make_app(content).test_cli_runner().invoke(args=["execute", "outputs"]).exit_code == 0
    yield from _serve(content)


def test_long_output_is_folded_and_one_click_opens_it(browser, outputs_url):  # noqa: F811
    page, errors, _ = open_page(browser, f"{outputs_url}/outputs/")
    long = page.locator(".code-output").filter(has_text="line 0")
    shown = long.inner_text().split("\n")  # what is rendered: a closed <details> shows its summary alone
    assert "line 24" in shown and "line 25" not in shown and "line 39" not in shown, "folded after 25 lines"
    assert not long.locator("details pre").is_visible()
    long.get_by_text("Show 15 more lines").click()
    assert long.locator("details pre").is_visible() and "line 39" in long.inner_text().split("\n")
    assert page.locator(".code-output .copy-code").count() == 0, "Copy belongs to code, never to output"
    assert page.locator(".highlight .copy-code").count() >= 1
    assert not errors


@pytest.mark.parametrize("scheme, background", [("light", "rgb(252, 252, 250)"), ("dark", "rgb(18, 20, 23)")])
def test_output_is_styled_apart_from_code_in_both_schemes(browser, outputs_url, scheme, background):  # noqa: F811
    page, _, _ = open_page(browser, f"{outputs_url}/outputs/", color_scheme=scheme)
    output = page.locator(".code-output").first
    style = output.evaluate("e => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderLeftWidth] }")
    assert style == [background, "3px"]
    code = page.locator(".highlight").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert code != background, "output and code do not look alike"
    assert output.locator(".code-output-label").inner_text().lower() == "output"
    text = output.locator("samp").evaluate("e => getComputedStyle(e).color")
    assert text != background


@pytest.fixture(scope="module")
def notebook_url():
    from test_notebooks import NOTEBOOK

    yield from _serve(NOTEBOOK)


def test_notebook_outputs_load_cleanly_in_dark_mode(browser, notebook_url):  # noqa: F811
    page, errors, hosts = open_page(browser, f"{notebook_url}/notebook-post/", color_scheme="dark")
    assert not errors, "no script ran, no CSP violation from the sanitized HTML"
    assert hosts == {urlsplit(notebook_url).netloc}, "nothing fetched from elsewhere"
    table = page.locator(".code-output-html")
    assert table.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(18, 20, 23)"
    images = page.locator('img[src*="_notebooks/"]')
    assert images.count() == 2
    assert all(images.nth(n).evaluate("e => e.complete && e.naturalWidth > 0") for n in range(2))
