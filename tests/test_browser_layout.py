"""The page a reader sees, measured in Debian's chromium: wide math and code, the contents
rail, the phone's first screen, typesetting after formulas, dark code and figures.

Each check runs on the shipped posts served by Flask and frozen behind a static server.
"""

from __future__ import annotations

import pytest
from conftest import PROJECT_ROOT, make_app
from statichost import serving
from test_browser import _serve, browser  # noqa: F401 - shared fixtures

from research_blog.build.freeze import freeze_site

pytestmark = pytest.mark.browser

POSTS = sorted(path.stem for path in (PROJECT_ROOT / "pages").glob("*.md"))
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# Every display equation and code block: does it overflow, and if so is there a cue
# (the edge shadow's gradients) and is it a labelled region a keyboard reaches?
# Blocks far from the screen are not rendered (content-visibility): each is shown to be measured.
SHOW_ALL = """() => document.querySelectorAll('.post-body .math-display, .post-body .highlight')
  .forEach(el => { el.style.contentVisibility = 'visible'; })"""
WIDE_BLOCKS = """() => Array.from(document.querySelectorAll('.post-body .math-display, .post-body .highlight pre'))
  .map(el => ({
    id: el.id || el.closest('.highlight')?.className || '?',
    overflows: el.scrollWidth > el.clientWidth + 1,
    cue: getComputedStyle(el).backgroundImage.includes('gradient'),
    focusable: el.tabIndex === 0 && el.getAttribute('role') === 'region' && !!el.getAttribute('aria-label'),
  }))"""


@pytest.fixture(scope="module")
def served():
    yield from _serve(PROJECT_ROOT / "pages")


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    out = tmp_path_factory.mktemp("frozen") / "site"
    freeze_site(make_app(PROJECT_ROOT / "pages"), out, base_url="https://example.org/")
    with serving(out) as base:
        yield base


@pytest.fixture(scope="module", params=["served", "frozen"])
def site(request):
    return request.getfixturevalue(request.param)


def _page(browser, width: str, scheme: str = "light"):  # noqa: F811
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
    return context.new_page()


def _load(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(50)  # wide.js lays out again once the fonts are in, a few blocks per task
    page.wait_for_function("document.documentElement.dataset.wideBlocks === 'measured'")
    page.evaluate(SHOW_ALL)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_equation_or_code_block_is_clipped_without_a_cue_and_a_keyboard_stop(browser, site, width, scheme):  # noqa: F811
    page = _page(browser, width, scheme)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    clipped, scrolling = {}, 0
    for slug in POSTS:
        _load(page, f"{site}/{slug}/")
        blocks = page.evaluate(WIDE_BLOCKS)
        bad = [b["id"] for b in blocks if b["overflows"] and not (b["cue"] and b["focusable"])]
        scrolling += sum(b["overflows"] for b in blocks)
        if bad:
            clipped[slug] = bad
    page.context.close()
    assert errors == [] and clipped == {}
    if width == "phone":
        assert scrolling > 20, "the phone does have wide blocks to check"


@pytest.mark.parametrize("label", ["eq:optimal-policy", "eq:dpo-gradient"])
def test_at_1280_the_wide_dpo_equations_show_whole_with_their_numbers(browser, site, label):  # noqa: F811
    page = _page(browser, "desktop")
    _load(page, f"{site}/dpo/")
    found = page.evaluate("""id => {
      const d = document.getElementById(id), box = d.getBoundingClientRect();
      const tag = d.querySelector('.tag').getBoundingClientRect();
      const column = document.querySelector('.post-body').getBoundingClientRect();
      return {whole: d.scrollWidth <= d.clientWidth + 1, wider: box.right > column.right,
              tagInside: tag.left >= box.left && tag.right <= box.right + 1,
              onScreen: box.right <= document.documentElement.clientWidth}}""", label)
    page.context.close()
    assert found == {"whole": True, "wider": True, "tagInside": True, "onScreen": True}


def test_on_a_phone_a_scrolled_equation_keeps_its_number_in_view(browser, site):  # noqa: F811
    page = _page(browser, "phone")
    _load(page, f"{site}/dpo/")
    found = page.evaluate("""() => {
      const d = document.getElementById('eq:optimal-policy'), box = d.getBoundingClientRect();
      const tag = d.querySelector('.tag').getBoundingClientRect();
      return {overflows: d.scrollWidth > d.clientWidth, tagInView: tag.right <= box.right + 1 && tag.left >= box.left}}""")
    page.context.close()
    assert found == {"overflows": True, "tagInView": True}


@pytest.mark.parametrize("height", [720, 520])
def test_the_marked_contents_entry_stays_inside_the_rail_at_every_section_of_ppo(browser, site, height):  # noqa: F811
    page = browser.new_context(viewport={"width": 1280, "height": height}).new_page()
    _load(page, f"{site}/ppo/")
    rail_scrolls = page.evaluate("(() => { const t = document.querySelector('.toc-side'); "
                                 "return t.scrollHeight > t.clientHeight; })()")
    # At 720 px the contents now nearly fit; a shorter window makes the rail scroll for sure.
    assert rail_scrolls or height == 720, "the rail is shorter than its contents: the case being tested"
    targets = page.evaluate("Array.from(document.querySelectorAll('.toc-side a')).map(a => a.getAttribute('href'))")
    missed = []
    for href in targets:
        page.evaluate("id => { const h = document.getElementById(decodeURIComponent(id.slice(1)));"
                      " window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 20); }", href)
        page.wait_for_timeout(250)
        state = page.evaluate("""() => {
          const rail = document.querySelector('.toc-side'), marked = rail.querySelector('a[aria-current]');
          if (!marked) return 'none marked';
          const r = rail.getBoundingClientRect(), m = marked.getBoundingClientRect();
          return (m.top >= r.top - 1 && m.bottom <= r.bottom + 1) ? 'in view' : 'hidden: ' + marked.textContent}""")
        if state != "in view":
            missed.append((href, state))
    page.context.close()
    assert missed == []


def test_the_rail_sits_close_to_the_text(browser, site):  # noqa: F811
    page = _page(browser, "desktop")
    _load(page, f"{site}/ppo/")
    gap = page.evaluate("document.querySelector('.post-body').getBoundingClientRect().left"
                        " - document.querySelector('.toc-side').getBoundingClientRect().right")
    page.context.close()
    assert 0 < gap <= 36


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_line_starts_with_the_punctuation_that_followed_a_formula(browser, site, width):  # noqa: F811
    page = _page(browser, width)
    broken, held = {}, 0
    for slug in POSTS:
        _load(page, f"{site}/{slug}/")
        # For every formula followed by punctuation: the punctuation's box is on the
        # formula's last line (its top within the formula's last box).
        found = page.evaluate("""() => {
          const bad = []; let n = 0;
          document.querySelectorAll('.post-body .math-nowrap').forEach(span => {
            const text = span.lastChild; if (text.nodeType !== 3) { bad.push('no text'); return; }
            n++;
            const range = document.createRange(); range.selectNodeContents(text);
            const punct = range.getClientRects()[0];
            const boxes = span.querySelector('.katex-html').getClientRects();
            const last = boxes[boxes.length - 1];
            if (!punct || !last || punct.top > last.bottom - 2) bad.push(text.textContent);
          });
          return [n, bad]}""")
        held += found[0]
        if found[1]:
            broken[slug] = found[1]
    page.context.close()
    assert broken == {}
    assert held > 50, "the shipped posts have many formulas followed by punctuation"


def test_a_phone_first_screen_reaches_the_summary(browser, site):  # noqa: F811
    page = _page(browser, "phone")
    _load(page, f"{site}/ppo/")
    found = page.evaluate("""() => ({
      tldr: document.querySelector('.tldr').getBoundingClientRect().top,
      links: Array.from(document.querySelectorAll('.post-links li')).map(li => li.getBoundingClientRect().height),
      series: document.querySelector('.series-box').getBoundingClientRect().height,
      summary: document.querySelector('.series-summary').textContent})""")
    assert found["tldr"] < 844 - 100, "the TL;DR starts on the first screen"
    assert found["links"] and max(found["links"]) < 30, "one line per link"
    assert found["series"] < 60 and found["summary"] == "Part 1 of 4 · Modern post-training"
    page.locator(".series-summary").click()
    assert page.locator(".series-box ol").is_visible(), "the line opens to the parts"
    page.context.close()


def test_on_a_wide_screen_the_series_box_lists_its_parts_without_a_click(browser, site):  # noqa: F811
    page = _page(browser, "desktop")
    _load(page, f"{site}/ppo/")
    assert page.locator(".series-box ol").is_visible() and not page.locator(".series-summary").is_visible()
    page.context.close()


def test_dark_mode_code_and_figures_are_dark(browser, site):  # noqa: F811
    page = _page(browser, "desktop", "dark")
    _load(page, f"{site}/ppo/")
    found = page.evaluate("""() => ({
      code: getComputedStyle(document.querySelector('.post-body .highlight')).backgroundColor,
      page: getComputedStyle(document.documentElement).backgroundColor,
      figure: getComputedStyle(document.querySelector('.post-body figure img')).filter,
      figureBackground: getComputedStyle(document.querySelector('.post-body figure img')).backgroundColor})""")
    page.context.close()
    assert found["code"] == "rgb(26, 29, 33)", "the site's dark code background, not Monokai's olive"
    assert "invert" in found["figure"] and found["figureBackground"] == "rgba(0, 0, 0, 0)"


@pytest.fixture(scope="module")
def fixture_site():
    from conftest import FIXTURE_PAGES

    yield from _serve(FIXTURE_PAGES)


def test_footnote_marks_do_not_open_up_the_line_spacing(browser, fixture_site):  # noqa: F811
    page = _page(browser, "phone")
    _load(page, f"{fixture_site}/scholarly/")
    # Each paragraph holding a note mark: its height as set, and with the marks not raised
    # (same glyphs, same widths, same line breaks): equal when the marks add no spacing.
    heights = page.evaluate("""() => Array.from(document.querySelectorAll('.post-body p'))
      .filter(p => p.querySelector('sup'))
      .map(p => { const before = p.getBoundingClientRect().height;
                  p.querySelectorAll('sup').forEach(s => { s.style.verticalAlign = 'baseline'; });
                  return [before, p.getBoundingClientRect().height]; })""")
    page.context.close()
    assert heights and all(abs(raised - flat) < 0.5 for raised, flat in heights), heights
