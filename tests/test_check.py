"""`flask check`: every content problem, as path:line: message, never a traceback."""

from __future__ import annotations

import pytest
from conftest import make_app

from research_blog.extension import ContentFolderError

VALID = '---\ntitle: "T"\ndate: 2024-01-01\nsummary: "S"\ncategory: Research\n{extra}---\n\n{body}\n'


def run_check(pages):
    result = make_app(pages).test_cli_runner().invoke(args=["check"])
    return result.exit_code, result.output


def test_fixture_content_is_clean(pages_copy):
    code, output = run_check(pages_copy)
    assert code == 0, output
    assert "OK: 6 posts" in output


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("yaml.md", "---\ntitle: [unclosed\ndate: 2024-01-01\n---\n\nBody\n", "yaml.md:2: front matter is not valid YAML"),
        ("missing.md", '---\ntitle: "T"\ndate: 2024-01-01\ncategory: Research\n---\n\nBody\n',
         "missing.md:1: missing required field 'summary'"),
        ("typed.md", VALID.format(extra="series: s\nseries_part: two\n", body="B"), "typed.md:7: 'series_part' must be a whole number"),
        ("tagged.md", VALID.format(extra="tags: {rlhf: 1}\n", body="B"), "tagged.md:6: 'tags' must be a list of names"),
        ("symbols.md", VALID.format(extra="tags: [ok, '!!!']\n", body="B"), "symbols.md:6: tag '!!!' has no letter or digit"),
        ("nocat.md", VALID.replace("category: Research", "category: '???'").format(extra="", body="B"),
         "nocat.md:5: 'category' '???' has no letter or digit"),
        ("baddate.md", VALID.replace("2024-01-01", "2024-02-30").format(extra="", body="B"),
         "baddate.md:3: 'date' must be a real date written YYYY-MM-DD, got '2024-02-30'"),
        ("unknown.md", VALID.format(extra="catgory: typo\n", body="B"), "unknown.md:6: unknown front matter key 'catgory'"),
        ("links.md", VALID.format(extra="links:\n  - label: x\n", body="B"), "links.md:6: 'links' must be a list of {label"),
        ("category.md", VALID.format(extra="", body="B"), "category.md:1: slug 'category' collides with the blog's own /category/"),
        ("Bad_Name.md", VALID.format(extra="", body="B"), "is not a valid slug"),
        ("nobody.md", VALID.format(extra="", body=""), "nobody.md:1: the post has no body text"),
        ("empty.md", "   \n", "empty.md: file is empty"),
        ("nometa.md", "Just text, no front matter.\n", "nometa.md:1: no front matter"),
        ("math.md", VALID.format(extra="", body="Text\n\nMore $\\frac{1}{$ here."), "math.md:10: math does not render"),
        ("link.md", VALID.format(extra="", body="See [x](../no-such-post/)."),
         "link.md:8: link to a post that does not exist: ../no-such-post/"),
        ("figure.md", VALID.format(extra="", body="![alt](figures/nope.svg)"), "figure.md:8: figure not found: figures/nope.svg"),
        ("partial.md", VALID.format(extra="series: optimisers\n", body="B"), "'series' and 'series_part' go together"),
    ],
)
def test_each_problem_is_reported_with_file_and_line(pages_copy, name, text, expected):
    (pages_copy / name).write_text(text, encoding="utf-8")
    code, output = run_check(pages_copy)
    assert code == 1
    assert expected in output, output
    assert "Traceback" not in output


def test_non_utf8_file(pages_copy):
    (pages_copy / "latin.md").write_bytes(VALID.format(extra="", body="caf\xe9").encode("latin-1"))
    code, output = run_check(pages_copy)
    assert code == 1 and "latin.md:8: file is not UTF-8 text" in output


def test_duplicate_slug_in_two_folders(pages_copy):
    (pages_copy / "2023").mkdir()
    (pages_copy / "2023" / "attention.md").write_text(VALID.format(extra="", body="B"))
    code, output = run_check(pages_copy)
    assert code == 1 and "duplicate slug 'attention'" in output


def test_series_gap_and_double_claim(pages_copy):
    (pages_copy / "part-four.md").write_text(VALID.format(extra="series: optimisers\nseries_part: 4\n", body="B"))
    (pages_copy / "another-two.md").write_text(VALID.format(extra="series: optimisers\nseries_part: 2\n", body="B"))
    code, output = run_check(pages_copy)
    assert code == 1
    assert "series 'optimisers' has a gap: part(s) 3 missing" in output
    assert "part 2 is also claimed by" in output


def test_every_problem_is_listed_not_just_the_first(pages_copy):
    (pages_copy / "one.md").write_text(VALID.format(extra="oops: 1\n", body="B"))
    (pages_copy / "two.md").write_text(VALID.format(extra="", body="$\\badmacro{x}$"))
    code, output = run_check(pages_copy)
    assert code == 1 and "one.md" in output and "two.md" in output


def test_a_missing_content_folder_is_a_clear_error_at_start(tmp_path):
    with pytest.raises(ContentFolderError, match=r"BLOG_CONTENT_DIR is .*nowhere, which is not a folder: create it"):
        make_app(tmp_path / "nowhere")


def test_a_long_bad_value_is_cut_short_in_the_message(pages_copy):
    (pages_copy / "long.md").write_text(VALID.format(extra=f"series_part: [{', '.join(['1'] * 500)}]\nseries: s\n", body="B"))
    code, output = run_check(pages_copy)
    assert code == 1 and "'series_part' must be a whole number" in output
    assert len(output.splitlines()[0]) < 300, "a message never prints a whole value"
