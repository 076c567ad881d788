"""Speed and memory of the engine on the shipped posts, measured in one run.

Usage: ``python scripts/benchmark.py [--repeat 30]``; prints a Markdown table that
BENCHMARKS.md keeps. Medians and ratios within one run, because the machines are
shared and absolute times drift between runs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from research_blog import create_app, katex  # noqa: E402
from research_blog.extension import state  # noqa: E402
from research_blog.freeze import freeze_site  # noqa: E402
from research_blog.rendering import render_markdown  # noqa: E402


def median_ms(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    repeat = parser.parse_args().repeat

    started = time.perf_counter()
    katex.render("x", False)
    katex_start_ms = (time.perf_counter() - started) * 1000

    app = create_app({"BLOG_CONTENT_DIR": str(ROOT / "pages")})
    client = app.test_client()
    with app.app_context():
        posts = state(app).collection.loaded().posts

    def cold_render_all():
        render_markdown.cache_clear()
        katex.render.cache_clear()
        for post in posts:
            render_markdown(post.body)

    rows = [
        ("KaTeX engine start (V8 + katex.min.js), once per process", katex_start_ms),
        (f"render all {len(posts)} posts, caches cleared (Markdown + KaTeX)", median_ms(cold_render_all, max(3, repeat // 10))),
        ("render all posts, KaTeX cache warm (Markdown only)",
         median_ms(lambda: (render_markdown.cache_clear(), [render_markdown(p.body) for p in posts]), max(3, repeat // 10))),
    ]
    formulas = client.get("/ppo/").get_data(as_text=True).count('class="katex"')
    rows += [
        ("GET / (listing), warm", median_ms(lambda: client.get("/"), repeat)),
        (f"GET /ppo/ (the longest post, {formulas} formulas), warm", median_ms(lambda: client.get("/ppo/"), repeat)),
        ("GET /feed.xml (full content as MathML), warm", median_ms(lambda: client.get("/feed.xml"), repeat)),
    ]
    app.debug = True  # auto-reload: every request stats the content folder
    rows.append(("GET /ppo/ with --debug auto-reload (stat every file)", median_ms(lambda: client.get("/ppo/"), repeat)))
    app.debug = False
    with tempfile.TemporaryDirectory() as folder:
        rows.append(("freeze the whole site (warm caches)",
                     median_ms(lambda: freeze_site(app, Path(folder) / "site"), 3)))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print("| measurement | median (ms) |\n|---|---:|")
    for name, value in rows:
        print(f"| {name} | {value:.1f} |")
    cold = rows[1][1]
    warm_post = rows[4][1]
    print(f"\nCold render of all posts / one warm post request: {cold / warm_post:.0f}x")
    print(f"Peak resident memory of this process: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
