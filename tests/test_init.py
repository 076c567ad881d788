"""`research-blog init DIR`: a new blog of one's own that checks, serves, freezes and crawls clean."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from crawl import client_fetcher, crawl, file_fetcher

# The only actions the publish workflow may use: GitHub's own, which exist.
KNOWN_ACTIONS = {"actions/checkout", "actions/setup-python", "actions/cache", "actions/upload-pages-artifact",
                 "actions/deploy-pages"}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def blog(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("init")
    result = run(["-m", "research_blog", "init", "myblog"], where)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "flask --app app run --debug" in result.stdout
    return where / "myblog"


def test_init_writes_a_blog_of_one_s_own(blog):
    for name in ["app.py", "blog.toml", ".gitignore", "requirements.txt", "pages/welcome.md", "pages/about.md",
                 "pages/references.bib",
                 "pages/figures/welcome-diagram.svg", ".github/workflows/publish.yml"]:
        assert (blog / name).is_file(), name
    welcome = (blog / "pages" / "welcome.md").read_text(encoding="utf-8")
    for feature in ["$$", "[@vaswani2017attention]", "figures/welcome-diagram.svg", "```python"]:
        assert feature in welcome, feature
    ignored = (blog / ".gitignore").read_text(encoding="utf-8").split()
    assert "/build/" in ignored and "/.render-cache/" in ignored


def test_the_new_blog_checks_clean(blog):
    result = run(["-m", "flask", "--app", "app", "check"], blog)
    assert result.returncode == 0 and "OK: 1 post and 1 page in" in result.stdout, result.stdout + result.stderr


def test_the_new_blog_serves_the_welcome_post_and_crawls_clean(blog, monkeypatch):
    monkeypatch.chdir(blog)
    app = runpy.run_path(str(blog / "app.py"))["app"]
    page = app.test_client().get("/welcome/").get_data(as_text=True)
    assert "Welcome to your research blog" in page and 'class="katex' in page and "Vaswani" in page
    visited, broken = crawl(client_fetcher(app.test_client()), ["/"])
    assert not broken and "/welcome/" in visited and "/about/" in visited  # the About page, from the menu
    about = app.test_client().get("/about/").get_data(as_text=True)
    assert 'class="katex' in about and "About" not in app.test_client().get("/").get_data(as_text=True).split("<main")[1]


def test_the_new_blog_freezes_under_a_sub_path_and_crawls_clean(blog, tmp_path):
    out = tmp_path / "site"
    result = run(["-m", "flask", "--app", "app", "freeze", "--out", str(out), "--base-url", "https://me.example/blog/"],
                 blog)
    assert result.returncode == 0, result.stdout + result.stderr
    visited, broken = crawl(file_fetcher(out, "/blog/"), ["/blog/"], origin="https://me.example")
    assert not broken, broken
    assert "/blog/welcome/" in visited and "/blog/welcome/figures/welcome-diagram.svg" in visited
    assert "/blog/about/" in visited


def test_a_setting_changed_in_blog_toml_shows_on_the_next_start(blog, monkeypatch):
    monkeypatch.chdir(blog)
    settings = blog / "blog.toml"
    original = settings.read_text(encoding="utf-8")
    try:
        settings.write_text(original.replace('title = "My research notes"', 'title = "Renamed in the file"'))
        app = runpy.run_path(str(blog / "app.py"))["app"]
        assert "<h1>Renamed in the file</h1>" in app.test_client().get("/").get_data(as_text=True)
    finally:
        settings.write_text(original)


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = run(["-m", "research_blog", "init", "mine"], tmp_path)
    assert result.returncode == 1 and "is not empty" in result.stderr
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]


def test_init_fills_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    assert run(["-m", "research_blog", "init", "empty"], tmp_path).returncode == 0
    assert (tmp_path / "empty" / "app.py").is_file()


def test_the_publish_workflow_parses_and_names_only_github_s_own_actions(blog):
    workflow = yaml.safe_load((blog / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as true.
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"]
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    used = {step["uses"].split("@")[0] for step in steps if "uses" in step}
    assert used == KNOWN_ACTIONS
    assert all(step["uses"].split("@")[1].startswith("v") for step in steps if "uses" in step)
    commands = " ".join(step.get("run", "") for step in steps)
    assert "pip install" in commands and "freeze --base-url" in commands and "/pages" in commands
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".render-cache"
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
