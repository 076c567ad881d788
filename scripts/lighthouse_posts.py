"""Lighthouse's mobile performance score of every shipped post, served and frozen, as medians of runs.

Usage: ``python scripts/lighthouse_posts.py [--runs 3] [--posts ppo,dpo] [--lighthouse PATH]``.

Needs Lighthouse 12 from npm (``npm install lighthouse@12``; pass its
``node_modules/.bin/lighthouse`` if it is not on PATH) and Debian's chromium.
It serves the shipped blog with the dev server's WSGI stack (compression on, as
in production), freezes it into a temporary folder and serves that the way a
static host with precompressed files does (``index.html.br`` for a client that
accepts brotli, like nginx's ``brotli_static``), then runs Lighthouse's default
mobile audit (simulated throttling) on each post, ``--runs`` times, interleaving
served and frozen so both share the machine's noise. It prints each run's score
and the medians, and the metric that cost the most points in the lowest run.
"""

from __future__ import annotations

import argparse
import json
import logging
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from research_blog import create_app  # noqa: E402
from research_blog.build.freeze import freeze_site  # noqa: E402
from research_blog.state import published  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def precompressed_handler(root: Path) -> type[SimpleHTTPRequestHandler]:
    """A static host: ``path.br`` or ``path.gz`` when the client accepts it, else the file; folders give index.html."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            accepted = self.headers.get("Accept-Encoding", "")
            for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
                if encoding in accepted and path.with_name(path.name + suffix).is_file():
                    data = path.with_name(path.name + suffix).read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
                    self.send_header("Content-Encoding", encoding)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    return _Bytes(data)
            return super().send_head()

        def log_message(self, *args):
            pass

    return Handler


class _Bytes:
    """What send_head returns: something copyfile can read and the handler can close."""

    def __init__(self, data: bytes):
        self._data = data

    def read(self, size: int = -1) -> bytes:
        data, self._data = self._data, b""
        return data

    def close(self) -> None:
        pass


def lighthouse(binary: str, url: str, out: Path) -> dict:
    command = [binary, url, "--only-categories=performance", "--output=json", f"--output-path={out}", "--quiet",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    report = json.loads(out.read_text())
    audits = report["audits"]
    metrics = {key: audits[key]["numericValue"] for key in ("first-contentful-paint", "largest-contentful-paint",
                                                              "total-blocking-time", "cumulative-layout-shift",
                                                              "speed-index")}
    return {"score": round(report["categories"]["performance"]["score"] * 100), **metrics}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--posts", default="", help="slugs, comma-separated (default: every post)")
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "lighthouse")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would bury the scores
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        frozen = ThreadingHTTPServer(("127.0.0.1", 0), precompressed_handler(work / "site"))
        frozen_base = f"http://127.0.0.1:{frozen.server_address[1]}"
        app = create_app({"BLOG_CONTENT_DIR": str(ROOT / "pages"), "BLOG_RENDER_CACHE": str(work / "cache"),
                          "BLOG_AUTO_RELOAD": False, "BLOG_SITE_URL": frozen_base + "/"})
        with app.app_context():
            slugs = [post.slug for post in published().posts
                     if not args.posts or post.slug in args.posts.split(",")]
        freeze_site(app, work / "site", frozen_base + "/")
        served = make_server("127.0.0.1", 0, app, threaded=True)
        for server in (served, frozen):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        bases = {"served": f"http://127.0.0.1:{served.server_port}", "frozen": frozen_base}
        for base in bases.values():  # each page rendered and compressed once before it is measured
            for slug in slugs:
                subprocess.run(["curl", "-s", "-o", "/dev/null", "-H", "Accept-Encoding: br", f"{base}/{slug}/"],
                               check=True)
        results: dict[tuple[str, str], list[dict]] = {}
        try:
            for run in range(args.runs):
                for slug in slugs:
                    for mode, base in bases.items():
                        found = lighthouse(args.lighthouse, f"{base}/{slug}/", work / "report.json")
                        results.setdefault((slug, mode), []).append(found)
                        print(f"run {run + 1} {mode:6} {slug:28} {found['score']:3} "
                              f"(FCP {found['first-contentful-paint']:.0f} ms, LCP {found['largest-contentful-paint']:.0f} ms, "
                              f"TBT {found['total-blocking-time']:.0f} ms, CLS {found['cumulative-layout-shift']:.3f})",
                              flush=True)
        finally:
            served.shutdown()
            frozen.shutdown()
    print("\nmedians (each run):")
    for slug in slugs:
        line = []
        for mode in bases:
            scores = [found["score"] for found in results.get((slug, mode), [])]
            if scores:
                line.append(f"{mode} {statistics.median(scores):.0f} ({', '.join(map(str, scores))})")
        print(f"  {slug:28} " + "; ".join(line))


if __name__ == "__main__":
    main()
