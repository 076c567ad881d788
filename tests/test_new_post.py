"""`flask new`: a draft that `flask check` accepts, never over an existing file."""

from __future__ import annotations

import datetime as dt

from conftest import make_app

from research_blog.commands.new import file_slug


def new(pages, *args, input=None):
    return make_app(pages).test_cli_runner().invoke(args=["new", *args], input=input)


def test_new_writes_a_draft_with_valid_front_matter_that_check_accepts(pages_copy):
    result = new(pages_copy, 'Momentum: the "heavy ball" #1', "--series", "Optimisers", "--tags", "optimisation, SGD",
                 "--summary", "Why momentum helps.", "--category", "Optimisation")
    assert result.exit_code == 0, result.output
    target = pages_copy / "momentum-the-heavy-ball-1.md"
    assert f"Created {target}" in result.output
    text = target.read_text()
    assert f"date: {dt.date.today().isoformat()}" in text and "draft: true" in text
    assert 'series: "Optimisers"\nseries_part: 3' in text, "the next free part"
    assert 'tags: ["optimisation", "SGD"]' in text
    check = make_app(pages_copy).test_cli_runner().invoke(args=["check"])
    assert check.exit_code == 0, check.output


def test_new_asks_for_summary_and_category_instead_of_writing_placeholders(pages_copy):
    result = new(pages_copy, "Über Ω", input="A real summary.\n\n")
    assert result.exit_code == 0, result.output
    text = (pages_copy / "uber.md").read_text()
    assert 'summary: "A real summary."' in text
    assert 'category: "Research"' in text, "the category most posts use, offered as the default"


def test_new_refuses_to_overwrite(pages_copy):
    before = (pages_copy / "attention.md").read_text()
    result = new(pages_copy, "Attention", "--slug", "attention", "--summary", "s", "--category", "c")
    assert result.exit_code == 1 and "already exists: not overwritten" in result.output
    assert (pages_copy / "attention.md").read_text() == before


def test_new_rejects_a_part_without_a_series_and_unusable_names(pages_copy):
    assert "--part needs --series" in new(pages_copy, "X", "--part", "2").output
    assert "pass --slug" in new(pages_copy, "—", "--summary", "s", "--category", "c").output
    assert "pass --slug" in new(pages_copy, "Search", "--summary", "s", "--category", "c").output


def test_file_slug_is_ascii():
    assert file_slug("Déjà vu: C++ tricks") == "deja-vu-c-plus-plus-tricks"
