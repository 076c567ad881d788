"""How big the search index gets and how fast results come, for a blog of N posts.

Usage: ``python scripts/search_benchmark.py [N] [--distinct]`` (default 1000). It
writes N posts into a temporary folder (the shipped posts cycled, each with a new
title and a paragraph of 60 made-up words no other post uses), builds
/search-index.json (the posts' text) through the app, then opens /search/ in
Debian's chromium and times: the page until it is ready to search; lunr.js building
the index, alone in a fresh page (search.js's own ``build``, with search.js itself
blocked so nothing has warmed V8 up); and, in the page, from setting the query to
the results being in the DOM (search.js answers the input event synchronously).

Cycled posts share most of their words, which gzip loves; ``--distinct`` is the
other extreme: each made-up word is used four times, so every post's 40 body
words are its own and the vocabulary is as large as it can get.
"""

from __future__ import annotations

import gzip
import logging
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from research_blog import create_app  # noqa: E402

SEARCH_JS = ROOT / "static" / "research_blog" / "js" / "search.js"
_BUILD = re.compile(r"^  function build\(payload\) \{\n.*?^  \}$", re.M | re.S)
QUERIES = ["policy", "advantage estimate", "leave-one-out baseline", "rectified flow", "attention mask", "kl", "optim"]
_SERIES_LINES = re.compile(r"^(series|series_part):.*\n", re.M)


def write_posts(folder: Path, count: int, distinct: bool = False) -> None:
    shipped = sorted((ROOT / "pages").glob("*.md"))
    rng = random.Random(11)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for number in range(count):
        source = shipped[number % len(shipped)].read_text(encoding="utf-8")
        text = _SERIES_LINES.sub("", source)
        text = re.sub(r'^title: "?(.*?)"?$', lambda m, n=number: f'title: "{m.group(1)} ({n})"', text, count=1, flags=re.M)
        made_up = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 11))) for _ in range(60)]
        words = " ".join(made_up * (4 if distinct else 1))
        (folder / f"post-{number:04d}.md").write_text(text + f"\n\n{words}.\n", encoding="utf-8")
    (folder / "figures").symlink_to(ROOT / "pages" / "figures")


def build_in_fresh_page(browser, url: str) -> float:
    """Milliseconds lunr.js takes to index /search-index.json, measured inside the page."""
    page = browser.new_page()
    page.route("**/search.js", lambda route: route.abort())
    page.goto(url)
    page.wait_for_function("window.lunr !== undefined")
    build = _BUILD.search(SEARCH_JS.read_text(encoding="utf-8")).group(0)
    index_url = page.locator(".search-form").get_attribute("data-index")
    elapsed = page.evaluate(f"""async url => {{
        {build}
        const payload = await (await fetch(url)).json();
        const started = performance.now();
        build(payload);
        return performance.now() - started;
    }}""", index_url)
    page.close()
    return elapsed


def measure_in_chromium(url: str) -> tuple[float, list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(".search-form[data-state=ready]", timeout=120_000)
        ready = time.perf_counter() - started
        timings = []
        for query in QUERIES * 5:
            timings.append(page.evaluate("""q => {
                const input = document.getElementById('search-q');
                const t = performance.now();
                input.value = q;
                input.dispatchEvent(new Event('input', {bubbles: true}));
                return performance.now() - t;
            }""", query))
        builds = [build_in_fresh_page(browser, url) for _ in range(5)]
        browser.close()
    return ready, builds, timings


def main(count: int, distinct: bool) -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would bury the figures
    with tempfile.TemporaryDirectory() as tmp:
        write_posts(Path(tmp), count, distinct)
        app = create_app({"BLOG_CONTENT_DIR": tmp, "BLOG_SITE_URL": "http://127.0.0.1", "BLOG_AUTO_RELOAD": False})
        started = time.perf_counter()
        body = app.test_client().get("/search-index.json").data
        built = time.perf_counter() - started
        print(f"{count} posts{' (distinct words)' if distinct else ''}: search-index.json in {built:.1f} s (posts rendered on the way), "
              f"{len(body) / 1e6:.2f} MB raw, {len(gzip.compress(body, 6)) / 1e6:.2f} MB gzipped")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            ready, builds, timings = measure_in_chromium(f"http://127.0.0.1:{server.server_port}/search/")
        finally:
            server.shutdown()
    print(f"search page ready (text downloaded and indexed by lunr.js) in {ready * 1000:.0f} ms")
    print(f"lunr.js builds the index in a fresh page: median {statistics.median(builds):.0f} ms, "
          f"max {max(builds):.0f} ms over {len(builds)} pages")
    print(f"query -> results in the DOM: median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms "
          f"over {len(timings)} queries")


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    main(int(numbers[0]) if numbers else 1000, "--distinct" in sys.argv)
