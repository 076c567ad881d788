"""The engine and the tests pass ruff (settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from conftest import PROJECT_ROOT


def test_ruff_is_clean():
    targets = ["research_blog", "tests", "app.py", "scripts"]
    result = subprocess.run([sys.executable, "-m", "ruff", "check", *targets], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
