"""Jupyter notebooks as posts: front matter in a raw cell, every stored output shown, HTML made safe."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import make_app
from flask import Flask

from research_blog import Blog
from research_blog.build.freeze import freeze_site

NOTEBOOK = Path(__file__).parent / "fixtures" / "notebook"
SLUG = "notebook-post"


@pytest.fixture
def client():
    return make_app(NOTEBOOK).test_client()


@pytest.fixture
def notebook_copy(tmp_path) -> Path:
    target = tmp_path / "pages"
    shutil.copytree(NOTEBOOK, target)
    return target


def _html(client, url: str = f"/{SLUG}/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_stored_output_type_is_shown(client):
    html = _html(client)
    assert "<samp>streamed text</samp>" in html, "stream"
    assert "<samp>2</samp>" in html, "text/plain result"
    assert "<strong>bold</strong> from code" in html, "text/markdown"
    assert 'class="katex-display"' in html and "\\frac{a}{b}" in html, "text/latex typeset by KaTeX"
    assert "<th>loss</th>" in html and "<td>0.25</td>" in html, "text/html table"
    assert "<samp>ValueError: shown on purpose</samp>" in html, "error of a raises-exception cell, ANSI codes gone"
    images = re.findall(r'src="(figures/_notebooks/notebook-post/[0-9a-f]+\.(png|svg))"', html)
    assert {kind for _, kind in images} == {"png", "svg"} and "data:image" not in html
    for src, kind in images:
        with client.get(f"/{SLUG}/{src}") as response:
            assert response.status_code == 200
            assert response.mimetype == {"png": "image/png", "svg": "image/svg+xml"}[kind]


def test_markdown_cells_get_math_crossrefs_and_notes(client):
    html = _html(client)
    assert 'href="#eq:nb">Eq. (1)</a>' in html and 'class="sidenote"' in html
    assert 'class="language-python highlight"' in html, "code highlighted in the notebook's language"


def test_hostile_html_output_is_sanitized(client):
    html = _html(client)
    body = html[html.index("code-output-html"):html.index("shown on purpose")]
    for hostile in ("<script", "alert", "onclick", "onerror", "<style", "style=", "javascript:", "<img"):
        assert hostile not in body, hostile


def test_cell_tags_are_honoured(client):
    html = _html(client)
    assert "secret_setup" not in html, "remove-cell"
    assert "hidden_input_marker" not in html and "output of a hidden input" in html, "remove-input"
    assert "visible code, hidden output" in html and "never on the page" not in html, "remove-output"


def test_a_notebook_is_listed_tagged_and_in_feed_and_sitemap(client):
    assert "A notebook post" in _html(client, "/")
    assert "A notebook post" in _html(client, "/tags/notebooks/")
    assert f"/{SLUG}/" in _html(client, "/feed.xml") and f"/{SLUG}/" in _html(client, "/sitemap.xml")
    assert make_app(NOTEBOOK).test_cli_runner().invoke(args=["check"]).exit_code == 0


def _edit(path: Path, change) -> None:
    notebook = json.loads(path.read_text())
    change(notebook)
    path.write_text(json.dumps(notebook))


def _check(content: Path) -> str:
    result = make_app(content).test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    return result.output


def test_an_error_output_is_a_check_problem_unless_tagged(notebook_copy):
    path = notebook_copy / f"{SLUG}.ipynb"
    _edit(path, lambda nb: nb["cells"][9]["metadata"].update(tags=[]))
    assert (f"{path}: cell 10: the stored output is an error (ValueError: shown on purpose)"
            in _check(notebook_copy))


def test_front_matter_must_be_a_first_raw_cell(notebook_copy):
    path = notebook_copy / f"{SLUG}.ipynb"
    _edit(path, lambda nb: nb["cells"][0].update(cell_type="markdown", attachments={}))
    assert f"{path}: cell 1: the first cell must be a raw cell holding the front matter" in _check(notebook_copy)


def test_front_matter_fields_get_the_same_checks(notebook_copy):
    path = notebook_copy / f"{SLUG}.ipynb"
    _edit(path, lambda nb: nb["cells"][0].update(source="---\ntitle: x\ndate: someday\n---"))
    output = _check(notebook_copy)
    assert str(path) in output and "date" in output and "summary" in output


def test_an_invalid_notebook_is_reported(notebook_copy):
    (notebook_copy / "broken.ipynb").write_text('{"cells": "not a list", "nbformat": 4}')
    assert "broken.ipynb: not a valid Jupyter notebook" in _check(notebook_copy)


def test_oversized_outputs_are_reported(notebook_copy):
    result = make_app(notebook_copy, BLOG_NOTEBOOK_OUTPUT_MB=0.001).test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "KB of stored outputs, over the 1 KB limit (BLOG_NOTEBOOK_OUTPUT_MB)" in result.output


def test_frozen_under_a_sub_path_with_its_images_as_files(tmp_path):
    out = tmp_path / "site"
    result = make_app(NOTEBOOK).test_cli_runner().invoke(
        args=["freeze", "--out", str(out), "--base-url", "https://user.github.io/research"])
    assert result.exit_code == 0, result.output
    html = (out / SLUG / "index.html").read_text()
    for src in re.findall(r'src="(figures/_notebooks/[^"]+)"', html):
        assert (out / SLUG / src).is_file(), src
    assert "<th>loss</th>" in html


def test_embedded_under_a_prefix(tmp_path):
    host = Flask("host_site")
    host.config.update(TESTING=True, BLOG_URL_PREFIX="/blog", BLOG_CONTENT_DIR=str(NOTEBOOK),
                       BLOG_SITE_URL="https://example.org")
    Blog(host)
    html = _html(host.test_client(), f"/blog/{SLUG}/")
    assert "<samp>streamed text</samp>" in html
    freeze_site(host, tmp_path / "frozen")
    assert list((tmp_path / "frozen" / "blog" / SLUG / "figures" / "_notebooks").rglob("*.png"))


def test_execute_on_a_notebook_without_nbclient_says_how_to_install_it(notebook_copy, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_nbclient(name, *args, **kwargs):
        if name.startswith("nbclient"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nbclient)
    before = (notebook_copy / f"{SLUG}.ipynb").read_bytes()
    result = make_app(notebook_copy).test_cli_runner().invoke(args=["execute", SLUG])
    assert result.exit_code == 1
    assert "running a notebook needs nbclient: pip install 'research-blog[notebooks]'" in result.output
    assert (notebook_copy / f"{SLUG}.ipynb").read_bytes() == before


def test_execute_without_names_leaves_notebooks_alone(notebook_copy):
    result = make_app(notebook_copy).test_cli_runner().invoke(args=["execute"])
    assert result.exit_code == 0 and SLUG not in result.output


def _tiny_notebook(path: Path, code: str) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_raw_cell

    notebook = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    notebook.cells = [new_raw_cell('---\ntitle: "Run me"\ndate: 2026-01-07\nsummary: "Runs."\ncategory: Research\n---'),
                      new_code_cell(code)]
    nbformat.write(notebook, path)


def test_execute_runs_a_notebook_and_saves_its_outputs_in_it(tmp_path):
    content = tmp_path / "pages"
    content.mkdir()
    _tiny_notebook(content / "run-me.ipynb", "print(6 * 7)")
    result = make_app(content).test_cli_runner().invoke(args=["execute", "run-me"])
    assert result.exit_code == 0, result.output
    assert "run-me.ipynb: 1 cells ran, outputs saved in the notebook" in result.output
    assert "<samp>42</samp>" in _html(make_app(content).test_client(), "/run-me/")


def test_execute_names_the_notebook_cell_that_raised(tmp_path):
    content = tmp_path / "pages"
    content.mkdir()
    _tiny_notebook(content / "run-me.ipynb", "raise KeyError('missing column')")
    before = (content / "run-me.ipynb").read_bytes()
    result = make_app(content).test_cli_runner().invoke(args=["execute", "run-me"])
    assert result.exit_code == 1 and "run-me.ipynb: cell 2 raised" in result.output and "KeyError" in result.output
    assert (content / "run-me.ipynb").read_bytes() == before, "nothing saved"


def test_the_example_notebook_blog_passes_check_and_shows_its_outputs():
    from conftest import PROJECT_ROOT

    content = PROJECT_ROOT / "examples" / "notebook-blog" / "pages"
    assert make_app(content).test_cli_runner().invoke(args=["check"]).exit_code == 0
    html = _html(make_app(content).test_client(), "/least-squares/")
    assert "<samp>w = 2.116, b = 0.455</samp>" in html and "<th>statistic</th>" in html
    assert re.search(r'src="figures/_notebooks/least-squares/[0-9a-f]+\.svg"', html)


def test_a_notebook_is_indexed_for_search_like_any_post():
    from research_blog.state import published
    from research_blog.web import findindex

    app = make_app(NOTEBOOK)
    with app.app_context():
        records = findindex.records_of(published().posts)
    notebook = next(record for record in records.values() if "A notebook post" in record)
    assert 'data-pagefind-meta="title"' in notebook
