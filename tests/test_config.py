"""create_app: defaults, then FLASK_* environment, then the config mapping."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURE_PAGES, PROJECT_ROOT

from research_blog import create_app


def test_environment_points_the_app_at_other_content(monkeypatch):
    monkeypatch.setenv("FLASK_BLOG_CONTENT_DIR", str(FIXTURE_PAGES))
    monkeypatch.setenv("FLASK_BLOG_SHOW_DRAFTS", "true")
    app = create_app()
    assert app.config["BLOG_SHOW_DRAFTS"] is True
    assert "A draft idea" in app.test_client().get("/").get_data(as_text=True)


def test_config_mapping_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_BLOG_TITLE", "From the environment")
    app = create_app({"BLOG_CONTENT_DIR": str(FIXTURE_PAGES), "BLOG_TITLE": "From the mapping"})
    assert "<h1>From the mapping</h1>" in app.test_client().get("/").get_data(as_text=True)


def test_defaults_serve_the_shipped_pages():
    app = create_app()
    assert app.config["BLOG_CONTENT_DIR"] == str(PROJECT_ROOT / "pages")
    assert app.config["BLOG_URL_PREFIX"] == "" and app.config["BLOG_SHOW_DRAFTS"] is False


def test_freeze_command_from_the_shell_with_an_environment_content_dir(tmp_path):
    env = {"FLASK_BLOG_CONTENT_DIR": str(FIXTURE_PAGES), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "freeze", "--out", str(tmp_path / "out"),
                             "--base-url", "https://example.org/"],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "attention" / "index.html").is_file()


def test_a_process_that_used_katex_exits_promptly():
    code = "from research_blog.render import katex; print(len(katex.render('x^2', True)) > 0)"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "True"
