"""Every way a process that typeset math can end, it ends with status 0.

The KaTeX engine runs V8 in a thread it owns (research_blog/render/katex.py); these tests
end processes the ways servers really end and read the exit status, several times
each, because a crash at exit is intermittent by nature.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import PROJECT_ROOT

RUNS = 3
MATH_PAGES = ["/ppo/", "/dpo/", "/grpo/", "/feed.xml"]
# The feed is served only where the site's public URL is known (research_blog/urls.py).
SERVER_ENV = {**os.environ, "FLASK_BLOG_SITE_URL": "https://example.org"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early: {process.communicate()[0]}")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


def fetch_all(base: str) -> None:
    for path in MATH_PAGES:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            assert response.status == 200


def stop(process: subprocess.Popen, sig: int) -> str:
    process.send_signal(sig)
    try:
        output, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError(f"still running 60 s after signal {sig}:\n{output}") from None
    return output


def like_a_terminal() -> None:
    """Let SIGINT through, as a terminal's Ctrl+C would.

    A shell without job control (CI, `cmd &`) starts background commands with
    SIGINT ignored, and Python then installs no KeyboardInterrupt handler.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("run", range(5))
def test_a_render_in_a_thread_then_exit(run):
    code = ("import threading\n"
            "from research_blog.render.pipeline import render_markdown\n"
            "workers = [threading.Thread(target=render_markdown, args=(f'$x^{i}$ and $$y_{i}$$',)) for i in range(4)]\n"
            "[w.start() for w in workers]; [w.join() for w in workers]\n"
            "print('rendered')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, "rendered"), result.stderr


@pytest.mark.parametrize("run", range(5))
def test_exit_while_katex_is_still_loading(run):
    # A freeze that renders a post without math starts KaTeX early and may end before it has loaded.
    code = ("from research_blog.render import katex\n"
            "katex.start_early()\n"
            "print('leaving')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, "leaving"), result.stderr


@pytest.mark.parametrize("run", range(RUNS))
def test_flask_run_stopped_with_ctrl_c(run):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)],
                              cwd=PROJECT_ROOT, env=SERVER_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, preexec_fn=like_a_terminal)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base + "/", server)
        fetch_all(base)
    finally:
        output = stop(server, signal.SIGINT)
    assert server.returncode == 0, output
    assert "Traceback" not in output


@pytest.mark.parametrize("run", range(RUNS))
def test_gunicorn_threads_reloaded_with_hup_and_stopped_with_term(run):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--graceful-timeout", "20",
         "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=PROJECT_ROOT, env=SERVER_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base + "/", server)
        fetch_all(base)
        server.send_signal(signal.SIGHUP)  # new workers start, the old ones exit
        time.sleep(2)
        wait_until_serving(base + "/", server)
        fetch_all(base)
    finally:
        output = stop(server, signal.SIGTERM)
    assert server.returncode == 0, output
    for sign_of_a_crash in ("SIGSEGV", "was sent", "exited with code", "Traceback"):
        assert sign_of_a_crash not in output, output
    assert output.count("Worker exiting") >= 4, output
