"""A load reuses the posts an earlier load parsed, for files whose text is the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_PAGES, make_app, write_settled

from research_blog.content import collection
from research_blog.state import state


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files each load parses, in order."""
    seen: list[str] = []
    parse = collection.post_from_page

    def counted(page, source, shown):
        seen.append(source.name)
        return parse(page, source, shown)

    monkeypatch.setattr(collection, "post_from_page", counted)
    return seen


def load(content: Path, cache: Path):
    app = make_app(content, BLOG_RENDER_CACHE=str(cache))
    with app.app_context():
        return state(app).collection.loaded(max_age=0, patient=False)


def test_an_unchanged_file_is_not_parsed_again_and_an_edited_one_is(tmp_path, parses):
    content = tmp_path / "pages"
    shutil.copytree(FIXTURE_PAGES, content)
    first = load(content, tmp_path / "cache")
    everything = sorted(parses)
    assert everything, "the first load parses every file"

    parses.clear()
    second = load(content, tmp_path / "cache")
    assert parses == []
    assert second.posts == first.posts
    assert [p.reading_minutes for p in second.posts] == [p.reading_minutes for p in first.posts]
    assert [p.body for p in second.posts] == [p.body for p in first.posts]

    post = content / "attention.md"
    write_settled(post, post.read_text(encoding="utf-8").replace('title: "', 'title: "Revisited: ', 1) + "\nMore.\n")
    parses.clear()
    third = load(content, tmp_path / "cache")
    assert parses == ["attention.md"]
    edited = next(p for p in third.posts if p.slug == "attention")
    assert edited.title.startswith("Revisited: ") and edited.body.endswith("More.\n")


def test_a_file_with_a_problem_is_reported_by_every_load(tmp_path, parses):
    content = tmp_path / "pages"
    shutil.copytree(FIXTURE_PAGES, content)
    post = content / "attention.md"
    write_settled(post, post.read_text(encoding="utf-8").replace("date: ", "date: yesterday\nold_date: ", 1))
    load(content, tmp_path / "cache")
    for _ in range(2):
        parses.clear()
        problems = load(content, tmp_path / "cache").problems
        assert parses == ["attention.md"]
        assert any(problem.path.endswith("attention.md") and "date" in problem.message for problem in problems)


def test_a_damaged_store_only_means_parsing_again(tmp_path, parses):
    content = tmp_path / "pages"
    shutil.copytree(FIXTURE_PAGES, content)
    cache = tmp_path / "cache"
    first = load(content, cache)
    for stored in cache.rglob("*.json.z"):
        stored.write_bytes(b"not zlib")
    parses.clear()
    again = load(content, cache)
    assert sorted(parses) == sorted(p.source.name for p in first.posts)
    assert again.posts == first.posts
