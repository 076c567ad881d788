"""`flask execute` and recorded outputs: run once by the author, shown served, frozen and embedded."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from conftest import make_app, write_settled
from flask import Flask

from research_blog import Blog
from research_blog.build.freeze import freeze_site
from research_blog.content.codecells import python_blocks
from research_blog.content.reading import count_words

EXECUTABLE = Path(__file__).parent / "fixtures" / "executable"
FIGURE = "_outputs/outputs/block1-1.svg"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """The executable fixture, copied, with `flask execute outputs` run once over it."""
    content = tmp_path_factory.mktemp("executed") / "pages"
    shutil.copytree(EXECUTABLE, content)
    result = make_app(content).test_cli_runner().invoke(args=["execute", "outputs"])
    assert result.exit_code == 0, result.output
    assert "pages/outputs.md: 4 blocks ran, 1 figures" in result.output
    return content


def _copy(recorded: Path, tmp_path: Path) -> Path:
    target = tmp_path / "pages"
    shutil.copytree(recorded, target)
    return target


def test_outputs_are_recorded_beside_the_post_readable_in_a_diff(recorded):
    data = json.loads((recorded / "_outputs" / "outputs.json").read_text())
    first, figure, hidden, long = data["blocks"]
    assert first["lines"] == ["hello from block one", "a warning", ""] and first["figures"] == []
    assert first["code"].startswith("sha256:"), "each block's code digest, for check to name the block"
    assert figure["lines"] == [] and figure["figures"] == [FIGURE]
    assert hidden["lines"] == ["never shown", ""], "recorded, though not shown"
    assert long["lines"][:2] == ["line 0", "line 1"] and len(long["lines"]) == 41
    svg = (recorded / "figures" / FIGURE).read_text()
    assert svg.startswith("<?xml") and "<dc:date>" not in svg


def test_a_second_run_gives_the_same_bytes(recorded, tmp_path):
    again = _copy(recorded, tmp_path)
    assert make_app(again).test_cli_runner().invoke(args=["execute", "outputs"]).exit_code == 0
    for name in ("_outputs/outputs.json", f"figures/{FIGURE}"):
        assert (again / name).read_bytes() == (recorded / name).read_bytes(), name


def _post_html(client, url: str = "/outputs/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_served_post_shows_text_under_its_block_and_the_figure_numbered(recorded):
    html = _post_html(make_app(recorded).test_client())
    code_at, output_at = html.index("&quot;hello from block one&quot;"), html.index('<div class="code-output">')
    assert code_at < output_at, "the output sits under its code"
    assert "hello from block one\na warning</samp>" in html
    assert f'src="figures/{FIGURE}"' in html and 'alt="A straight line rising from 0 to 1"' in html
    assert "Figure 1." in html and "A line the post drew." in html
    assert "plt.plot" not in html and "matplotlib" not in html, ".output-only hides the code"
    assert "never shown</samp>" not in html and "never shown\n" not in html, ".no-output shows no output"
    assert 'href="#fig:line"' in html, "the figure's label comes from the block's attributes"


def test_long_output_is_folded_after_25_lines_without_javascript(recorded):
    html = _post_html(make_app(recorded).test_client())
    assert "line 24</samp></pre><details" in html
    assert "<summary>Show 15 more lines</summary>" in html and "line 39</samp>" in html


def test_recorded_figure_is_served(recorded):
    with make_app(recorded).test_client().get(f"/outputs/figures/{FIGURE}") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_check_passes_then_fails_when_code_changes_until_execute_runs(recorded, tmp_path):
    content = _copy(recorded, tmp_path)
    runner = make_app(content).test_cli_runner()
    assert runner.invoke(args=["check"]).exit_code == 0
    post = content / "outputs.md"
    post.write_text(post.read_text().replace('print("hello from block one")', 'print("hello, edited")'))
    result = make_app(content).test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert f"{post}:10: outputs of `{post}` are stale: run `flask --app app execute outputs`" in result.output
    html = _post_html(make_app(content).test_client())
    assert "code-output" not in html, "stale outputs are never shown"
    assert make_app(content).test_cli_runner().invoke(args=["execute", "outputs"]).exit_code == 0
    assert make_app(content).test_cli_runner().invoke(args=["check"]).exit_code == 0
    assert "hello, edited" in _post_html(make_app(content).test_client())


def test_prose_edits_keep_the_outputs(recorded, tmp_path):
    content = _copy(recorded, tmp_path)
    post = content / "outputs.md"
    post.write_text(post.read_text().replace("The first block prints", "\n\nNew prose. The first block prints"))
    assert make_app(content).test_cli_runner().invoke(args=["check"]).exit_code == 0
    assert "hello from block one" in _post_html(make_app(content).test_client())


def test_a_block_that_raises_names_its_line_and_records_nothing(tmp_path):
    content = tmp_path / "pages"
    shutil.copytree(EXECUTABLE, content)
    result = make_app(content).test_cli_runner().invoke(args=["execute", "broken"])
    assert result.exit_code == 1
    assert f"{content / 'broken.md'}:14: the block raised" in result.output
    assert "ValueError: the toy diverged" in result.output
    assert not (content / "_outputs").exists()


def test_unknown_post_is_a_usage_error(recorded):
    result = make_app(recorded).test_cli_runner().invoke(args=["execute", "nope"])
    assert result.exit_code == 2 and "no post 'nope'" in result.output


def test_frozen_under_a_sub_path_shows_outputs_and_carries_the_figure(recorded, tmp_path):
    out = tmp_path / "site"
    result = make_app(recorded).test_cli_runner().invoke(
        args=["freeze", "--out", str(out), "--base-url", "https://user.github.io/research"])
    assert result.exit_code == 0, result.output
    html = (out / "outputs" / "index.html").read_text()
    assert "hello from block one" in html and f'src="figures/{FIGURE}"' in html
    assert (out / "outputs" / "figures" / FIGURE).read_bytes() == (recorded / "figures" / FIGURE).read_bytes()


def test_embedded_blog_shows_outputs_under_its_prefix(recorded, tmp_path):
    host = Flask("host_site")
    host.config.update(TESTING=True, BLOG_URL_PREFIX="/blog", BLOG_CONTENT_DIR=str(recorded),
                       BLOG_SITE_URL="https://example.org")
    Blog(host)
    client = host.test_client()
    assert "hello from block one" in _post_html(client, "/blog/outputs/")
    with client.get(f"/blog/outputs/figures/{FIGURE}") as response:
        assert response.status_code == 200
    out = tmp_path / "frozen"
    freeze_site(host, out)
    assert (out / "blog" / "outputs" / "figures" / FIGURE).is_file()


def test_reading_time_counts_neither_outputs_nor_output_only_code():
    shown = "Two words.\n\n```python\nprint(1)\n```\n"
    assert count_words(shown + "\n```output\nmany words of output here\n```\n") == count_words(shown)
    hidden = "Two words.\n\n```{.python .output-only}\nplot(x, y, z)\n```\n"
    assert count_words(hidden) == 2


def test_block_attributes_are_parsed():
    source = '```{.python .output-only #fig:a alt="Alt text" caption="A caption."}\nx = 1\n```\n'
    (block,) = python_blocks(source)
    assert block.runs and not block.shows_code and block.shows_output
    assert block.label == "fig:a" and block.attributes == {"alt": "Alt text", "caption": "A caption."}


def _rerecord(content: Path, old: str, new: str) -> None:
    """Stand in for an execute whose code printed something else (the code digest is unchanged)."""
    path = content / "_outputs" / "outputs.json"
    write_settled(path, path.read_text().replace(old, new))


def test_a_running_blog_shows_new_outputs_though_the_post_did_not_change(recorded, tmp_path):
    content = _copy(recorded, tmp_path)
    # The disk render cache is keyed by the body: the outputs must be part of it.
    client = make_app(content, BLOG_RENDER_CACHE=str(tmp_path / "cache"), BLOG_AUTO_RELOAD=True).test_client()
    assert "hello from block one" in _post_html(client)
    _rerecord(content, "hello from block one", "hello from a new run")
    # The running blog learns of the change from a file event, which comes a moment later.
    deadline = time.monotonic() + 10
    while "hello from a new run" not in _post_html(client) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "hello from a new run" in _post_html(client)
    fresh = make_app(content, BLOG_RENDER_CACHE=str(tmp_path / "cache")).test_client()
    assert "hello from a new run\na warning" in _post_html(fresh) and "hello from block one\n" not in _post_html(fresh)


def test_a_second_freeze_rebuilds_a_page_whose_outputs_changed(recorded, tmp_path):
    content, out = _copy(recorded, tmp_path), tmp_path / "site"
    freeze_site(make_app(content), out)
    before = (out / "outputs" / "index.html").stat().st_ino
    _rerecord(content, "hello from block one", "hello from a new run")
    freeze_site(make_app(content), out)
    page = out / "outputs" / "index.html"
    assert page.stat().st_ino != before and "hello from a new run" in page.read_text()


def test_output_text_is_escaped_and_backticks_cannot_end_its_fence(recorded, tmp_path):
    content = _copy(recorded, tmp_path)
    hostile = ["</samp><script>alert(1)</script>", "```", "# not a heading", "$x$ @key"]
    _rerecord(content, '"hello from block one"', json.dumps(hostile)[1:-1])
    html = _post_html(make_app(content).test_client())
    assert "&lt;/samp&gt;&lt;script&gt;alert(1)&lt;/script&gt;\n```\n# not a heading\n$x$ @key\na warning</samp>" in html
    assert "<script>alert" not in html


def test_an_unreadable_outputs_file_is_a_check_problem(recorded, tmp_path):
    content = _copy(recorded, tmp_path)
    write_settled(content / "_outputs" / "outputs.json", "{not json")
    result = make_app(content).test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert (f"{content / '_outputs' / 'outputs.json'}: unreadable recorded outputs" in result.output
            and "run `flask --app app execute outputs` to record it again" in result.output)
    assert "code-output" not in _post_html(make_app(content).test_client())


def test_a_post_over_its_time_is_stopped_and_named(tmp_path):
    content = tmp_path / "pages"
    content.mkdir()
    (content / "slow.md").write_text('---\ntitle: "Slow"\ndate: 2026-01-01\nsummary: "Sleeps."\ncategory: Research\n---\n\n'
                                     "Text.\n\n```python\nimport time\ntime.sleep(30)\n```\n")
    started = time.monotonic()
    result = make_app(content, BLOG_EXECUTE_TIMEOUT=1).test_cli_runner().invoke(args=["execute"])
    assert result.exit_code == 1 and time.monotonic() - started < 20
    assert f"{content / 'slow.md'}: did not finish in 1 s (raise BLOG_EXECUTE_TIMEOUT" in result.output
    assert not (content / "_outputs").exists()


def test_a_post_imports_a_module_beside_it_and_reads_figures(tmp_path):
    content = tmp_path / "pages"
    (content / "figures").mkdir(parents=True)
    (content / "figures" / "data.txt").write_text("41")
    (content / "helper.py").write_text("def answer():\n    return 42\n")
    (content / "uses-helper.md").write_text(
        '---\ntitle: "Helper"\ndate: 2026-01-01\nsummary: "Imports."\ncategory: Research\n---\n\nText.\n\n'
        "```python\nimport helper\nfrom pathlib import Path\n\n"
        "print(helper.answer(), Path('figures/data.txt').read_text())\n```\n")
    result = make_app(content).test_cli_runner().invoke(args=["execute", "uses-helper"])
    assert result.exit_code == 0, result.output
    assert json.loads((content / "_outputs" / "uses-helper.json").read_text())["blocks"][0]["lines"] == ["42 41", ""]


def test_colour_codes_are_stripped_and_long_output_is_bounded(tmp_path):
    content = tmp_path / "pages"
    content.mkdir()
    (content / "loud.md").write_text(
        '---\ntitle: "Loud"\ndate: 2026-01-01\nsummary: "Prints a lot."\ncategory: Research\n---\n\nText.\n\n'
        "```python\nprint('\\x1b[31mred\\x1b[0m text')\nprint('x' * 30_000)\n```\n")
    assert make_app(content).test_cli_runner().invoke(args=["execute", "loud"]).exit_code == 0
    lines = json.loads((content / "_outputs" / "loud.json").read_text())["blocks"][0]["lines"]
    assert lines[0] == "red text"
    assert len("\n".join(lines)) < 20_100 and "more characters not recorded]" in lines[-2]
