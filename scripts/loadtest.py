"""Load test: the shipped site under gunicorn, hammered by wrk from this machine.

Usage: ``python scripts/loadtest.py [--seconds 30] [--connections 32]``
(needs ``wrk``: ``apt-get install wrk``; and gunicorn, from the ``[test]`` extra).

It starts ``gunicorn -w 2 --threads 8`` on a free loopback port, warms every
page once (the first render of a post is the slow one, and is not what a
reader waits on twice), then runs wrk twice: a mix of four posts, the listing
and the feed, and each page alone. Every request goes to 127.0.0.1 and the run
stops by itself. It prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/ppo/", "/grpo/", "/essential-pytorch/", "/hrm/", "/", "/feed.xml"]

ROTATE = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "FLASK_BLOG_SITE_URL": f"http://127.0.0.1:{port}"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
                               "-b", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
                              cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not answer")


def warm(base: str, workers: int) -> None:
    # Each worker has its own render cache: ask often enough that every one has seen every page.
    for _ in range(workers * 8):
        for path in PAGES:
            urllib.request.urlopen(base + path, timeout=30).read()


def run_wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(ROTATE % ", ".join(f'"{p}"' for p in paths))
    try:
        output = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
                                 "--timeout", "10s", "-s", script.name, base], capture_output=True, text=True,
                                timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(script.name)
    return parse_wrk(output)


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict:
    percentiles = {p: _ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.M)}
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "requests": int(re.search(r"(\d+) requests in", output).group(1)), "errors": errors, **percentiles}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, args.workers, args.threads)
    try:
        warm(base, args.workers)
        rows = [("mix: 4 posts, /, /feed.xml", run_wrk(base, PAGES, args.seconds, args.connections))]
        for path in PAGES:
            rows.append((path, run_wrk(base, [path], max(5, args.seconds // 4), args.connections)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    print(f"gunicorn -w {args.workers} --threads {args.threads}, wrk -c {args.connections}; exit status {server.returncode}\n")
    print("| what | requests | errors | req/s | p50 (ms) | p90 (ms) | p99 (ms) |\n|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(f"| {name} | {r['requests']} | {r['errors']} | {r['rps']:.0f} | {r['50']:.1f} | {r['90']:.1f} | {r['99']:.1f} |")


if __name__ == "__main__":
    main()
