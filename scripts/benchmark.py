"""Speed and memory of the engine against Pelican and against Flask itself, in one run.

Usage::

    python scripts/benchmark.py                     # 100 and 1,000 posts, Pelican too
    python scripts/benchmark.py --write             # ... and update BENCHMARKS.md
    python scripts/benchmark.py --scale 10000       # also a 10,000-post freeze
    python scripts/benchmark.py --posts 30 --repeat 1 --requests 20 --no-pelican   # a smoke run

It writes a deterministic corpus (scripts/corpus.py) for this engine and for
Pelican, then measures, as medians of repeated runs interleaved so that both
sides share the machine's noise:

* a cold freeze (empty render cache) and Pelican building the same posts;
* a freeze again after editing one post (the render cache kept on disk), three
  times a round, each after another edit;
* warm requests for a post, the listing, the feed and a 404, and a post with
  auto-reload on (--debug), each paired with a Flask hello-world route on the
  same app, timed the same way (ratio = hello time / page time);
* the peak memory of the freeze's main process and of its render workers.

Pelican goes into its own virtual environment under the cache folder, not into
the project's dependencies. Freezes run as ``flask freeze`` in a fresh process,
as a user runs them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import corpus  # noqa: E402

PELICAN = "pelican[markdown]>=4.9,<5"
PELICAN_CONF = '''SITENAME = "Bench"
SITEURL = ""
TIMEZONE = "UTC"
PATH = "content"
DEFAULT_PAGINATION = 20
FEED_ALL_ATOM = "feeds/all.atom.xml"
MARKDOWN = {"extension_configs": {"markdown.extensions.codehilite": {"css_class": "highlight"},
                                  "markdown.extensions.extra": {}, "markdown.extensions.meta": {},
                                  "markdown.extensions.toc": {}}, "output_format": "html5"}
'''
# Runs `flask freeze` in this process and reports its own peak memory and its workers'.
FREEZE_RUNNER = '''
import json, resource, sys
from flask.cli import cli
try:
    cli.main(args=sys.argv[2:], prog_name="flask")
except SystemExit as stop:
    code = stop.code
else:
    code = 0
usage = {who: resource.getrusage(kind).ru_maxrss // 1024
         for who, kind in (("main", resource.RUSAGE_SELF), ("workers", resource.RUSAGE_CHILDREN))}
open(sys.argv[1], "w").write(json.dumps({"code": code, **usage}))
'''


def pelican_python(cache: Path) -> Path:
    """A virtual environment with Pelican, made once and kept under ``cache``."""
    env = cache / "pelican-venv"
    python = env / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PELICAN], check=True)
    return python


def timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def freeze(blog: Path, out: Path, cache: Path, report: Path) -> tuple[float, dict]:
    env = {**os.environ, "FLASK_BLOG_CONTENT_DIR": str(blog), "FLASK_BLOG_RENDER_CACHE": str(cache)}
    command = [sys.executable, "-c", FREEZE_RUNNER, str(report), "--app", str(ROOT / "app.py"), "freeze",
               "--out", str(out), "--base-url", "https://bench.example/"]
    seconds = timed(command, env=env, cwd=ROOT)
    usage = json.loads(report.read_text())
    if usage["code"] != 0:
        raise SystemExit(f"the freeze of {blog} failed")
    return seconds, usage


def edit_one_post(blog: Path, round_: int) -> None:
    post = sorted(blog.glob("*.md"))[len(list(blog.glob("*.md"))) // 2]
    post.write_text(post.read_text(encoding="utf-8") + f"\nAn added sentence, edit {round_}.\n", encoding="utf-8")


EDITS_PER_ROUND = 3


def freezes(count: int, work: Path, repeat: int, pelican: Path | None) -> dict:
    """Medians of cold and after-an-edit freezes, and of Pelican's cold build, at ``count`` posts."""
    blog, site = work / f"blog-{count}", work / f"pelican-{count}"
    corpus.write_for_blog(count, blog)
    corpus.write_for_pelican(count, site / "content")
    (site / "pelicanconf.py").write_text(PELICAN_CONF)
    results: dict[str, list] = {"cold": [], "edited": [], "pelican": [], "main_mib": [], "workers_mib": []}
    for round_ in range(repeat):
        if pelican:
            shutil.rmtree(site / "output", ignore_errors=True)
            results["pelican"].append(timed([str(pelican), "-m", "pelican", "content", "-o", "output", "-s",
                                             "pelicanconf.py", "-q"], cwd=site))
        cache, out = work / f"cache-{count}-{round_}", work / f"out-{count}"
        shutil.rmtree(out, ignore_errors=True)
        seconds, usage = freeze(blog, out, cache, work / "usage.json")
        results["cold"].append(seconds)
        results["main_mib"].append(usage["main"])
        results["workers_mib"].append(usage["workers"])
        # A freeze after an edit takes 1-2 s, so a burst of the machine's noise moves it far
        # more than a 15 s build: it is timed several times a round.
        for edit in range(EDITS_PER_ROUND):
            edit_one_post(blog, round_ * EDITS_PER_ROUND + edit)
            results["edited"].append(freeze(blog, out, cache, work / "usage.json")[0])
        shutil.rmtree(cache)
    return {name: statistics.median(values) if values else None for name, values in results.items()}


def requests(count: int, work: Path, samples: int) -> dict:
    """Paired medians: each page against a hello-world route on the same app, timed alike."""
    from research_blog import create_app
    from research_blog.render import pipeline

    blog = work / f"blog-{count}"
    app = create_app({"BLOG_CONTENT_DIR": str(blog), "BLOG_SITE_URL": "https://bench.example",
                      "BLOG_RENDER_CACHE": str(work / "request-cache")})
    app.add_url_rule("/hello", "hello", lambda: "Hello, world!")
    client = app.test_client()
    with app.app_context():
        from research_blog.state import state
        pipeline.render_many(post.body for post in state(app).collection.loaded().posts)
    post = f"/{sorted(blog.glob('*.md'))[count // 2].stem}/"

    def pair(path: str) -> dict:
        client.get(path), client.get("/hello")
        hello, page = [], []
        for _ in range(samples):
            for times, url in ((hello, "/hello"), (page, path)):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
        hello_us, page_us = statistics.median(hello) * 1e6, statistics.median(page) * 1e6
        return {"hello_us": hello_us, "page_us": page_us, "ratio": hello_us / page_us}

    found = {"post": pair(post), "listing": pair("/"), "feed": pair("/feed.xml"), "404": pair("/no-such-post/")}
    app.debug = True  # auto-reload: the content folder is watched for changes on every request
    found["reload"] = pair(post)
    return found


def scale(count: int, work: Path) -> dict:
    """One cold freeze of a large corpus, then one after an edit; the cold one's peak memory."""
    blog, out, cache = work / f"blog-{count}", work / f"out-{count}", work / f"cache-{count}"
    corpus.write_for_blog(count, blog)
    seconds, usage = freeze(blog, out, cache, work / "usage.json")
    edit_one_post(blog, 0)
    edited, _ = freeze(blog, out, cache, work / "usage.json")
    shutil.rmtree(out), shutil.rmtree(cache)
    return {"posts": count, "seconds": seconds, "edited": edited, **usage}


def table(sizes: dict, http: dict, largest: int, big: dict | None) -> str:
    def ratio(ours, theirs):
        return f"{ours / theirs:.2f}x" if ours and theirs else "n/a"

    top = sizes[largest]
    lines = ["| work | this engine | reference | ratio | target | met |", "|---|---:|---:|---:|---:|:---:|"]
    for count, found in sizes.items():
        pelican = found["pelican"]
        lines.append(f"| cold `freeze`, {count:,} posts, vs Pelican | {found['cold']:.1f} s | "
                     f"{pelican:.1f} s | {ratio(found['cold'], pelican)} | ≤ 0.5x | "
                     f"{'yes' if pelican and found['cold'] <= 0.5 * pelican else 'no'} |" if pelican else
                     f"| cold `freeze`, {count:,} posts | {found['cold']:.1f} s | n/a | n/a | ≤ 0.5x Pelican | n/a |")
        lines.append(f"| `freeze` after editing one post, {count:,} posts, vs Pelican cold | {found['edited']:.1f} s | "
                     f"{pelican or 0:.1f} s | {ratio(found['edited'], pelican)} | ≤ 0.1x | "
                     f"{'yes' if pelican and found['edited'] <= 0.1 * pelican else 'no' if pelican else 'n/a'} |")
    lines.append(f"| peak memory of the cold freeze, {largest:,} posts (main process / largest child: a render worker or Pagefind) | "
                 f"{top['main_mib']:.0f} MiB / {top['workers_mib']:.0f} MiB | | | ≤ 150 MiB | "
                 f"{'yes' if top['main_mib'] <= 150 and top['workers_mib'] <= 150 else 'no'} |")
    for name, label, target in (("post", "warm request for a post", 0.9), ("listing", f"warm request for `/` at {largest:,} posts", 0.8),
                                ("reload", f"post request with auto-reload on (`--debug`), {largest:,} files", 0.5),
                                ("feed", "warm request for `/feed.xml`", None), ("404", "a 404", None)):
        found = http[name]
        goal = f"≥ {target}x" if target else "(none)"
        met = ("yes" if found["ratio"] >= target else "no") if target else ""
        lines.append(f"| {label}, vs a Flask hello-world route | {found['page_us']:.0f} µs | {found['hello_us']:.0f} µs | "
                     f"{found['ratio']:.2f}x | {goal} | {met} |")
    if big:
        times = big["posts"] / largest
        # Memory grows no faster than the posts when 10x the posts take at most 10x the memory.
        growth = max(big["main"] / top["main_mib"], big["workers"] / top["workers_mib"])
        lines.append(f"| cold `freeze`, {big['posts']:,} posts (peak memory: main / each worker) | {big['seconds']:.0f} s "
                     f"({big['main']:.0f} MiB / {big['workers']:.0f} MiB) | {largest:,} posts: {top['cold']:.1f} s "
                     f"({top['main_mib']:.0f} MiB / {top['workers_mib']:.0f} MiB) | memory {growth:.2f}x for {times:.0f}x "
                     f"the posts | completes, memory at most linear | {'yes' if growth <= times else 'no'} |")
        lines.append(f"| `freeze` after editing one post, {big['posts']:,} posts | {big['edited']:.1f} s | | | (none) | |")
    return "\n".join(lines)


def write_benchmarks(text: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    current = path.read_text(encoding="utf-8")
    start, end = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
    before, _, rest = current.partition(start)
    _, _, after = rest.partition(end)
    path.write_text(f"{before}{start}\n{text}\n{end}{after}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", default="100,1000", help="corpus sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="freezes per size (medians)")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    parser.add_argument("--scale", type=int, default=0, help="also freeze a corpus this large once")
    parser.add_argument("--no-pelican", action="store_true")
    parser.add_argument("--write", action="store_true", help="put the table into BENCHMARKS.md")
    args = parser.parse_args()
    counts = [int(n) for n in args.posts.split(",")]
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "research-blog" / "bench"
    pelican = None if args.no_pelican else pelican_python(cache_home)
    with tempfile.TemporaryDirectory(prefix="research-blog-bench-") as folder:
        work = Path(folder)
        sizes = {count: freezes(count, work, args.repeat, pelican) for count in counts}
        http = requests(max(counts), work, args.requests)
        big = scale(args.scale, work) if args.scale else None
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}"
    text = f"Run: `python scripts/benchmark.py {' '.join(sys.argv[1:])}` on {machine}.\n\n{table(sizes, http, max(counts), big)}"
    print(text)
    if args.write:
        write_benchmarks(text)


if __name__ == "__main__":
    main()
