"""The nesting guard: what it counts as a level, and what it leaves alone."""

from research_blog.render.nesting import MAX_DEPTH, too_deep_line


def nested_list(levels: int) -> str:
    return "\n".join("    " * depth + "- item" for depth in range(levels))


def test_a_list_one_level_too_deep_is_found_at_that_line():
    assert too_deep_line(nested_list(MAX_DEPTH)) is None
    assert too_deep_line("Intro.\n\n" + nested_list(MAX_DEPTH + 1)) == 2 + MAX_DEPTH + 1


def test_markers_on_one_line_count_as_levels_and_tabs_as_four_columns():
    assert too_deep_line("> " * MAX_DEPTH + "quoted") is None
    assert too_deep_line("> " * (MAX_DEPTH + 1) + "quoted") == 1
    assert too_deep_line("1. " * 60 + "- " * 41 + "x") == 1
    assert too_deep_line("\t" * (MAX_DEPTH - 1) + "- item") is None
    assert too_deep_line("\t" * MAX_DEPTH + "- item") == 1


def test_fenced_code_and_rules_nest_nothing():
    deep_code = "\n".join(" " * 4 * MAX_DEPTH + f"x{n} = {n}" for n in range(3))
    for fence in ("```", "~~~~", "    ```"):
        closing = fence.strip()
        assert too_deep_line(f"{fence}python\n{deep_code}\n{closing}\nafter") is None
    # An unclosed fence runs to the end, as Markdown reads it.
    assert too_deep_line("```\n" + deep_code) is None
    assert too_deep_line("- " * 500) is None and too_deep_line("* " * 300) is None
    assert too_deep_line("```\ncode\n```\n" + "- " * 500 + "x") == 4


def test_ordinary_prose_is_never_too_deep():
    text = "# Title\n\n- a\n    - b\n        1. c\n\n> quote\n> > nested\n\n" + "word " * 10_000
    assert too_deep_line(text) is None
