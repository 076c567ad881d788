"""Every post's ``python`` blocks run, in order, in a fresh process, through the engine's executor.

A post with recorded outputs (``pages/_outputs/<slug>.json``) must reproduce them
byte for byte: what a reader sees under a block is what the code prints today.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import PROJECT_ROOT
from post_code import python_blocks, run_blocks

from research_blog.content import outputs

POSTS = sorted((PROJECT_ROOT / "pages").glob("*.md"))


def test_extraction_honours_the_skip_marker():
    source = "```python\na = 1\n```\n\n```{.python .no-run}\nb = undefined\n```\n\n```bash\nls\n```\n"
    blocks = python_blocks(source)
    assert [(b.line, b.runs) for b in blocks] == [(1, True), (5, False)]


def test_a_failing_block_fails(tmp_path):
    post = tmp_path / "bad.md"
    post.write_text("```python\nassert 1 == 2, 'wrong'\n```\n")
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "tests" / "post_code.py"), str(post)],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "bad.md:1: the block raised" in result.stderr
    assert "AssertionError: wrong" in result.stderr


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.stem)
def test_post_code_runs_and_reproduces_its_recorded_outputs(post):
    recorded, figures = run_blocks(post, timeout=180)
    assert len(recorded.blocks) >= 1, "each deep dive carries runnable code"
    path = outputs.outputs_path(post)
    if path.exists():
        assert outputs.to_json(recorded) == path.read_text(encoding="utf-8"), f"re-run: flask --app app execute {post.stem}"
        for name, data in figures.items():
            assert (PROJECT_ROOT / "pages" / "figures" / name).read_bytes() == data, name


def test_the_dpo_toy_quotes_its_recorded_output():
    """The probabilities the prose discusses are printed by the code, not typed by hand."""
    recorded = outputs.read_recorded(outputs.outputs_path(PROJECT_ROOT / "pages" / "dpo.md"))
    assert "pi*     [0.197 0.402 0.036 0.364]" in "".join(block.text for block in recorded.blocks)
    assert "```text\npi_ref" not in (PROJECT_ROOT / "pages" / "dpo.md").read_text()
