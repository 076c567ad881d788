"""Caches tell the truth: a damaged entry means computing again, a changed page or figure is never the old one."""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURE_PAGES, make_app, write_settled
from werkzeug.http import http_date

from research_blog import state as state_module
from research_blog.build.freeze import freeze_site
from research_blog.render import cache as render_cache
from research_blog.render import pipeline
from research_blog.state import generation, state
from research_blog.web import cards, indexkeeper


@pytest.fixture
def cache(tmp_path: Path):
    """A render cache folder of the test's own (renders held in memory are forgotten after)."""
    yield tmp_path / "cache"
    pipeline.clear_memory_cache()


def entries(cache: Path) -> dict[Path, object]:
    """Every JSON entry of the cache folder, decoded."""
    return {path: json.loads(zlib.decompress(path.read_bytes())) for path in cache.rglob("*.json.z")}


def rewrite(path: Path, value: object) -> None:
    path.write_bytes(zlib.compress(json.dumps(value).encode("utf-8")))


# What the cache keeps of a render (and of its facts and search words), each time of another shape than it should be.
WRONG_SHAPES: dict[str, Callable[[dict], object]] = {
    "toc is null": lambda entry: {**entry, "toc": None},
    "a toc entry without its fields": lambda entry: {**entry, "toc": [{"id": "x"}]},
    "a toc level that is text": lambda entry: {**entry, "toc": [{"id": "x", "label_html": "X", "level": "2",
                                                                   "children": []}]},
    "html is a number": lambda entry: {**entry, "html": 5} if "html" in entry else {**entry, "figures": 5},
    "math errors are not pairs": lambda entry: {**entry, "math_errors": [["x"]]},
    "cited keys are one string": lambda entry: {**entry, "cited": "vaswani2017"},
    "a field missing": lambda entry: {key: value for key, value in entry.items() if key != "failure"},
    "a list, not an object": lambda entry: [entry],
    "search words without counts": lambda entry: {**entry, "words": [["attention", "often"]]},
    "search headings are a list": lambda entry: {**entry, "headings": ["Attention"]},
}

# Bytes that are not an entry at all.
UNREADABLE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda data: data[: len(data) // 2],
    "not zlib": lambda data: b"not zlib",
    "not JSON": lambda data: zlib.compress(b"{'html': "),
    "not UTF-8": lambda data: zlib.compress(b'{"html": "\xff\xfe"}'),
    "empty": lambda data: b"",
}


def checked_and_served(cache: Path) -> tuple[int, str, str, bytes]:
    """``flask check``'s exit code and output, a post page and what the search index holds, as a fresh process has them.

    What it holds, not its version: a damaged cache means indexing again, and Pagefind's
    files are not byte-for-byte the same from run to run."""
    pipeline.clear_memory_cache()
    app = make_app(FIXTURE_PAGES, BLOG_RENDER_CACHE=str(cache))
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    client = app.test_client()
    page = client.get("/attention/")
    assert page.status_code == 200
    with app.app_context():
        bundle = indexkeeper.keeper(app).bundle(generation(), wait=True)
    search = (json.loads(bundle.files["pagefind-entry.json"])["languages"]["en"]["page_count"], sorted(
        name.split("/")[0] for name in bundle.files))
    return result.exit_code, result.output, page.get_data(as_text=True), search


@pytest.mark.parametrize("damage", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_a_render_entry_of_the_wrong_shape_only_means_rendering_again(cache, damage):
    expected = checked_and_served(cache)
    renders = {path: value for path, value in entries(cache).items()
               if isinstance(value, dict) and "toc" in value}
    assert len(renders) > 2, "renders and their facts are on disk"
    for path, value in renders.items():
        rewrite(path, damage(value))
    assert checked_and_served(cache) == expected


@pytest.mark.parametrize("damage", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_cache_file_only_means_computing_again(cache, damage):
    expected = checked_and_served(cache)
    for path in cache.rglob("*.json.z"):
        path.write_bytes(damage(path.read_bytes()))
    assert checked_and_served(cache) == expected


def load_posts(content: Path, cache: Path):
    app = make_app(content, BLOG_RENDER_CACHE=str(cache))
    with app.app_context():
        return state(app).collection.loaded(max_age=0, patient=False)


def parsed_posts_store(cache: Path) -> tuple[Path, dict]:
    """The parsed-posts store (loadcache.py): the entry that maps each post file to a list."""
    for path, value in entries(cache).items():
        if isinstance(value, dict) and value and all(isinstance(item, list) for item in value.values()):
            return path, value
    raise AssertionError("no parsed-posts store in the cache")


# One stored post, each time of another shape than the store's.
WRONG_POSTS: dict[str, Callable[[list], object]] = {
    "title is null": lambda entry: entry[:3] + [None] + entry[4:],
    "tags are numbers": lambda entry: entry[:7] + [[[1, 2]]] + entry[8:],
    "links are not pairs": lambda entry: entry[:12] + [[["only a label"]]] + entry[13:],
    "draft is text": lambda entry: entry[:10] + ["no"] + entry[11:],
    "body starts past the end": lambda entry: entry[:1] + [10**9] + entry[2:],
    "date is not a date": lambda entry: entry[:4] + ["yesterday"] + entry[5:],
    "too short": lambda entry: entry[:3],
    "an object, not a list": lambda entry: {"digest": entry[0]},
}


@pytest.mark.parametrize("damage", WRONG_POSTS.values(), ids=WRONG_POSTS.keys())
def test_a_parsed_post_of_the_wrong_shape_only_means_parsing_again(tmp_path, cache, damage):
    content = tmp_path / "pages"
    shutil.copytree(FIXTURE_PAGES, content)
    first = load_posts(content, cache)
    path, store = parsed_posts_store(cache)
    rewrite(path, {shown: damage(entry) for shown, entry in store.items()})
    again = load_posts(content, cache)
    assert again.posts == first.posts and again.problems == first.problems
    assert [post.body for post in again.posts] == [post.body for post in first.posts]


@pytest.mark.parametrize("store", [[], "posts", {"attention.md": "an entry"}, None])
def test_a_parsed_posts_store_of_the_wrong_shape_only_means_parsing_again(tmp_path, cache, store):
    content = tmp_path / "pages"
    shutil.copytree(FIXTURE_PAGES, content)
    first = load_posts(content, cache)
    path, _ = parsed_posts_store(cache)
    rewrite(path, store)
    assert load_posts(content, cache).posts == first.posts


def test_a_full_disk_leaves_no_temporary_file_in_the_cache(cache, monkeypatch):
    writable = open

    def full_disk(path, mode="r", *args, **kwargs):
        handle = writable(path, mode, *args, **kwargs)
        if "w" in mode or "x" in mode:
            def no_space(data):
                raise OSError(errno.ENOSPC, "No space left on device")
            handle.write = no_space
        return handle

    monkeypatch.setattr(render_cache, "open", full_disk, raising=False)
    stored = render_cache.DiskCache(cache)
    stored.put("k" * 64, {"html": "<p>Hi</p>"})
    assert stored.get_packed("k" * 64) is None, "nothing was written"
    assert [path.name for path in cache.rglob("*")] == ["kk"], "the temporary file is gone; only its folder stays"

    monkeypatch.undo()
    stored.put("k" * 64, {"html": "<p>Hi</p>"})
    assert stored.get("k" * 64, lambda entry: entry) == {"html": "<p>Hi</p>"}, "with room again, the cache works"


def test_a_failed_rename_leaves_no_temporary_file_in_the_cache(cache, monkeypatch):
    def read_only(source, target):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(render_cache.os, "replace", read_only)
    render_cache.DiskCache(cache).put("k" * 64, {"html": "<p>Hi</p>"})
    assert [path.name for path in cache.rglob("*")] == ["kk"]


# Last-Modified: a page that changed must never get 304.

def test_a_page_changed_within_the_second_is_sent_again(pages_copy):
    app = make_app(pages_copy, BLOG_AUTO_RELOAD=False)
    client = app.test_client()
    first = client.get("/attention/")
    post = pages_copy / "attention.md"
    write_settled(post, post.read_text(encoding="utf-8").replace("Attention mixes values", "Attention blends values"))
    with app.app_context():
        state(app).collection.loaded(max_age=0)
    # What a client holding the first version asks, as it would within the same second as the edit.
    for asked in ({"If-Modified-Since": first.headers.get("Last-Modified") or http_date(time.time())},
                  {"If-Modified-Since": http_date(time.time())},
                  {"If-None-Match": first.headers["ETag"]}):
        again = client.get("/attention/", headers=asked)
        assert again.status_code == 200, asked
        assert "Attention blends values" in again.get_data(as_text=True)
    assert again.headers["ETag"] != first.headers["ETag"]
    assert client.get("/attention/", headers={"If-None-Match": again.headers["ETag"]}).status_code == 304


def test_a_scheduled_post_going_live_at_midnight_changes_the_listing_for_revalidations(pages_copy, monkeypatch):
    scheduled = pages_copy / "scheduled.md"
    write_settled(scheduled, scheduled.read_text(encoding="utf-8").replace("date: 2999-01-01", "date: 2030-01-02"))
    day = [state_module.dt.date(2030, 1, 1)]
    monkeypatch.setattr(state_module, "today", lambda: day[0])
    client = make_app(pages_copy).test_client()
    before = client.get("/")
    assert "From the future" not in before.get_data(as_text=True)
    day[0] = state_module.dt.date(2030, 1, 2)
    for asked in ({"If-Modified-Since": before.headers.get("Last-Modified") or http_date(time.time())},
                  {"If-None-Match": before.headers["ETag"]}):
        after = client.get("/", headers=asked)
        assert after.status_code == 200, asked
        assert "From the future" in after.get_data(as_text=True)


def test_pages_are_validated_by_their_etag_alone(client):
    first = client.get("/attention/")
    assert "Last-Modified" not in first.headers, "a time to the second cannot tell two versions apart"
    assert client.get("/attention/", headers={"If-Modified-Since": http_date(time.time() + 3600)}).status_code == 200


# An incremental freeze rebuilds a figure whose bytes changed, whatever its size and time say.

def test_a_figure_replaced_by_one_of_the_same_size_and_time_is_frozen_anew(pages_copy, tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(pages_copy), out)
    figure = pages_copy / "figures" / "weights.svg"
    old = figure.read_bytes()
    stamp = figure.stat()
    new = old.replace(b"<svg", b"<SVG", 1).replace(b"</svg", b"</SVG", 1)
    assert new != old and len(new) == len(old)
    figure.write_bytes(new)
    os.utime(figure, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert (figure.stat().st_size, figure.stat().st_mtime_ns) == (stamp.st_size, stamp.st_mtime_ns)
    freeze_site(make_app(pages_copy), out)
    assert (out / "attention" / "figures" / "weights.svg").read_bytes() == new


def test_an_unchanged_figure_is_still_reused(pages_copy, tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(pages_copy), out)
    frozen = out / "attention" / "figures" / "weights.svg"
    before = frozen.stat().st_ino
    os.utime(pages_copy / "figures" / "weights.svg")  # touched, not changed
    freeze_site(make_app(pages_copy), out)
    assert frozen.stat().st_ino == before


def test_a_truncated_share_card_is_drawn_again(cache):
    cards.card_png.cache_clear()  # drawn by an earlier test, but not kept on this test's disk
    client = make_app(FIXTURE_PAGES, BLOG_RENDER_CACHE=str(cache)).test_client()
    card = client.get("/attention/card.png").data
    stored = [path for path in cache.rglob("*.json.z") if path.read_bytes() == card]
    assert stored, "the card is kept on disk"
    for path in stored:
        path.write_bytes(card[: len(card) // 2])
    cards.card_png.cache_clear()
    assert client.get("/attention/card.png").data == card
