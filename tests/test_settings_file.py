"""blog.toml: readable names, its place among the layers, and errors that name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURE_PAGES

from research_blog import create_app, settings_file
from research_blog.settings_file import SettingsFileError, commented_file


def write_toml(folder: Path, text: str) -> Path:
    path = folder / "blog.toml"
    path.write_text(text, encoding="utf-8")
    return path


def fixture_settings(folder: Path, extra: str = "") -> Path:
    return write_toml(folder, f'content_dir = "{FIXTURE_PAGES}"\nrender_cache = false\n{extra}')


def test_the_file_sets_the_title_under_its_readable_name(tmp_path):
    app = create_app(settings_path=fixture_settings(tmp_path, 'title = "Notes from a file"\npage_size = 3\n'))
    assert app.config["BLOG_TITLE"] == "Notes from a file" and app.config["BLOG_PAGE_SIZE"] == 3
    assert "<h1>Notes from a file</h1>" in app.test_client().get("/").get_data(as_text=True)


def test_blog_toml_in_the_current_folder_is_read_without_being_named(tmp_path, monkeypatch):
    fixture_settings(tmp_path, 'author = "Ada"\n')
    monkeypatch.chdir(tmp_path)
    assert create_app().config["BLOG_AUTHOR"] == "Ada"


def test_order_is_defaults_file_environment_then_the_config_argument(tmp_path, monkeypatch):
    path = fixture_settings(tmp_path, 'title = "file"\nauthor = "file"\ntagline = "file"\n')
    monkeypatch.setenv("FLASK_BLOG_AUTHOR", "environment")
    monkeypatch.setenv("BLOG_TAGLINE", "environment")
    app = create_app({"BLOG_TAGLINE": "argument"}, settings_path=path)
    assert app.config["BLOG_TITLE"] == "file"
    assert app.config["BLOG_AUTHOR"] == "environment"
    assert app.config["BLOG_TAGLINE"] == "argument"
    assert app.config["BLOG_LANGUAGE"] == "en"  # untouched: the default


def test_a_relative_content_dir_is_relative_to_the_file_not_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "blog" / "posts").mkdir(parents=True)
    path = write_toml(tmp_path / "blog", 'content_dir = "posts"\nrender_cache = false\n')
    monkeypatch.chdir(tmp_path)
    assert create_app(settings_path=path).config["BLOG_CONTENT_DIR"] == str(tmp_path / "blog" / "posts")


def test_an_unknown_key_names_the_file_the_key_and_the_close_match(tmp_path):
    path = fixture_settings(tmp_path, 'titel = "x"\n')
    with pytest.raises(SettingsFileError) as error:
        create_app(settings_path=path)
    message = str(error.value)
    assert str(path) in message and "'titel'" in message and "did you mean title?" in message


def test_a_wrong_type_names_the_file_the_key_and_the_expected_type(tmp_path):
    path = fixture_settings(tmp_path, 'page_size = "20"\nshow_drafts = "yes"\n')
    with pytest.raises(SettingsFileError) as error:
        create_app(settings_path=path)
    message = str(error.value)
    assert str(path) in message
    assert "page_size is '20': expected a whole number of posts per page" in message
    assert "show_drafts is 'yes': expected true or false" in message


def test_a_file_that_is_not_toml_is_named_with_the_parser_s_line(tmp_path):
    path = fixture_settings(tmp_path, 'title = "unclosed\n')
    with pytest.raises(SettingsFileError, match=r"blog\.toml: not valid TOML \(.*line 3"):
        create_app(settings_path=path)


def test_a_named_settings_file_that_is_missing_is_an_error(tmp_path):
    with pytest.raises(SettingsFileError, match="no such settings file"):
        create_app(settings_path=tmp_path / "nope.toml")


def test_the_commented_file_parses_and_names_every_setting(tmp_path):
    text = commented_file({"title": "Mine"})
    for key in settings_file.settings.known_keys():
        assert f"{settings_file.readable_name(key)} = " in text, key
    # Every commented-out line is itself a valid setting once uncommented.
    uncommented = "\n".join(line[2:] if line.startswith("# ") and " = " in line else line for line in text.splitlines())
    (tmp_path / "pages").mkdir()
    path = write_toml(tmp_path, uncommented)
    with path.open("rb") as stream:
        assert settings_file.read(stream, path)["BLOG_TITLE"] == "Mine"


def test_menu_links_go_under_the_blog_s_prefix_and_full_urls_stay(tmp_path):
    path = fixture_settings(tmp_path, 'url_prefix = "/blog"\nmenu = [{ label = "Attention", url = "/attention/" }, '
                                      '{ label = "Code", url = "https://example.com/code" }]\n')
    page = create_app(settings_path=path).test_client().get("/blog/").get_data(as_text=True)
    assert '<a href="/blog/attention/">Attention</a>' in page
    assert '<a href="https://example.com/code">Code</a>' in page


def test_a_menu_entry_without_a_url_is_refused(tmp_path):
    path = fixture_settings(tmp_path, 'menu = [{ label = "About" }]\n')
    with pytest.raises(SettingsFileError, match=r"menu is .*: expected a list of links"):
        create_app(settings_path=path)
