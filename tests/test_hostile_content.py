"""Hostile content (issue 19): bounded work for any front matter, every problem in one `check` run.

Series numbers, titles, control characters, equation labels and repeated
labels each once passed `check` and then broke a page, a card, the feed or the
freeze, or took unbounded time; series parts hidden as drafts were counted one
way and numbered another.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from conftest import make_app

from research_blog.web import cards

VALID = '---\ntitle: "T"\ndate: 2024-01-01\nsummary: "S"\ncategory: Research\n{extra}---\n\n{body}\n'


def check(pages: Path) -> tuple[int, str]:
    result = make_app(pages).test_cli_runner().invoke(args=["check"])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def problem_lines(output: str) -> list[str]:
    """The problems as ``name.md:line: message`` (the folder left out)."""
    return [re.sub(r"^.*/", "", line.split(": ")[0]) + ": " + line.split(": ", 1)[1]
            for line in output.splitlines() if re.match(r"^\S+\.md(:\d+)?: ", line)]


# Item 7: a huge series_part is refused at its line, and a gap's message stays short.

@pytest.mark.parametrize("part", [30_000_000, 100_000_000_000])
def test_an_absurd_series_part_is_refused_quickly_at_its_line(pages_copy, part):
    (pages_copy / "far.md").write_text(VALID.format(extra=f"series: optimisers\nseries_part: {part}\n", body="B"))
    started = time.perf_counter()
    code, output = check(pages_copy)
    assert time.perf_counter() - started < 20
    assert code == 1 and f"far.md:7: 'series_part' must be from 1 to 999, got {part}" in output, output
    assert len(output) < 2000


def test_a_series_gap_is_reported_as_ranges_at_the_series_part_line(pages_copy):
    (pages_copy / "part-nine.md").write_text(VALID.format(extra="series: optimisers\nseries_part: 9\n", body="B"))
    (pages_copy / "part-five.md").write_text(VALID.format(extra="series: optimisers\nseries_part: 5\n", body="B"))
    code, output = check(pages_copy)
    assert code == 1
    assert "part-nine.md:7: series 'optimisers' has a gap: part(s) 3-4, 6-8 missing" in output, output


def test_a_part_claimed_twice_is_reported_at_the_series_part_line(pages_copy):
    (pages_copy / "again.md").write_text(VALID.format(extra="series: optimisers\ntags: [x]\nseries_part: 2\n", body="B"))
    code, output = check(pages_copy)
    found = re.search(r"^(\S+\.md):(\d+): series 'optimisers': part 2 is also claimed", output, re.M)
    assert code == 1 and found, output
    lines = (pages_copy / found.group(1)).read_text().split("\n")
    assert lines[int(found.group(2)) - 1].startswith("series_part:")


# Item 9: titles are bounded by `check`, and a card is bounded for any text it is given.

def test_a_very_long_title_is_a_check_problem_naming_the_limit(pages_copy):
    (pages_copy / "long.md").write_text(VALID.replace('"T"', '"' + "word " * 10_000 + '"').format(extra="", body="B"))
    code, output = check(pages_copy)
    assert code == 1 and "long.md:2: 'title' is 49,999 characters long; the most is 200" in output, output[:500]
    assert len(output) < 2000


@pytest.mark.parametrize("text", ["W" * 50_000, "word " * 10_000, "a\u0301" * 50_000, "\ufdfd" * 5_000],
                         ids=["one-long-word", "many-words", "accents", "wide-glyphs"])
def test_a_card_is_drawn_in_bounded_time_whatever_the_text(text):
    from PIL import Image

    started = time.perf_counter()
    png = cards.draw(text, "Part 1 of 2 · " + text, text)
    assert time.perf_counter() - started < 5
    assert Image.open(io.BytesIO(png)).size == cards.SIZE


# Item 11: control characters, raw or written as YAML escapes, anywhere in a post.

@pytest.mark.parametrize(("extra", "line", "key"), [
    ('tags: [fine, "bad\\x01tag"]\n', 6, "tags"),
    ('links:\n  - label: "Paper\\0"\n    url: https://example.org/\n', 6, "links"),
    ('series: "Odd\\u0001"\nseries_part: 1\n', 6, "series"),
])
def test_a_control_character_escaped_in_any_front_matter_field_is_refused(pages_copy, extra, line, key):
    (pages_copy / "escaped.md").write_text(VALID.format(extra=extra, body="B"))
    code, output = check(pages_copy)
    assert code == 1 and f"escaped.md:{line}: '{key}' holds the control character U+00" in output, output


@pytest.mark.parametrize("title", ['"Ctl \\x01 title"', '"Nul \\0 title"', '"Del \\x7f title"'])
def test_a_control_character_escaped_in_the_title_is_refused_and_never_reaches_the_feed(pages_copy, title):
    (pages_copy / "ctl.md").write_text(VALID.replace('"T"', title).format(extra="", body="B"))
    code, output = check(pages_copy)
    assert code == 1 and "ctl.md:2: 'title' holds the control character" in output, output
    client = make_app(pages_copy).test_client()
    assert client.get("/feed.xml").status_code == 200
    assert client.get("/ctl/").status_code == 404


def test_a_raw_nul_in_the_body_is_refused_at_its_line_and_never_served(pages_copy):
    (pages_copy / "nul.md").write_text(VALID.format(extra="", body="Fine.\n\nNot \x00 fine, nor \x1b this."))
    code, output = check(pages_copy)
    assert code == 1
    assert "nul.md:10: the file holds the control character U+0000" in output, output
    assert "nul.md:10: the file holds the control character U+001B (ESC)" in output, output
    client = make_app(pages_copy).test_client()
    assert client.get("/nul/").status_code == 404
    assert b"\x00" not in client.get("/").data


def test_tabs_newlines_and_carriage_returns_are_text(pages_copy):
    (pages_copy / "spaced.md").write_bytes(VALID.format(extra="", body="A\ttab,\r\na line.").encode())
    code, output = check(pages_copy)
    assert code == 0, output


# Item 24: one run reports everything, sorted by file and line.

def test_one_check_reports_every_problem_of_a_file_in_line_order(pages_copy):
    text = ('---\ntitle: "Raw \x01 control"\ndate: 2024-01-01\nsummary: "S"\ncategory: Research\n'
            'catgory: typo\nseries_part: 0\nseries: s\n---\n\nText.\n\nMath $\\frac{1}{$ here.\n\nSee [x](../no-such-post/).\n')
    (pages_copy / "many.md").write_text(text)
    (pages_copy / "also.md").write_text(VALID.format(extra="oops: 1\n", body="$\\badmacro{x}$"))
    code, output = check(pages_copy)
    assert code == 1
    many = [line for line in problem_lines(output) if line.startswith("many.md")]
    assert [line.split(":")[1] for line in many] == ["2", "6", "7", "13", "15"], output
    assert "control character U+0001" in many[0] and "unknown front matter key 'catgory'" in many[1]
    assert "'series_part' must be from 1 to 999" in many[2]
    assert "math does not render" in many[3] and "link to a post that does not exist" in many[4]
    assert "also.md:6: unknown front matter key 'oops'" in output and "also.md:9: math does not render" in output
    paths_and_lines = [(line.split(":")[0], int(line.split(":")[1])) for line in problem_lines(output)]
    assert paths_and_lines == sorted(paths_and_lines)


def test_a_broken_yaml_block_still_has_its_body_checked(pages_copy):
    (pages_copy / "yaml.md").write_text("---\ntitle: [unclosed\ndate: 2024-01-01\n---\n\nMath $\\frac{1}{$ here.\n")
    code, output = check(pages_copy)
    assert code == 1 and "yaml.md:2: front matter is not valid YAML" in output
    assert "yaml.md:6: math does not render" in output, output


# Item 13: a malformed equation label is reported with the accepted form; the equation is still typeset.

@pytest.mark.parametrize(("written", "accepted"), [
    ("{#eqn:foo}", "{#eq:foo}"), ("{#eq:a.b}", "{#eq:a-b}"), ("\\label{eqn:q}", "\\label{eq:q}"),
])
def test_a_malformed_equation_label_is_a_check_problem_with_the_accepted_form(pages_copy, written, accepted):
    display = f"$$ x^2 $$ {written}" if written.startswith("{") else f"$$ x^2 {written} $$"
    (pages_copy / "eqlabel.md").write_text(VALID.format(extra="", body=f"Text.\n\n{display}\n\nMore."))
    code, output = check(pages_copy)
    assert code == 1
    assert f"eqlabel.md:10: equation label '{written}' is not of the form" in output, output
    assert f"write {accepted}" in output
    html = make_app(pages_copy).test_client().get("/eqlabel/").get_data(as_text=True)
    assert 'class="katex' in html and "$$" not in html, "typeset, not shown as raw TeX"


# Item 26: a repeated label is reported once per repeat, each at its own line.

def test_each_repeat_of_a_label_is_reported_once_at_its_own_line(pages_copy):
    body = "\n\n".join(f"$$ x_{{{n}}} $$ {{#eq:same}}" for n in range(3000))
    (pages_copy / "repeats.md").write_text(VALID.format(extra="", body=body))
    started = time.perf_counter()
    code, output = check(pages_copy)
    assert time.perf_counter() - started < 60
    repeats = [line for line in problem_lines(output) if "label 'eq:same' is used twice" in line]
    assert len(repeats) == 2999
    assert [int(line.split(":")[1]) for line in repeats] == [8 + 2 * n for n in range(1, 3000)]


# Item 16: a part that is a draft keeps its number; every view counts every part and says "coming soon".

def _series_with_a_draft_middle(pages: Path) -> None:
    two = pages / "series-part-two.md"
    two.write_text(two.read_text().replace("series_part: 2\n", "series_part: 2\ndraft: true\n"))
    (pages / "series-part-three.md").write_text(VALID.replace("Research", "Optimisation").replace('"T"', '"Optimisers part 3: Lion"')
                                                .format(extra='series: "Optimisers"\nseries_part: 3\n', body="Sign descent."))


def test_a_draft_part_is_coming_soon_and_the_post_page_series_page_and_card_agree(pages_copy):
    from research_blog.state import published
    from research_blog.web.reader_views import card_of, series_line

    _series_with_a_draft_middle(pages_copy)
    app = make_app(pages_copy)
    client = app.test_client()
    page = client.get("/series-part-three/").get_data(as_text=True)
    box = page[page.index('class="series-box"'):page.index("</nav>", page.index('class="series-box"'))]
    assert "Part 3 of 3 in the series" in box
    assert '<li value="2" class="coming-soon">Part 2 of 3: coming soon</li>' in box
    assert 'value="3"><span aria-current="page">Optimisers part 3: Lion' in box
    series = client.get("/series/optimisers/").get_data(as_text=True)
    assert "3 parts (1 coming soon)" in series
    assert "Part 1 of 3" in series and "Part 3 of 3" in series
    assert re.search(r"Part 2 of 3</p>\s*<p class=\"post-card-summary\">Coming soon", series)
    for html in (page, series):
        assert "Adam" not in html and "series-part-two" not in html, "a draft's title and URL stay private"
    one = client.get("/series-part-one/").get_data(as_text=True)
    assert "Part 1 of 3 in the series" in one and 'class="next" href="/series-part-three/"' in one
    with app.test_request_context():
        visible = published()
        assert series_line(visible, visible.by_slug["series-part-three"]) == "Part 3 of 3 · Optimisers"
        assert series_line(visible, visible.by_slug["series-part-one"]) == "Part 1 of 3 · Optimisers"
    card = client.get("/series-part-three/card.png")
    assert card.status_code == 200
    with app.test_request_context():
        facts = card_of(published(), published().by_slug["series-part-three"])[3]
    assert card.data == cards.card_png("Optimisers part 3: Lion", "Part 3 of 3 · Optimisers", app.config["BLOG_TITLE"], facts)


def test_a_last_part_still_to_come_is_announced_not_called_complete(pages_copy):
    two = pages_copy / "series-part-two.md"
    two.write_text(two.read_text().replace("series_part: 2\n", "series_part: 2\ndraft: true\n"))
    html = make_app(pages_copy).test_client().get("/series-part-one/").get_data(as_text=True)
    assert "Part 1 of 2 in the series" in html and "Part 2 coming soon" in html and "Series complete" not in html


# Item 26: the series box of a one-part series does not say "All 1 parts".

def test_a_one_part_series_is_not_called_all_1_parts(pages_copy):
    (pages_copy / "series-part-two.md").unlink()
    html = make_app(pages_copy).test_client().get("/series-part-one/").get_data(as_text=True)
    assert "Part 1 of 1 in the series" in html
    assert "All 1 parts" not in html and "The one part of Optimisers" in html
