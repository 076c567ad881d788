"""Live reload, measured: from saving a post to the open tab repainted, in Debian's chromium.

``python scripts/livereload_latency.py`` runs ``flask run --debug`` over the shipped posts
(11) and over 1,000 generated ones (scripts/corpus.py), opens a post in chromium, then
saves an edit to it several times and times each save until the reloaded page's first
contentful paint (the browser's own clock, performance.timeOrigin + the paint entry, against
the wall-clock time of the save; Playwright's polling for the new text would add its own
~100 ms). Prints the median and the spread per corpus size.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import corpus  # noqa: E402

REPEAT = 9
# Wall-clock milliseconds of the reloaded page's first contentful paint.
PAINTED_AT = """new Promise(done => {
  const paint = () => performance.getEntriesByName("first-contentful-paint")[0];
  const wait = () => paint() ? done(performance.timeOrigin + paint().startTime) : requestAnimationFrame(wait);
  wait();
})"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(pages: Path, cache: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "BLOG_CONTENT_DIR": str(pages), "BLOG_RENDER_CACHE": str(cache)}
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", str(ROOT / "app.py"), "run", "--debug",
                               "--port", str(port)], cwd=pages.parent, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/", timeout=60).read()
            return server, url
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the dev server did not answer")


def measure(pages: Path, slug: str, browser) -> list[float]:
    with tempfile.TemporaryDirectory() as cache:
        server, url = serve(pages, Path(cache))
        try:
            page = browser.new_page()
            page.goto(f"{url}/{slug}/")
            page.wait_for_load_state("networkidle")
            post = pages / f"{slug}.md"
            original = post.read_text(encoding="utf-8")
            times = []
            for number in range(REPEAT):
                marker = f"Saved edit number {number} of the benchmark."
                started = time.time()
                post.write_text(original + f"\n{marker}\n", encoding="utf-8")
                page.wait_for_selector(f"text={marker}", timeout=30_000)
                painted = page.evaluate(PAINTED_AT)
                times.append(painted / 1000 - started)
                page.wait_for_load_state("networkidle")
            post.write_text(original, encoding="utf-8")
            return times
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=30)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        shipped = Path(work, "shipped", "pages")
        shutil.copytree(ROOT / "pages", shipped)
        generated = Path(work, "generated", "pages")
        corpus.write_for_blog(1000, generated)
        slug_of_generated = sorted(generated.glob("*.md"))[500].stem
        for label, pages, slug in [("11 posts", shipped, "ppo"), ("1,000 posts", generated, slug_of_generated)]:
            times = sorted(measure(pages, slug, browser))
            print(f"{label}: median {statistics.median(times) * 1000:.0f} ms "
                  f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}, {len(times)} saves)")
        browser.close()


if __name__ == "__main__":
    main()
