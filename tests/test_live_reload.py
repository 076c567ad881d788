"""Live reload: with --debug a saved file reloads the page; without it nothing of it exists."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ASSETS, FIXTURE_PAGES, make_app
from crawl import client_fetcher, crawl
from flask import Flask

from research_blog import Blog
from research_blog.build.freeze import freeze_site
from research_blog.web import livereload


@pytest.fixture
def debug_app():
    """make_app with DEBUG on; its file watches are released after the test (inotify instances are few)."""
    made = []

    def make(*args, **config):
        made.append(make_app(*args, DEBUG=True, **config))
        return made[-1]

    yield make
    for app in made:
        livereload.stop_watching(app)


def live_reload_rules(app: Flask) -> list[str]:
    return [rule.rule for rule in app.url_map.iter_rules() if "live-reload" in rule.rule]


def events_url(page: str) -> str:
    found = re.search(r'src="[^"]*/js/livereload\.js" data-events="([^"]+)"', page)
    assert found, "no live reload script on the page"
    return found.group(1)


def first_events(client, url: str, count: int, then=None, timeout: float = 10) -> list[str]:
    """The first ``count`` events of the stream at ``url``; ``then()`` runs once the stream is open."""
    got: queue.Queue = queue.Queue()

    def read():
        response = client.get(url, buffered=False)
        for chunk in response.response:
            got.put(chunk.decode() if isinstance(chunk, bytes) else chunk)
        got.put(None)

    threading.Thread(target=read, daemon=True).start()
    events = [got.get(timeout=timeout)]
    if then:
        then()
    while len(events) < count and events[-1] is not None:
        events.append(got.get(timeout=timeout))
    return events


# --- nothing of it without --debug ----------------------------------------------------------
def test_a_production_app_has_no_endpoint_script_or_watcher():
    app = make_app()
    assert live_reload_rules(app) == [] and livereload.EXTENSION_KEY not in app.extensions
    with app.test_client().get(f"/{ASSETS}/js/livereload.js") as script:
        assert script.status_code == 404
    visited, broken = crawl(client_fetcher(app.test_client()), ["/"])
    assert not broken
    fetch = client_fetcher(app.test_client())
    for path in visited:
        body = fetch(path)[2]
        assert b"livereload" not in body and b"live-reload" not in body, path


def test_an_embedded_production_app_has_none_of_it(tmp_path):
    host = Flask("host", root_path=str(tmp_path))
    host.config.update(BLOG_CONTENT_DIR=str(FIXTURE_PAGES), BLOG_URL_PREFIX="/blog", BLOG_RENDER_CACHE=None)
    Blog(host)
    assert live_reload_rules(host) == []
    assert "livereload" not in host.test_client().get("/blog/attention/").get_data(as_text=True)


def test_a_freeze_of_a_debug_app_writes_no_live_reload(tmp_path, debug_app):
    app = debug_app()
    assert live_reload_rules(app)
    freeze_site(app, tmp_path / "site", "https://example.org/")
    assert (tmp_path / "site" / ASSETS / "js" / "theme.js").is_file()
    for path in (tmp_path / "site").rglob("*"):
        assert "live-reload" not in str(path) and path.name != "livereload.js"
        if path.suffix in (".html", ".xml", ".js"):
            assert "live-reload" not in path.read_text(encoding="utf-8"), path


# --- with --debug -------------------------------------------------------------------------
def test_a_debug_page_carries_the_script_and_its_stream_under_the_prefix(pages_copy, debug_app):
    app = debug_app(pages_copy, BLOG_URL_PREFIX="/blog")
    page = app.test_client().get("/blog/attention/").get_data(as_text=True)
    assert events_url(page).startswith("/blog/_live-reload/")


@pytest.mark.parametrize("changed", ["attention.md", "references.bib", "figures/new.svg"])
def test_a_saved_file_sends_reload(pages_copy, changed, debug_app):
    app = debug_app(pages_copy)
    client = app.test_client()
    url = events_url(client.get("/attention/").get_data(as_text=True))
    target = pages_copy / changed
    events = first_events(client, url, 2, then=lambda: (time.sleep(0.3), target.write_text(
        (target.read_text(encoding="utf-8") if target.exists() else "<svg/>") + "\n", encoding="utf-8")))
    assert events == ["retry: 300\n\n", "data: reload\n\n"]


def test_a_page_of_an_earlier_server_is_told_to_reload_at_once(pages_copy, debug_app):
    app = debug_app(pages_copy)
    events = first_events(app.test_client(), "/_live-reload/0123456789ab", 3)
    assert events == ["retry: 300\n\n", "data: reload\n\n", None]


def test_editor_litter_does_not_reload(pages_copy, monkeypatch, debug_app):
    monkeypatch.setattr(livereload, "HEARTBEAT_SECONDS", 1.0)
    app = debug_app(pages_copy)
    client = app.test_client()
    url = events_url(client.get("/attention/").get_data(as_text=True))
    events = first_events(client, url, 2, then=lambda: (time.sleep(0.3), (pages_copy / ".attention.md.swp").write_text("x")))
    assert events[1] == ": still here\n\n"


def test_without_file_watches_a_debug_app_starts_without_live_reload(pages_copy, monkeypatch, caplog):
    def refuse(*args):
        raise OSError(24, "inotify instance limit reached")

    monkeypatch.setattr(livereload, "_observe", refuse)
    app = make_app(pages_copy, DEBUG=True)
    assert live_reload_rules(app) == [] and "livereload" not in app.test_client().get("/attention/").get_data(as_text=True)
    assert "Live reload is off" in caplog.text


# --- the real dev server --------------------------------------------------------------------
def _cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _cpu_share(pids: list[int], seconds: float) -> float:
    before, started = _cpu_seconds(pids), time.monotonic()
    time.sleep(seconds)
    return (_cpu_seconds(pids) - before) / (time.monotonic() - started)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                pass
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_ends_a_debug_server_with_a_tab_listening_and_idle_it_leaves_the_cpu_alone(tmp_path):
    from test_clean_exit import free_port, like_a_terminal, stop, wait_until_serving

    shutil.copytree(FIXTURE_PAGES, tmp_path / "pages")
    shutil.copy(Path(__file__).parent.parent / "app.py", tmp_path / "app.py")
    port = free_port()
    env = {**os.environ, "BLOG_RENDER_CACHE": "null"}
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run", "--debug", "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              preexec_fn=lambda: (os.setpgrp(), like_a_terminal()))
    listening = None
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", server)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/attention/", timeout=30).read().decode()
        listening = urllib.request.urlopen(f"http://127.0.0.1:{port}{events_url(page)}", timeout=30)
        assert listening.readline() == b"retry: 300\n"
        time.sleep(3)  # the reloader's watches are set up
        processes = [server.pid, *_children(server.pid)]
        # The quietest of four windows: other work on the machine (a pip install into the
        # sys.path the reloader watches) comes in bursts, a busy loop would fill every window.
        used = min(_cpu_share(processes, 2.5) for _ in range(4))
        ended_at = time.monotonic()
        # Ctrl+C in a terminal reaches the whole group: the reloader and the server.
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=30)
        took = time.monotonic() - ended_at
    finally:
        if server.poll() is None:
            stop(server, signal.SIGINT)
        if listening is not None:
            listening.close()
    assert used < 0.05, f"an idle `flask run --debug` with a tab listening used {used:.0%} of a core"
    assert server.returncode == 0, output[-2000:]
    assert took < 5 and "Traceback" not in output, output[-2000:]
