"""The benchmark script runs end to end on a tiny corpus (its numbers are not checked here)."""

from __future__ import annotations

import subprocess
import sys

from conftest import PROJECT_ROOT


def test_the_benchmark_runs_on_a_small_corpus(tmp_path):
    result = subprocess.run(
        [sys.executable, "scripts/benchmark.py", "--posts", "45", "--repeat", "1", "--requests", "10", "--no-pelican",
         "--scale", "90"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    for row in ("| cold `freeze`, 45 posts |", "| `freeze` after editing one post, 45 posts", "| peak memory of the cold freeze",
                "| warm request for a post, vs a Flask hello-world route |", "| post request with auto-reload on",
                "| cold `freeze`, 90 posts (peak memory", "| `freeze` after editing one post, 90 posts |"):
        assert row in result.stdout, result.stdout
    assert not (tmp_path / ".cache" / "research-blog" / "renders").exists(), "renders went to the benchmark's own folders"
