"""Issue 19, the web layer: settings checked at start, `flask new`, the content folder
a writer owns, tag and series indexes, robots.txt, redirects and one-line errors."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import FIXTURE_PAGES, PROJECT_ROOT, make_app
from flask import Flask

from research_blog import Blog, create_app
from research_blog.build.freeze import freeze_site
from research_blog.content import shipped
from research_blog.content.outputs import outputs_path
from research_blog.content.post import is_public
from research_blog.settings import SettingsError
from research_blog.state import state

# --- item 10: every BLOG_* setting is checked when the app starts ---------------------------------

@pytest.mark.parametrize(("key", "value"), [
    ("BLOG_PAGE_SIZE", 0), ("BLOG_PAGE_SIZE", -3), ("BLOG_PAGE_SIZE", "20"), ("BLOG_PAGE_SIZE", True),
    ("BLOG_MAX_POST_KB", 0), ("BLOG_RELOAD_SECONDS", -1), ("BLOG_RELOAD_SECONDS", float("nan")),
    ("BLOG_PAGE_CACHE_MB", -1), ("BLOG_SHOW_DRAFTS", "yes"), ("BLOG_AUTO_RELOAD", "sometimes"),
    ("BLOG_URL_PREFIX", "blog"), ("BLOG_SITE_URL", "example.org"), ("BLOG_TITLE", ""),
    ("BLOG_TITLE", "Ctl \x01 title"), ("BLOG_AUTHOR", "x" * 201), ("BLOG_LANGUAGE", "English please"),
    ("BLOG_RENDER_CACHE", 3), ("BLOG_CONTENT_DIR", 7),
])
def test_a_bad_setting_stops_the_app_at_start_naming_key_value_and_what_is_expected(key, value):
    with pytest.raises(SettingsError) as raised:
        make_app(**{key: value})
    message = raised.value.format_message()
    assert f"{key} is {value!r}"[:len(key) + 15] in message and ": expected " in message


def test_a_host_apps_bad_setting_is_refused_too():
    host = Flask(__name__)
    host.config.update(BLOG_CONTENT_DIR=str(FIXTURE_PAGES), BLOG_PAGE_SIZE=0)
    with pytest.raises(SettingsError, match="BLOG_PAGE_SIZE is 0: expected a whole number"):
        Blog(host)


def test_a_mistyped_setting_name_is_refused_with_the_right_one():
    with pytest.raises(SettingsError, match="unknown setting BLOG_PAGESIZE .*did you mean BLOG_PAGE_SIZE"):
        make_app(BLOG_PAGESIZE=5)


def test_good_settings_of_every_kind_are_accepted():
    app = make_app(BLOG_PAGE_SIZE=1, BLOG_RELOAD_SECONDS=0, BLOG_AUTO_RELOAD=True, BLOG_URL_PREFIX="/blog",
                   BLOG_PAGE_CACHE_MB=0, BLOG_LANGUAGE="en-GB", BLOG_TAGLINE="", BLOG_SITE_URL="https://example.org/x")
    assert app.test_client().get("/blog/page/2/").status_code == 200


def test_environment_values_are_checked_and_text_stays_text(monkeypatch):
    monkeypatch.setenv("FLASK_BLOG_TITLE", "2024")
    assert make_app().config["BLOG_TITLE"] == "2024"
    monkeypatch.setenv("FLASK_BLOG_PAGE_SIZE", "0")
    with pytest.raises(SettingsError, match="BLOG_PAGE_SIZE is 0"):
        create_app({"BLOG_CONTENT_DIR": str(FIXTURE_PAGES)})


def flask_cli(*args: str, env: dict[str, str], cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", str(PROJECT_ROOT / "app.py"), *args], cwd=cwd,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), **env},
                          capture_output=True, text=True, timeout=120)


def test_a_bad_setting_or_a_missing_content_folder_is_one_line_from_every_command(tmp_path):
    for env, expected in [({"FLASK_BLOG_PAGE_SIZE": "0"}, "Error: BLOG_PAGE_SIZE is 0: expected"),
                          ({"FLASK_BLOG_CONTENT_DIR": str(tmp_path / "nowhere")}, "which is not a folder")]:
        for command in (["check"], ["freeze", "--out", str(tmp_path / "out")], ["new", "A title"]):
            result = flask_cli(*command, env=env)
            assert result.returncode == 1
            assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr


# --- item 22: BLOG_SHOW_DRAFTS=true, as the README writes it ---------------------------------------

def test_the_documented_environment_form_shows_drafts(monkeypatch):
    monkeypatch.setenv("BLOG_SHOW_DRAFTS", "true")
    app = make_app()
    assert app.config["BLOG_SHOW_DRAFTS"] is True
    assert "A draft idea" in app.test_client().get("/").get_data(as_text=True)
    monkeypatch.setenv("FLASK_BLOG_SHOW_DRAFTS", "false")  # Flask's own form wins over the short one
    assert make_app().config["BLOG_SHOW_DRAFTS"] is False


def test_a_host_app_takes_blog_settings_from_the_environment_unless_it_set_them(monkeypatch):
    monkeypatch.setenv("BLOG_SHOW_DRAFTS", "true")
    monkeypatch.setenv("BLOG_TITLE", "From the environment")
    host = Flask(__name__)
    host.config.update(BLOG_CONTENT_DIR=str(FIXTURE_PAGES), BLOG_TITLE="The host's")
    Blog(host)
    assert host.config["BLOG_SHOW_DRAFTS"] is True and host.config["BLOG_TITLE"] == "The host's"


# --- item 23: `flask new` writes a file `check` accepts, or none -----------------------------------

def new(pages: Path, *args: str, input: str | None = None):
    return make_app(pages).test_cli_runner().invoke(args=["new", *args], input=input)


def check_passes(pages: Path) -> None:
    result = make_app(pages).test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output


def test_new_with_a_long_title_writes_a_short_file_name(pages_copy):
    title = "Why " + "very " * 38 + "long"  # 198 characters: within check's limit for titles
    result = new(pages_copy, title, "--summary", "s.", "--category", "c")
    assert result.exit_code == 0, result.output
    [made] = [p for p in pages_copy.glob("why-very-*.md")]
    assert len(made.name) <= 84 and not made.stem.endswith("-")
    assert title in made.read_text(encoding="utf-8")
    check_passes(pages_copy)


def test_new_with_a_300_character_title_writes_nothing_and_names_the_limit(pages_copy):
    title = "Why " + "very " * 59 + "long"
    result = new(pages_copy, title, "--summary", "s.", "--category", "c")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "'title' is 303 characters long; the most is 200" in result.output
    assert not list(pages_copy.glob("why-very-*.md"))


@pytest.mark.parametrize(("args", "said"), [
    (["Bad \udcff title", "--summary", "s", "--category", "c"], "the title is not valid UTF-8 text"),
    (["Fine", "--summary", "bad \udcff", "--category", "c"], "--summary is not valid UTF-8 text"),
    (["Del \x7f here", "--summary", "s", "--category", "c"], "control character U+007F"),
    (["Odd tags", "--tags", "!!!", "--summary", "s", "--category", "c"], "tag '!!!' has no letter or digit"),
    (["Odd series", "--series", "!!!", "--summary", "s", "--category", "c"], "'series' '!!!' has no letter or digit"),
    (["Odd category", "--summary", "s", "--category", "???"], "'category' '???' has no letter or digit"),
    (["Blank summary", "--summary", "   ", "--category", "c"], "--summary is blank"),
    (["Far part", "--series", "Optimisers", "--part", "9", "--summary", "s", "--category", "c"], "has a gap"),
    (["Taken part", "--series", "Optimisers", "--part", "1", "--summary", "s", "--category", "c"], "also claimed"),
    (["Long slug", "--slug", "a" * 300, "--summary", "s", "--category", "c"], "at most 80 characters"),
])
def test_new_writes_nothing_and_says_why_when_check_would_refuse_the_file(pages_copy, args, said):
    before = sorted(pages_copy.rglob("*"))
    result = new(pages_copy, *args)
    assert result.exit_code != 0 and said in result.output, result.output
    assert isinstance(result.exception, SystemExit), "a message, not a crash"
    assert sorted(pages_copy.rglob("*")) == before, "no file left behind"


def test_new_refuses_a_slug_used_in_a_subfolder(pages_copy):
    (pages_copy / "notes" / "deep.md").write_text((pages_copy / "attention.md").read_text())
    result = new(pages_copy, "Deep", "--summary", "s", "--category", "c")
    assert result.exit_code == 1 and "deep.md already exists" in result.output
    assert not (pages_copy / "deep.md").exists()


def test_new_without_a_terminal_names_the_options_and_takes_the_offered_category(pages_copy):
    result = new(pages_copy, "Piped", input="")
    assert result.exit_code == 2 and "Aborted" not in result.output
    assert "pass --summary" in result.output and "--category" in result.output
    assert not (pages_copy / "piped.md").exists()
    result = new(pages_copy, "Piped", "--summary", "Given.", input="")
    assert result.exit_code == 0, result.output
    assert 'category: "Research"' in (pages_copy / "piped.md").read_text(), "the category offered as the default"


def test_new_tells_how_to_show_drafts_in_the_form_that_works(pages_copy):
    result = new(pages_copy, "Shown", "--summary", "s", "--category", "c")
    assert "BLOG_SHOW_DRAFTS=true flask" in result.output


# --- item 25: a new post goes to the writer's folder, never into the installed package -------------

def test_new_refuses_to_write_into_the_installed_package(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "research_blog"
    (package / "pages").mkdir(parents=True)
    (package / "pages" / "hello.md").write_text((FIXTURE_PAGES / "attention.md").read_text())
    monkeypatch.setattr(shipped, "PACKAGE_DIR", package)
    result = new(package / "pages", "Mine", "--summary", "s", "--category", "c")
    assert result.exit_code == 1 and "demo posts installed with the engine" in result.output
    assert "BLOG_CONTENT_DIR" in result.output and "pages/ folder" in result.output
    assert not (package / "pages" / "mine.md").exists()


def test_create_app_takes_the_current_folders_pages_before_the_shipped_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert create_app().config["BLOG_CONTENT_DIR"] == str(shipped.shipped_dir("pages"))
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "mine.md").write_text((FIXTURE_PAGES / "attention.md").read_text())
    assert create_app().config["BLOG_CONTENT_DIR"] == str(tmp_path / "pages")


def test_the_wheel_ships_exactly_the_published_demo_posts_and_their_figures():
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = pyproject["tool"]["setuptools"]["package-data"]
    posts, figures = data["research_blog.pages"], data["research_blog.pages.figures"]
    assert not [name for name in posts + figures if set(name) & set("*?[")], \
        "named one by one: a glob would ship the drafts in the builder's pages/"
    app = make_app(PROJECT_ROOT / "pages")
    with app.app_context():
        loaded = state(app).collection.loaded()
    published = [post for post in loaded.posts if is_public(post, dt.date.today(), show_drafts=False)]
    assert sorted(name for name in posts if name.endswith(".md")) == sorted(post.source.name for post in published)
    recorded = [f"{post.slug}.json" for post in published if outputs_path(post.source).exists()]
    assert [name for name in posts if not name.endswith(".md")] == ["references.bib"]
    assert sorted(data["research_blog.pages._outputs"]) == sorted(recorded), "every post's recorded outputs"
    figures = figures + [f"_outputs/dpo/{name}" for name in data["research_blog.pages.figures._outputs.dpo"]]
    used = {name for post in published for name in re.findall(r"\]\(figures/([\w./-]+)", post.body)}
    assert sorted(figures) == sorted(used), "every figure the posts show, and nothing else"


# --- item 26: tag and series indexes, robots.txt, README routes, relative redirect bodies ----------

def test_tags_and_series_have_index_pages_with_counts(client):
    tags = client.get("/tags/")
    assert tags.status_code == 200
    shown = dict(re.findall(r'href="/tags/([\w-]+)/">[^<]*<span class="term-count">(\d+)', tags.get_data(as_text=True)))
    assert shown == {"adam": "1", "attention": "2", "optimisation": "2", "transformers": "1"}
    series = client.get("/series/").get_data(as_text=True)
    assert 'href="/series/optimisers/">Optimisers</a>' in series and "2 parts" in series
    assert 'href="/series-part-one/"' in series, "where the series starts"


def test_the_indexes_are_linked_from_the_header_and_from_tag_and_series_pages(client):
    for page in ("/", "/attention/", "/tags/attention/", "/series/optimisers/"):
        html = client.get(page).get_data(as_text=True)
        assert 'href="/tags/"' in html and 'href="/series/"' in html, page


def test_a_blog_without_tags_or_series_has_empty_indexes(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "only.md").write_text(
        '---\ntitle: "Only"\ndate: 2024-01-01\nsummary: "s"\ncategory: Notes\n---\n\nBody.\n', encoding="utf-8")
    client = make_app(tmp_path / "pages").test_client()
    assert "No tags yet." in client.get("/tags/").get_data(as_text=True)
    assert "No series yet." in client.get("/series/").get_data(as_text=True)


def test_the_indexes_are_frozen_and_robots_txt_is_written_only_at_the_sites_root(tmp_path):
    said: list[str] = []
    freeze_site(make_app(), tmp_path / "root", progress=said.append)
    for path in ("tags/index.html", "series/index.html", "robots.txt"):
        assert (tmp_path / "root" / path).is_file(), path
    assert not [line for line in said if "robots.txt not written" in line]

    freeze_site(make_app(), tmp_path / "sub", base_url="https://user.github.io/research/", progress=said.append)
    assert (tmp_path / "sub" / "tags" / "index.html").is_file() and not (tmp_path / "sub" / "robots.txt").exists()
    assert any("Sitemap: https://user.github.io/research/sitemap.xml" in line for line in said)

    host = Flask("host_for_robots")
    host.config.update(BLOG_URL_PREFIX="/blog", BLOG_CONTENT_DIR=str(FIXTURE_PAGES), BLOG_SITE_URL="https://example.org",
                       BLOG_RENDER_CACHE=None)
    Blog(host)
    said.clear()
    freeze_site(host, tmp_path / "host", progress=said.append)
    assert (tmp_path / "host" / "blog" / "series" / "index.html").is_file()
    assert not list((tmp_path / "host").rglob("robots.txt"))
    assert any("crawlers read it only at the site's root" in line and "Sitemap: https://example.org/blog/sitemap.xml" in line
               for line in said)


def test_every_file_route_the_readme_names_is_served(client):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(/[\w.-]+\.(?:css|xml|json|txt))`", readme))
    assert "/feed.xml" in named
    for path in named:
        assert client.get(path).status_code == 200, path


def test_the_trailing_slash_redirect_names_no_host_in_its_body_either(client):
    response = client.get("/attention?x=1&y=2", headers={"Host": "evil.example"})
    body = response.get_data(as_text=True)
    assert response.status_code == 308 and response.headers["Location"] == "/attention/?x=1&y=2"
    assert "evil.example" not in body and 'href="/attention/?x=1&amp;y=2"' in body
    assert int(response.headers["Content-Length"]) == len(response.data)
