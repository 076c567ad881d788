"""Anyone's blog, not only ours: the smallest blogs freeze, tags come as people write
them, and one broken file never takes the rest of a production site down."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import make_app, write_settled
from crawl import crawl, file_fetcher

from research_blog.build.freeze import FreezeError, freeze_site

SITE = "https://example.org"


def write_post(folder: Path, slug: str, front: str = "", body: str = "Hello, world.", date: str = "2024-05-01") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(f'---\ntitle: "Post {slug}"\ndate: {date}\nsummary: "About {slug}."\ncategory: Notes\n{front}---\n\n{body}\n',
                    encoding="utf-8")
    return path


def every_file(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def frozen_and_crawled(content: Path, out: Path, **config) -> set[str]:
    freeze_site(make_app(content, BLOG_SITE_URL=SITE, **config), out)
    visited, broken = crawl(file_fetcher(out), ["/", "/404.html"])
    assert not broken
    return visited


def test_one_post_with_no_tags_series_or_figures_freezes(tmp_path):
    visited = frozen_and_crawled(write_post(tmp_path / "pages", "first").parent, tmp_path / "site")
    assert "/first/" in visited and "/category/notes/" in visited


def test_a_folder_with_only_drafts_and_future_posts_freezes_an_empty_listing(tmp_path):
    pages = tmp_path / "pages"
    write_post(pages, "idea", front="draft: true\n")
    write_post(pages, "later", date="2999-01-01")
    frozen_and_crawled(pages, tmp_path / "site")
    assert "No posts yet." in (tmp_path / "site" / "index.html").read_text()
    assert not (tmp_path / "site" / "idea").exists() and not (tmp_path / "site" / "later").exists()


def test_nested_folders_with_a_figure_freeze(tmp_path):
    pages = tmp_path / "pages"
    write_post(pages / "2024" / "spring", "deep", body="![A box](figures/box.svg)")
    (pages / "figures").mkdir()
    (pages / "figures" / "box.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    visited = frozen_and_crawled(pages, tmp_path / "site")
    assert "/deep/figures/box.svg" in visited


def test_no_frozen_file_ever_names_localhost(tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(BLOG_SITE_URL=SITE), out)
    leaking = [name for name, data in every_file(out).items() if b"localhost" in data]
    assert leaking == []


def test_a_freeze_without_a_site_url_refuses_in_one_line(tmp_path):
    app = make_app(BLOG_SITE_URL=None)
    result = app.test_cli_runner().invoke(args=["freeze", "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "Error: no site URL" in result.output and "--base-url https://" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


def test_other_missing_url_generators_still_fail_the_freeze(tmp_path):
    app = make_app(BLOG_SITE_URL=SITE)
    app.add_url_rule("/things/<name>/", "things", lambda name: name)
    with pytest.raises(Warning, match="things"):
        freeze_site(app, tmp_path / "site")
    with pytest.raises(FreezeError):
        freeze_site(make_app(BLOG_SITE_URL=None), tmp_path / "other")


def test_tags_as_people_write_them(tmp_path):
    pages = tmp_path / "pages"
    write_post(pages, "one", front="tags: [Reinforcement Learning, PPO]\n")
    write_post(pages, "two", front="tags: reinforcement learning, C++, 强化学习\n")
    write_post(pages, "three", front="tags: [PPO, C#, 2024]\n")
    client = make_app(pages).test_client()
    rl = client.get("/tags/reinforcement-learning/").get_data(as_text=True)
    assert "Post one" in rl and "Post two" in rl, "two spellings with one slug are one tag"
    assert "Reinforcement Learning" in rl
    assert "Post one" in client.get("/tags/ppo/").get_data(as_text=True)
    assert "Post two" in client.get("/tags/c-plus-plus/").get_data(as_text=True)
    assert "Post three" in client.get("/tags/c-sharp/").get_data(as_text=True)
    assert "Post three" in client.get("/tags/2024/").get_data(as_text=True)
    assert client.get("/tags/强化学习/").status_code == 200
    post = client.get("/one/").get_data(as_text=True)
    assert 'href="/tags/reinforcement-learning/">Reinforcement Learning</a>' in post
    frozen_and_crawled(pages, tmp_path / "site")
    assert (tmp_path / "site" / "tags" / "强化学习" / "index.html").is_file()


def production_app(pages: Path):
    app = make_app(pages, BLOG_AUTO_RELOAD=True)
    assert not app.debug
    return app


def test_one_bad_file_keeps_the_rest_of_a_production_site_online(pages_copy, caplog):
    write_settled(pages_copy / "broken.md", "---\ntitle: [unclosed\n---\n\nBody\n")
    client = production_app(pages_copy).test_client()
    with caplog.at_level(logging.ERROR):
        listing = client.get("/")
        client.get("/attention/")
        client.get("/feed.xml")
    assert listing.status_code == 200 and "Attention from scratch" in listing.get_data(as_text=True)
    assert client.get("/attention/").status_code == 200
    assert client.get("/broken/").status_code == 404, "a never-valid post is simply absent"
    logged = [r for r in caplog.records if "broken.md:2" in r.getMessage()]
    assert len(logged) == 1, "the problem is logged once"


def test_a_post_broken_by_an_edit_serves_its_last_good_version(pages_copy):
    client = production_app(pages_copy).test_client()
    assert "Attention from scratch" in client.get("/attention/").get_data(as_text=True)
    post = pages_copy / "attention.md"
    write_settled(post, post.read_text().replace("date: 2024-03-10", "date: 2024-02-30"))
    response = client.get("/attention/")
    assert response.status_code == 200 and "Attention from scratch" in response.get_data(as_text=True)
    post.write_text("")  # an editor's half-written save
    assert client.get("/attention/").status_code == 200
    assert make_app(pages_copy).test_cli_runner().invoke(args=["check"]).exit_code == 1, "check still refuses"


def test_the_dev_server_shows_a_banner_for_a_posts_math_figure_and_link_problems(tmp_path):
    pages = tmp_path / "pages"
    write_post(pages, "rough", body="Bad $\\frac{1}{$ math.\n\n![x](figures/gone.svg)\n\nSee [it](../nowhere/).")
    app = make_app(pages)
    app.debug = True
    html = app.test_client().get("/rough/").get_data(as_text=True)
    assert 'class="post-problems" role="alert"' in html and "This post has 3 problems" in html
    assert "math does not render" in html and "figure not found" in html and "../nowhere/" in html
    app.debug = False
    assert "post-problems" not in app.test_client().get("/rough/").get_data(as_text=True), "readers never see it"
