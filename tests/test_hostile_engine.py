"""Issue 19's engine items: what the figure route may serve, one snapshot per freeze, V8 on
CPUs with memory protection keys, an idle dev server, a replaced content folder, and workers
that die with the freeze that started them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, make_app

SECRETS = {
    "draft.md": "---\ntitle: Secret draft\ndate: 2024-01-01\nsummary: s\ncategory: Research\ndraft: true\n---\n\nunpublished\n",
    "references.bib": None,  # the fixture's own
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/refs/heads/main": "0123456789abcdef0123456789abcdef01234567\n",
    ".git/objects/01/23456789abcdef": "git object bytes\n",
    "figures/.hidden/key.txt": "a key kept out of sight\n",
    "figures/.env": "TOKEN=secret\n",
}

# Every spelling of "go up one folder" a client can send, encoded once or not at all.
PARENT = ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "..%2f", "%2e%2e%2f", "..%2F", "%2e%2e%2F"]


@pytest.fixture
def secret_pages(pages_copy: Path) -> Path:
    for name, text in SECRETS.items():
        if text is not None:
            path = pages_copy / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return pages_copy


def _figure_urls() -> list[str]:
    urls = []
    for parent in PARENT:
        separator = "" if parent.lower().endswith("%2f") else "/"
        for target in ("draft.md", "references.bib", ".git/HEAD", ".git/refs/heads/main", ".git/objects/01/23456789abcdef"):
            urls.append(f"/attention/figures/{parent}{separator}{target}")
    urls += ["/attention/figures/.hidden/key.txt", "/attention/figures/.env", "/attention/figures/%2ehidden/key.txt",
             "/attention/figures/./../draft.md", "/attention/figures/weights.svg/../../draft.md"]
    return urls


@pytest.mark.parametrize("url", _figure_urls())
def test_the_figure_route_serves_nothing_but_files_under_figures(secret_pages, url):
    client = make_app(secret_pages).test_client()
    with client.get(url) as response:
        assert response.status_code == 404, url
        for needle in (b"Secret draft", b"@", b"ref: refs", b"0123456789abcdef", b"git object", b"key kept", b"TOKEN"):
            assert needle not in response.data, (url, needle)


def test_a_real_figure_is_still_served(secret_pages):
    with make_app(secret_pages).test_client().get("/attention/figures/weights.svg") as response:
        assert response.status_code == 200 and b"<svg" in response.data


@pytest.mark.parametrize("reference", ["figures/../draft.md", "figures/.git/HEAD", "figures/.env", "figures/.hidden/key.txt"])
def test_a_post_cannot_publish_a_file_beside_figures(secret_pages, tmp_path, reference):
    if reference.startswith("figures/.git"):
        (secret_pages / ".git").rename(secret_pages / "figures" / ".git")
    post = secret_pages / "attention.md"
    post.write_text(post.read_text(encoding="utf-8") + f"\n![leak]({reference})\n", encoding="utf-8")
    app = make_app(secret_pages)
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1 and f"{reference} names a hidden or parent folder" in result.output, result.output
    out = tmp_path / "site"
    result = app.test_cli_runner().invoke(args=["freeze", "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()


def test_a_symlink_in_figures_to_a_draft_beside_it_is_refused(secret_pages):
    (secret_pages / "figures" / "alias.md").symlink_to(secret_pages / "draft.md")
    with make_app(secret_pages).test_client().get("/attention/figures/alias.md") as response:
        assert response.status_code == 404 and b"Secret draft" not in response.data



# --- V8 on CPUs with memory protection keys (item 1) ---------------------------------------
# This machine may lack `pku`; the crash needs it. What the tests force instead is the same
# condition (a thread older than V8 entering it, beside the KaTeX engine's thread, in a blog
# and in a host app that runs JavaScript itself), and they read the flags V8 was started with:
# `--no-memory-protection-keys` is what makes that condition safe where the CPU has keys.
_SPY = """
import threading
from py_mini_racer import _dll
started_with = []
_open = _dll._open_dll
def spy(flags):
    started_with.append(tuple(flags))
    return _open(flags)
_dll._open_dll = spy
"""

_OLDER_THREAD_ENTERS_V8 = _SPY + """
entered = threading.Event(); go = threading.Event(); seen = []
def older():
    go.wait()
    from py_mini_racer import MiniRacer
    {init}
    with MiniRacer() as v8:
        seen.append(v8.eval("6 * 7"))
    entered.set()
thread = threading.Thread(target=older); thread.start()   # older than V8
{before}
from research_blog import create_app
app = create_app({{"BLOG_CONTENT_DIR": {pages!r}, "BLOG_RENDER_CACHE": None, "TESTING": True}})
assert app.test_client().get("/attention/").status_code == 200   # the KaTeX engine's thread owns V8 now
go.set(); thread.join(30)
assert seen == [42], seen
assert started_with and all("--no-memory-protection-keys" in flags for flags in started_with), started_with
print("ok", started_with)
"""


@pytest.mark.parametrize("host", ["blog-first", "host-imports-mini-racer-first"])
def test_a_thread_older_than_v8_can_enter_it_beside_the_katex_engine(host):
    from conftest import FIXTURE_PAGES

    before = "import py_mini_racer" if host == "host-imports-mini-racer-first" else ""
    init = "from research_blog.render import katex; katex.init_v8()" if host == "blog-first" else ""
    code = _OLDER_THREAD_ENTERS_V8.format(pages=str(FIXTURE_PAGES), before=before, init=init)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("ok"), result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "V8 (mini-racer) was started before" not in result.stderr


def test_v8_started_by_someone_else_first_is_reported_with_the_fix():
    from conftest import FIXTURE_PAGES

    code = _SPY + f"""
from py_mini_racer import MiniRacer
MiniRacer().eval("1")   # the host's V8, default flags
from research_blog import create_app
app = create_app({{"BLOG_CONTENT_DIR": {str(FIXTURE_PAGES)!r}, "BLOG_RENDER_CACHE": None}})
app.test_client().get("/attention/")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("V8 (mini-racer) was started before the blog") == 1
    assert "research_blog.render.katex.init_v8()" in result.stderr


# --- the content folder replaced under a running server (item 5) ---------------------------
def _titles(client) -> str:
    return client.get("/").get_data(as_text=True)


def _new_content(pages_copy: Path, beside: str) -> Path:
    """A copy of the content whose first post is retitled "Replaced from scratch", keeping its size and times."""
    fresh = pages_copy.parent / beside
    shutil.copytree(pages_copy, fresh, copy_function=shutil.copy2)
    post = fresh / "attention.md"
    text = post.read_text(encoding="utf-8")
    assert '"Attention from scratch"' in text
    post.write_text(text.replace('"Attention from scratch"', '"Replaced  from scratch"', 1), encoding="utf-8")
    shutil.copystat(pages_copy / "attention.md", post)
    return fresh


@pytest.mark.parametrize("how", ["mv", "rm-and-recreate", "rsync-like-copy-keeping-times"])
@pytest.mark.parametrize("debug", [False, True])
def test_a_replaced_content_folder_is_served_within_the_reload_time(pages_copy, how, debug):
    app = make_app(pages_copy, BLOG_RELOAD_SECONDS=0.2)
    app.debug = debug
    client = app.test_client()
    assert "Replaced" not in _titles(client)
    fresh = _new_content(pages_copy, "pages.new")
    if how == "mv":
        pages_copy.rename(pages_copy.parent / "pages.old")
        fresh.rename(pages_copy)
    elif how == "rm-and-recreate":
        shutil.rmtree(pages_copy)
        assert "<article" in _titles(client) or client.get("/").status_code == 200  # the last posts meanwhile
        shutil.copytree(fresh, pages_copy)
    else:
        # rsync -a into a fresh folder: same names, sizes and times; only the inodes are new.
        shutil.rmtree(pages_copy)
        shutil.copytree(fresh, pages_copy, copy_function=shutil.copy2)
    deadline = time.monotonic() + 3
    while "Replaced" not in _titles(client) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Replaced" in _titles(client)
    # And the new folder is watched: a later edit shows too.
    post = pages_copy / "attention.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Replaced ", "Edited again", 1), encoding="utf-8")
    deadline = time.monotonic() + 3
    while "Edited again" not in _titles(client) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Edited again" in _titles(client)


# --- an idle dev server (item 4) ---------------------------------------------------------
def _cpu_seconds(group: int) -> float:
    """User and system CPU time of every live process in a process group."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == group:  # pgrp, the fifth field of /proc/<pid>/stat
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_an_idle_debug_server_leaves_the_cpu_alone(tmp_path):
    from test_clean_exit import free_port, like_a_terminal, stop, wait_until_serving

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run", "--debug", "--port", str(port)],
                              cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              preexec_fn=lambda: (os.setpgrp(), like_a_terminal()))
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", server)
        time.sleep(3)  # the reloader's watches are set up
        before, started = _cpu_seconds(server.pid), time.monotonic()
        time.sleep(10)
        used = (_cpu_seconds(server.pid) - before) / (time.monotonic() - started)
    finally:
        output = stop(server, signal.SIGINT)
    assert used < 0.05, f"an idle `flask run --debug` used {used:.0%} of a core:\n{output[-2000:]}"
    assert "overflowed" not in output and "Traceback" not in output, output[-2000:]


# --- workers die with the freeze (item 6) --------------------------------------------------
def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[int(entry)] = (int(fields[1]), fields[0])
    return table


def _descendants(pid: int) -> set[int]:
    table, found, frontier = _process_table(), set(), {pid}
    while frontier:
        frontier = {child for child, (parent, _) in table.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    table = _process_table()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def _math_posts(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        body = "\n\n".join(f"Step {k}: $x_{{{number}}}^{{{k}}} + \\frac{{a_{k}}}{{b}}$ and\n\n$$\n\\sum_{{i={k}}}^n i^{{{number}}}\n$$"
                           for k in range(30))
        (folder / f"post-{number}.md").write_text(
            f"---\ntitle: Post {number}\ndate: 2024-01-01\nsummary: S\ncategory: Research\n---\n\n{body}\n", encoding="utf-8")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("workers_seen", [1, 2], ids=["warm-worker", "render-pool"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_workers_die_with_a_killed_freeze(tmp_path, sig, workers_seen):
    _math_posts(tmp_path / "pages", 80)
    env = {**os.environ, "FLASK_BLOG_CONTENT_DIR": str(tmp_path / "pages"), "FLASK_BLOG_RENDER_CACHE": str(tmp_path / "cache")}
    freeze = subprocess.Popen([sys.executable, "-m", "flask", "--app", "research_blog:create_app", "freeze", "--out",
                               str(tmp_path / "site"), "--base-url", "https://example.org/"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    try:
        while len(_alive(seen)) < workers_seen + (workers_seen > 1) and time.monotonic() < deadline:
            # The render pool comes with multiprocessing's resource tracker: a worker count plus one.
            seen |= _descendants(freeze.pid)
            time.sleep(0.02)
        assert freeze.poll() is None and seen, "the freeze ended before its workers could be seen"
    finally:
        freeze.send_signal(sig)
        freeze.wait(30)
    deadline = time.monotonic() + 10
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _alive(seen)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} of {len(seen)} processes outlived the freeze"


# --- one snapshot per freeze (item 3) --------------------------------------------------------
def _plain_posts(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        (folder / f"post-{number:03}.md").write_text(
            f"---\ntitle: Original {number}\ndate: 2024-01-{1 + number % 28:02}\nsummary: S {number}\ncategory: Research\n"
            f"tags: [t{number % 3}]\n---\n\nBody of post {number} with $x^{number}$.\n", encoding="utf-8")


def _edit_during_the_freeze(pages: Path, how: str) -> None:
    for path in sorted(pages.glob("*.md")):
        if how == "retitle":
            path.write_text(path.read_text(encoding="utf-8").replace("title: Original", "title: EDITED"), encoding="utf-8")
        elif how == "break":
            path.write_text(path.read_text(encoding="utf-8") + "\nBroken $\\frac{$ and [a link](../nowhere/).\n",
                            encoding="utf-8")
        elif how == "delete" and int(path.stem[-3:]) % 2:
            path.unlink()


@pytest.mark.parametrize("how", ["retitle", "break", "delete"])
def test_a_freeze_publishes_the_one_snapshot_it_checked(tmp_path, monkeypatch, how):
    from research_blog.build import freeze

    pages = tmp_path / "pages"
    _plain_posts(pages, 60)
    real_freeze_site = freeze.freeze_site
    edited = []

    def freeze_site_editing_midway(app, out, base_url=None, progress=lambda line: None, reuse=True):
        def progress_then_edit(line: str) -> None:
            progress(line)
            if len(edited) == 0 and line.startswith("  /"):
                _edit_during_the_freeze(pages, how)
                edited.append(line)
                time.sleep(0.3)  # the file events are in by the next page
        return real_freeze_site(app, out, base_url, progress_then_edit, reuse)

    monkeypatch.setattr(freeze, "freeze_site", freeze_site_editing_midway)
    app = make_app(pages, BLOG_AUTO_RELOAD=True)
    site = tmp_path / "site"
    result = app.test_cli_runner().invoke(args=["freeze", "--out", str(site)])
    assert edited, "the edit never ran"
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    html = {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8") for path in site.rglob("*.html")}
    html["feed.xml"] = (site / "feed.xml").read_text(encoding="utf-8")
    assert all(f"post-{number:03}/index.html" in html for number in range(60))
    for name, text in html.items():
        assert "EDITED" not in text and "nowhere" not in text and "\\frac{$" not in text, name
    assert html["index.html"].count("Original") == 20  # the first page of the listing, unchanged


def test_a_figure_deleted_during_the_freeze_fails_it_cleanly_and_keeps_the_last_site(pages_copy, tmp_path, monkeypatch):
    from research_blog.build import freeze

    site = tmp_path / "site"
    app = make_app(pages_copy)
    assert app.test_cli_runner().invoke(args=["freeze", "--out", str(site)]).exit_code == 0
    before = sorted(path.relative_to(site) for path in site.rglob("*"))
    real_freeze_site = freeze.freeze_site

    def deleting_the_figure(app, out, base_url=None, progress=lambda line: None, reuse=True):
        def progress_then_delete(line: str) -> None:
            progress(line)
            (pages_copy / "figures" / "weights.svg").unlink(missing_ok=True)
        return real_freeze_site(app, out, base_url, progress_then_delete, reuse=False)

    monkeypatch.setattr(freeze, "freeze_site", deleting_the_figure)
    result = make_app(pages_copy).test_cli_runner().invoke(args=["freeze", "--out", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "moved or deleted during the freeze" in result.output and "freeze again" in result.output
    assert sorted(path.relative_to(site) for path in site.rglob("*")) == before


def test_a_figure_replaced_by_a_copy_keeping_size_and_time_is_never_a_304(pages_copy):
    client = make_app(pages_copy).test_client()
    figure = pages_copy / "figures" / "weights.svg"
    with client.get("/attention/figures/weights.svg") as first:
        assert first.status_code == 200 and first.headers.get("ETag") and "Last-Modified" not in first.headers
    with client.get("/attention/figures/weights.svg", headers={"If-None-Match": first.headers["ETag"]}) as cached:
        assert cached.status_code == 304
    replacement = pages_copy / "replacement.svg"
    text = figure.read_text(encoding="utf-8")
    replacement.write_text(text.replace("<svg", "<svg data-new='1'", 1)[: len(text)], encoding="utf-8")
    shutil.copystat(figure, replacement)
    replacement.replace(figure)  # same size, same mtime, other bytes
    with client.get("/attention/figures/weights.svg", headers={"If-None-Match": first.headers["ETag"]}) as again:
        assert again.status_code == 200 and b"data-new" in again.data


def _inotify_instances() -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:inotify"
        except OSError:  # closed meanwhile
            pass
    return count


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts inotify instances in /proc")
def test_apps_that_are_dropped_give_their_file_watches_back(pages_copy):
    # A user has 128 inotify instances; a host (or a test suite) that makes and drops many apps must not run out.
    import gc

    from research_blog.content import watcher

    gc.collect()
    before = _inotify_instances()
    for _ in range(150):
        app = make_app(pages_copy)
        app.debug = True  # the content watch, and with live reload more
        assert app.test_client().get("/").status_code == 200
    del app
    gc.collect()
    deadline = time.monotonic() + 10
    while _inotify_instances() > before + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert watcher.running_observers() <= 2 and _inotify_instances() <= before + 2
