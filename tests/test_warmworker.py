"""The worker forked as `check` or `freeze` starts renders what those few posts need, exactly as this process would."""

from __future__ import annotations

import subprocess
import sys

from conftest import PROJECT_ROOT

# Run in a fresh interpreter: the test process has threads (KaTeX's), so it never forks.
RENDERS_IN_THE_WORKER = r"""
from pathlib import Path
from research_blog.render import pipeline, warmworker
from research_blog.render.references import EMPTY

pipeline.start_warm_worker()
assert warmworker.pool() is not None, "no worker was forked"
bodies = [path.read_text(encoding="utf-8").split("\n---\n", 1)[1] for path in sorted(Path("pages").glob("*.md"))[:3]]
keys = [(body, output, EMPTY) for body in bodies for output in ("htmlAndMathml", "mathml")]
pipeline.render_all(keys)
assert not pipeline._local.__dict__.get("markdowns"), "this process rendered them itself"
for body, output, library in keys:
    assert pipeline.render_markdown(body, output) == pipeline._render(body, output), body[:60]
print("same")
"""

NO_FORK_BESIDE_A_THREAD = r"""
import threading
from research_blog.render import pipeline, warmworker

stop = threading.Event()
threading.Thread(target=stop.wait).start()
pipeline.start_warm_worker()
print("forked" if warmworker.pool() else "not forked")
stop.set()
"""


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def test_the_worker_renders_what_this_process_would():
    result = run(RENDERS_IN_THE_WORKER)
    assert (result.returncode, result.stdout.strip()) == (0, "same"), result.stderr


def test_no_fork_while_another_thread_runs():
    result = run(NO_FORK_BESIDE_A_THREAD)
    assert (result.returncode, result.stdout.strip()) == (0, "not forked"), result.stderr


def test_a_command_leaves_no_worker_and_the_collector_as_it_found_them(tmp_path):
    # A host's process (or this one) may run more commands, or serve pages, afterwards.
    code = (
        "import gc\n"
        "from research_blog import create_app\nfrom research_blog.render import warmworker\n"
        "app = create_app({'BLOG_SITE_URL': 'https://example.org', 'BLOG_RENDER_CACHE': None})\n"
        "before = gc.get_threshold()\n"
        "for args in (['check'], ['freeze', '--out', r'" + str(tmp_path / "site") + "']):\n"
        "    result = app.test_cli_runner().invoke(args=args)\n"
        "    assert result.exit_code == 0, result.output\n"
        "    assert warmworker.pool() is None and gc.get_threshold() == before, args\n"
        "print('clean')\n"
    )
    result = run(code)
    assert (result.returncode, result.stdout.strip()) == (0, "clean"), result.stderr
    # A worker's pool left to the interpreter's exit can print "Exception ignored ... Bad file descriptor".
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
