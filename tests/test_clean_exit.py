"""Every way a process that typeset math can end, it ends with status 0.

The KaTeX engine runs V8 in a thread it owns (research_blog/katex.py); these tests
end processes the ways servers really end and read the exit status, several times
each, because a crash at exit is intermittent by nature.
"""

from __future__ import annotations

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
    output, _ = process.communicate(timeout=60)
    return output


@pytest.mark.parametrize("run", range(5))
def test_a_render_in_a_thread_then_exit(run):
    code = ("import threading\n"
            "from research_blog.rendering import render_markdown\n"
            "workers = [threading.Thread(target=render_markdown, args=(f'$x^{i}$ and $$y_{i}$$',)) for i in range(4)]\n"
            "[w.start() for w in workers]; [w.join() for w in workers]\n"
            "print('rendered')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, "rendered"), result.stderr


@pytest.mark.parametrize("run", range(RUNS))
def test_flask_run_stopped_with_ctrl_c(run):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)],
                              cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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
