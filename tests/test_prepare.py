"""A freeze's first step makes every render and share card in worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT_ROOT, SITE_URL, make_app
from test_freeze_reuse import same_tree, same_tree_but_the_index

from research_blog.build.freeze import freeze_site
from research_blog.build.prepare import cards_drawn, prepare_freeze
from research_blog.render import pipeline
from research_blog.state import published, state
from research_blog.web import cards
from research_blog.web.reader_views import card_of


def many_posts(folder: Path, count: int = 24) -> Path:
    folder.mkdir()
    for n in range(count):
        series = f"series: Long run\nseries_part: {n // 3 + 1}\n" if n % 3 == 0 else ""
        (folder / f"post-{n:02}.md").write_text(
            f'---\ntitle: "Post {n} on $x_{n}$"\ndate: 2024-01-{n + 1:02}\nsummary: "Summary {n}."\n'
            f"category: Notes\ntags: [t{n % 4}]\n{series}---\n\n"
            f"Words about optimiser{n} and $\\sum_i a_{n}$.\n\n## Part {n}\n\n```python\nvalue_{n} = {n}\n```\n",
            encoding="utf-8")
    return folder


def test_what_workers_make_is_what_the_freeze_would_make_itself(tmp_path):
    blog = many_posts(tmp_path / "blog")
    cache = tmp_path / "cache"
    app = make_app(blog, BLOG_RENDER_CACHE=str(cache))
    with app.app_context():
        loaded = state(app).collection.loaded()
        visible = published()
        wanted = [card_of(visible, post) for post in visible.posts]
        assert len(cards.undrawn(wanted)) == len(wanted)
        prepare_freeze(loaded)  # 24 renders, 24 feed renders and 24 cards: enough to start workers
        cards_drawn()  # the workers draw the cards after the renders, while the freeze goes on
        assert cards.undrawn(wanted) == [], "every card was drawn and kept"
        assert cards.card_png(*wanted[0]) == cards.draw(*wanted[0])
    freeze_site(app, tmp_path / "prepared")
    pipeline.clear_memory_cache()
    freeze_site(make_app(blog), tmp_path / "serial")
    assert same_tree(tmp_path / "prepared", tmp_path / "serial")


def test_the_freeze_command_with_its_workers_writes_what_a_serial_freeze_writes(tmp_path):
    # The whole command in a fresh process: the forked worker, the pool of spawned workers,
    # the cards drawn while the pages are written, and a second freeze after an edit.
    blog = many_posts(tmp_path / "blog", count=30)
    env = {**os.environ, "FLASK_BLOG_CONTENT_DIR": str(blog), "FLASK_BLOG_RENDER_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "flask", "--app", "app", "freeze", "--out", str(tmp_path / "site"),
               "--base-url", SITE_URL + "/"]
    for edit in ("", "\nOne more line.\n"):
        with (blog / "post-07.md").open("a", encoding="utf-8") as post:
            post.write(edit)
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
        freeze_site(make_app(blog), tmp_path / "serial", base_url=SITE_URL + "/", reuse=False)
        # Two processes index the posts each: Pagefind's files differ from run to run in their bytes.
        assert same_tree_but_the_index(tmp_path / "site", tmp_path / "serial")
