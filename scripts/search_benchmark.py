"""What the Pagefind search costs at N posts: index size, bytes per query, time to results, build times.

Usage: ``python scripts/search_benchmark.py [N]`` (default 1000), on the corpus of
scripts/corpus.py (the freeze benchmark's posts). It measures, in one run:

* the served blog: from the first request for /search/ (renders cached, as on a
  server that has shown its posts) until the page names a ready index, with the
  index built in the background; and the same with no render cached (cold);
* the index: files and bytes on disk, and the time to index the posts' pages
  (``findindex.build_bundle``), which is what the index adds to a cold freeze;
* ``flask freeze`` after editing one post, median of 3, with the render cache of
  a cold freeze before it (the whole freeze, index included);
* in Debian's chromium, five times in a fresh browser context (nothing cached),
  after one load not counted (the browser's own start): from opening
  ``/search/?q=...`` to the results in the page (the page's own
  ``performance.now()``, navigation start being 0) and from the page's load event
  to the results, and the bytes fetched from
  /pagefind/ for that first query and for a second query typed into the same page,
  as they came over the wire (Pagefind's index files are gzipped already; its
  JavaScript and WebAssembly go out brotli-compressed, searchfiles.py).
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import benchmark  # noqa: E402
import corpus  # noqa: E402

from research_blog import create_app  # noqa: E402
from research_blog.state import generation, published  # noqa: E402
from research_blog.web import findindex, indexkeeper  # noqa: E402

QUERIES = [("softmax", "variance"), ("attention", "entropy"), ("gradient", "posterior"), ("quantisation", "kernel"),
           ("distillation", "reward")]
LOADS = 5
# Records when the results are in: search.js sets data-shown on the form once they are.
RECORD_RESULTS = """
new MutationObserver(() => {
  const form = document.querySelector('.search-form');
  if (form && form.dataset.shown && !window.__resultsAt) { window.__resultsAt = performance.now(); }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-shown']});
"""


def count_response(response, fetched: list[tuple[str, int]]) -> None:
    """Add a /pagefind/ response's size over the wire to ``fetched``."""
    if "/pagefind/" not in response.url:
        return
    from playwright.sync_api import Error
    try:
        # The body's bytes as they came over the wire: brotli where the blog sent brotli.
        fetched.append((response.url, response.request.sizes()["responseBodySize"]))
    except Error:
        # A fragment fetched as the page scrolled, arriving after the counts were taken and the
        # context closed: it belongs to no query measured here.
        pass


def ready_seconds(app) -> float:
    """From the first /search/ request to the page naming a ready index (built in the background)."""
    client = app.test_client()
    started = time.perf_counter()
    while b"data-bundle=" not in client.get("/search/").data:
        time.sleep(0.02)
    return time.perf_counter() - started


def in_chromium(base: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    loads = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        # One load first, not counted: it starts the browser's renderer and network processes,
        # which a reader's running browser has started long before.
        for number, (first, second) in enumerate([("token", "layer"), *QUERIES[:LOADS]]):
            context = browser.new_context()
            context.add_init_script(RECORD_RESULTS)
            page = context.new_page()
            fetched: list[tuple[str, int]] = []
            page.on("response", lambda r, f=fetched: count_response(r, f))
            page.goto(f"{base}/search/?q={first}")
            page.wait_for_function("() => window.__resultsAt !== undefined", timeout=60_000)
            page.wait_for_load_state("networkidle")
            at = page.evaluate("window.__resultsAt")
            loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            first_bytes = sum(size for _, size in fetched)
            fetched.clear()
            page.fill("#search-q", second)
            page.wait_for_function("q => document.querySelector('.search-form').dataset.shown === q", arg=second)
            page.wait_for_load_state("networkidle")
            if number:
                loads.append({"ms": at, "after_load": at - loaded, "first": first_bytes,
                              "next": sum(size for _, size in fetched)})
            context.close()
        browser.close()
    return loads


def main(count: int) -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        blog, cache = work / "posts", work / "cache"
        corpus.write_for_blog(count, blog)
        config = {"BLOG_CONTENT_DIR": str(blog), "BLOG_SITE_URL": "http://127.0.0.1", "BLOG_AUTO_RELOAD": False,
                  "BLOG_RENDER_CACHE": str(cache)}
        cold = ready_seconds(create_app(config))  # renders every post on the way
        app = create_app(config)
        with app.app_context():
            records = findindex.records_of(published().posts)
            started = time.perf_counter()
            bundle = findindex.build_bundle(records.items())  # the indexing itself, nothing kept
            indexing = time.perf_counter() - started
            key = findindex.bundle_key(published().posts)
        # Forget the index the cold run kept (on disk and in memory), not the renders.
        (cache / key[:2] / f"{key}.json.z").unlink()
        findindex._recent.clear()
        warm = ready_seconds(create_app(config))
        size = sum(len(data) for data in bundle.files.values())
        print(f"{count} posts: index {len(bundle.files)} files, {size / 1e6:.2f} MB on disk; "
              f"pagefind indexes them in {indexing:.2f} s")
        print(f"served: index ready {warm:.2f} s after the first /search/ (renders cached), {cold:.1f} s with none cached")

        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with app.app_context():
                indexkeeper.keeper(app).bundle(generation(), wait=True)
            loads = in_chromium(f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
        times = [load["ms"] for load in loads]
        firsts = [load["first"] / 1e3 for load in loads]
        nexts = [load["next"] / 1e3 for load in loads]
        each = ", ".join(f"{ms:.0f}" for ms in times)
        after = [load["after_load"] for load in loads]
        print(f"open /search/?q=... to results: median {statistics.median(times):.0f} ms (each: {each}); "
              f"from the page's load event: median {statistics.median(after):.0f} ms "
              f"(each: {', '.join(f'{ms:.0f}' for ms in after)})")
        print(f"downloaded from /pagefind/, over the wire: first query median {statistics.median(firsts):.0f} KB, "
              f"next query median {statistics.median(nexts):.1f} KB")

        out = work / "site"
        seconds, _ = benchmark.freeze(blog, out, cache, work / "report.json")
        print(f"cold flask freeze (renders cached by the served runs above): {seconds:.1f} s")
        edits = []
        for round_ in range(3):
            benchmark.edit_one_post(blog, round_)
            edits.append(benchmark.freeze(blog, out, cache, work / "report.json")[0])
        print(f"flask freeze after editing one post: median {statistics.median(edits):.2f} s "
              f"({', '.join(f'{s:.2f}' for s in edits)})")


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    main(int(numbers[0]) if numbers else 1000)
