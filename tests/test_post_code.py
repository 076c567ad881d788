"""Every post's ``python`` blocks run, in order, in a fresh process (see post_code.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import PROJECT_ROOT
from post_code import python_blocks

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
    assert result.returncode != 0 and "bad.md:1" in result.stderr


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.stem)
def test_post_code_runs(post):
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "tests" / "post_code.py"), str(post)],
        capture_output=True, text=True, timeout=180, cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    ran = int(result.stdout.strip().rsplit(":", 1)[1].split()[0])
    assert ran >= 1, "each deep dive carries runnable code"
