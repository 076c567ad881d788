"""Hostile and odd content: a clear path:line problem, never a traceback, never unbounded work.

Each test is a fault or an attack that once took the engine down (issue 13):
an alias bomb, control bytes, nesting hundreds deep, links out of the content
folder, files that are folders, files deleted or half-written while serving.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from conftest import make_app

VALID = '---\ntitle: "T"\ndate: 2024-01-01\nsummary: "S"\ncategory: Research\n{extra}---\n\n{body}\n'


def check(pages: Path, **config) -> tuple[int, str]:
    result = make_app(pages, **config).test_cli_runner().invoke(args=["check"])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def served_statuses(pages: Path, paths=("/", "/attention/", "/feed.xml", "/sitemap.xml")) -> list[int]:
    client = make_app(pages).test_client()
    return [client.get(path).status_code for path in paths]


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def test_a_yaml_alias_bomb_is_refused_at_once(pages_copy):
    bomb = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    (pages_copy / "bomb.md").write_text("---\ntitle: x\n" + "\n".join(bomb) + "\n---\n\nBody\n")
    seconds, (code, output) = timed(lambda: check(pages_copy))
    assert code == 1 and "bomb.md:4: front matter is not valid YAML (found the alias *a" in output
    assert seconds < 10 and len(output) < 2000
    assert served_statuses(pages_copy) == [200, 200, 200, 200]


@pytest.mark.parametrize(("byte", "name"), [("\x00", "NUL"), ("\x0c", "form feed"), ("\x1b", "ESC")])
def test_control_bytes_are_a_problem_at_their_line(pages_copy, byte, name):
    (pages_copy / "control.md").write_text(VALID.format(extra=f"series: odd{byte}\nseries_part: 1\n", body="B"))
    code, output = check(pages_copy)
    assert code == 1 and "control.md:6: the file holds the control character" in output, (name, output)
    assert served_statuses(pages_copy) == [200, 200, 200, 200]


def test_folders_broken_links_and_loops_named_md_are_problems(pages_copy, tmp_path):
    (pages_copy / "folder.md").mkdir()
    (pages_copy / "broken.md").symlink_to(tmp_path / "nowhere.md")
    (pages_copy / "loop.md").symlink_to(pages_copy / "loop.md")
    code, output = check(pages_copy)
    assert code == 1
    assert "folder.md: a folder, not a post" in output
    assert "broken.md: a broken symlink" in output and "loop.md: a broken symlink or a symlink loop" in output
    assert served_statuses(pages_copy) == [200, 200, 200, 200]
    result = make_app(pages_copy).test_cli_runner().invoke(args=["freeze", "--out", str(tmp_path / "site")])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_symlinks_out_of_the_content_folder_are_never_served_or_frozen(pages_copy, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the password file")
    (pages_copy / "figures" / "leak.svg").symlink_to(secret)
    (pages_copy / "outside.md").symlink_to(secret)
    post = pages_copy / "attention.md"
    post.write_text(post.read_text() + "\n![Leak](figures/leak.svg)\n")
    client = make_app(pages_copy).test_client()
    response = client.get("/attention/figures/leak.svg")
    assert response.status_code == 404 and b"password" not in response.data
    code, output = check(pages_copy)
    assert code == 1 and "figures/leak.svg is a symlink that leads outside the figures folder" in output
    assert "outside.md: a symlink that leads outside the content folder" in output
    result = make_app(pages_copy).test_cli_runner().invoke(args=["freeze", "--out", str(tmp_path / "site")])
    assert result.exit_code == 1 and not (tmp_path / "site").exists()


def test_a_symlink_that_stays_inside_is_fine(pages_copy):
    (pages_copy / "figures" / "alias.svg").symlink_to(pages_copy / "figures" / "weights.svg")
    with make_app(pages_copy).test_client().get("/attention/figures/alias.svg") as response:
        assert response.status_code == 200


@pytest.mark.parametrize("body", ["\n".join("    " * depth + "- item" for depth in range(300)), "- " * 500 + "x"],
                         ids=["deep-list", "dash-line"])
def test_nesting_hundreds_deep_is_a_problem_and_costs_once(pages_copy, body):
    (pages_copy / "deep.md").write_text(VALID.format(extra="", body=body))
    code, output = check(pages_copy)
    lines = (pages_copy / "deep.md").read_text().splitlines()
    # The line where the nesting passes 100 levels: the 101st item of the list, the dash line itself.
    expected = lines.index("    " * 100 + "- item") + 1 if "\n" in body else lines.index(body) + 1
    assert code == 1 and f"deep.md:{expected}: Markdown nested too deeply to render" in output
    client = make_app(pages_copy).test_client()
    first = client.get("/deep/")
    assert first.status_code == 200 and 'class="render-error"' in first.get_data(as_text=True)
    seconds, again = timed(lambda: client.get("/deep/"))
    assert again.status_code == 200 and seconds < 0.5, "a failed render is cached like any other"
    assert client.get("/feed.xml").status_code == 200


def test_thousands_of_unknown_keys_are_reported_briefly_and_quickly(pages_copy):
    keys = "".join(f"k{number}: 1\n" for number in range(5_000))
    (pages_copy / "keys.md").write_text(VALID.format(extra=keys, body="B"))
    seconds, (code, output) = timed(lambda: check(pages_copy))
    assert code == 1 and seconds < 5
    assert "keys.md:6: unknown front matter key 'k0'" in output
    assert "4990 more unknown front matter keys" in output and output.count("\n") < 20
    (pages_copy / "keys.md").write_text(VALID.format(extra=keys * 4, body="B"))  # 20,000 keys: over the size limit
    seconds, (code, output) = timed(lambda: check(pages_copy))
    assert code == 1 and seconds < 5 and "front matter is over 64 KB" in output


def test_front_matter_over_the_limit_is_refused_unread(pages_copy):
    (pages_copy / "huge.md").write_text(VALID.format(extra="x: '" + "a" * 70_000 + "'\n", body="B"))
    code, output = check(pages_copy)
    assert code == 1 and "huge.md:1: front matter is over 64 KB" in output


def test_a_post_over_the_size_limit_is_a_problem(pages_copy):
    (pages_copy / "long.md").write_text(VALID.format(extra="", body="word " * 2000))
    code, output = check(pages_copy, BLOG_MAX_POST_KB=4)
    assert code == 1 and "long.md: 9 KB, over the 4 KB limit for one post (BLOG_MAX_POST_KB)" in output
    assert make_app(pages_copy, BLOG_MAX_POST_KB=4).test_client().get("/long/").status_code == 404


@pytest.mark.parametrize("tex", ["\\href{https://evil.example}{x}", "\\url{https://evil.example}", "\\htmlClass{x}{y}",
                                 "\\htmlStyle{color:red}{y}", "\\includegraphics{x.png}"])
def test_untrusted_katex_commands_are_check_errors(pages_copy, tex):
    (pages_copy / "trust.md").write_text(VALID.format(extra="", body=f"Math ${tex}$ here."))
    code, output = check(pages_copy)
    command = tex.split("{")[0]
    assert code == 1 and f"trust.md:8: math does not render: {command} is not allowed in math" in output


def test_a_file_deleted_or_half_written_while_serving_never_gives_a_500(pages_copy):
    app = make_app(pages_copy)
    app.debug = True  # auto-reload: the files are looked at on every request
    client = app.test_client()
    assert client.get("/").status_code == 200
    stop = threading.Event()

    def churn():
        extra = pages_copy / "flicker.md"
        while not stop.is_set():
            extra.write_text(VALID.format(extra="", body="Here and gone."))
            extra.unlink()

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        statuses = {client.get(path).status_code for _ in range(50) for path in ("/", "/attention/")}
    finally:
        stop.set()
        worker.join()
    assert statuses == {200}
    post = pages_copy / "attention.md"
    post.write_text("")  # an editor that truncates, then writes
    response = client.get("/attention/")
    assert response.status_code == 200 and "Attention from scratch" in response.get_data(as_text=True)


def test_every_worker_picks_up_a_new_post_within_the_reload_interval(pages_copy):
    workers = [make_app(pages_copy, BLOG_RELOAD_SECONDS=0.2).test_client() for _ in range(2)]
    assert all(w.get("/fresh/").status_code == 404 for w in workers)
    (pages_copy / "fresh.md").write_text(VALID.format(extra="", body="New."))
    time.sleep(0.3)
    assert [w.get("/fresh/").status_code for w in workers] == [200, 200]


def test_with_reload_off_a_worker_keeps_what_it_loaded(pages_copy):
    worker = make_app(pages_copy, BLOG_AUTO_RELOAD=False).test_client()
    assert worker.get("/fresh/").status_code == 404
    (pages_copy / "fresh.md").write_text(VALID.format(extra="", body="New."))
    time.sleep(0.05)
    assert worker.get("/fresh/").status_code == 404


def test_check_output_is_bounded_for_a_huge_bad_value(pages_copy):
    (pages_copy / "wide.md").write_text(VALID.format(extra="draft: [" + ", ".join(["yes"] * 5000) + "]\n", body="B"))
    code, output = check(pages_copy)
    assert code == 1 and "'draft' must be true or false" in output and len(output) < 1000


def test_readable_only_by_root_is_not_our_business_but_a_missing_file_is(pages_copy):
    os.remove(pages_copy / "attention.md")
    assert served_statuses(pages_copy, ("/", "/attention/")) == [200, 404]
