"""Issue 19's engine items: what the figure route may serve, one snapshot per freeze, V8 on
CPUs with memory protection keys, an idle dev server, a replaced content folder, and workers
that die with the freeze that started them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_app

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
    init = "from research_blog import katex; katex.init_v8()" if host == "blog-first" else ""
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
    assert "research_blog.katex.init_v8()" in result.stderr
