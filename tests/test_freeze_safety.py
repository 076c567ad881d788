"""A freeze never loses a file it did not write, and leaves a folder a web server can serve."""

from __future__ import annotations

import errno
import os
import stat
from html import unescape
from pathlib import Path

import pytest
from conftest import FIXTURE_PAGES, make_app

from research_blog.build import outfolder
from research_blog.build.freeze import FreezeError, freeze_site
from research_blog.web.security import CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY


def deploy_folder(out: Path) -> None:
    """What a GitHub Pages checkout holds besides the site: a CNAME, .nojekyll, .git."""
    (out / "CNAME").write_text("blog.example.org\n")
    (out / ".nojekyll").write_text("")
    (out / ".git" / "refs" / "heads").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (out / "notes" / "mine.txt").parent.mkdir()
    (out / "notes" / "mine.txt").write_text("my own file")


def test_files_the_freeze_did_not_write_survive_the_next_one(pages_copy, tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(pages_copy), out)
    deploy_folder(out)
    (pages_copy / "series-part-two.md").unlink()
    freeze_site(make_app(pages_copy), out)
    assert (out / "CNAME").read_text() == "blog.example.org\n" and (out / ".nojekyll").exists()
    assert (out / ".git" / "HEAD").read_text().startswith("ref:") and (out / ".git" / "refs" / "heads").is_dir()
    assert (out / "notes" / "mine.txt").read_text() == "my own file"
    assert not (out / "series-part-two").exists(), "what the last freeze wrote and this one does not is gone"
    assert (out / "attention" / "index.html").is_file()


def test_the_content_folder_inside_the_output_is_refused(tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(), out)
    content = out / "pages"
    content.mkdir()
    (content / "post.md").write_text('---\ntitle: "T"\ndate: 2024-01-01\nsummary: "S"\ncategory: C\n---\n\nBody\n')
    with pytest.raises(FreezeError, match="the content folder .* is or holds it"):
        freeze_site(make_app(content), out)
    assert (content / "post.md").is_file()
    with pytest.raises(FreezeError, match="the content folder"):
        freeze_site(make_app(tmp_path / "site" / "pages"), tmp_path / "site" / "pages" / "out")


def test_a_file_of_yours_that_the_new_build_would_overwrite_stops_the_freeze(tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(), out)
    (out / "attention" / "index.html").unlink()
    freeze_site(make_app(), out)  # ours again: fine
    marker = (out / outfolder.MARKER).read_text().splitlines()
    (out / outfolder.MARKER).write_text("\n".join(line for line in marker if line.split("\t")[0] != "robots.txt") + "\n")
    with pytest.raises(FreezeError, match="robots.txt was not written by the last freeze"):
        freeze_site(make_app(), out)
    assert (out / "robots.txt").is_file()


def test_leftovers_of_a_killed_freeze_are_cleaned_up_or_restored(tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(), out)
    (tmp_path / ".site-build-killed").mkdir()
    (tmp_path / ".site-build-killed" / "index.html").write_text("half")
    out.rename(tmp_path / ".site-old-123")  # killed between the two renames of a swap
    freeze_site(make_app(), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (out / "index.html").is_file()


def test_the_output_folder_has_the_usual_mode(tmp_path):
    previous = os.umask(0o022)
    try:
        freeze_site(make_app(), tmp_path / "site")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "site").stat().st_mode) == 0o755


def test_a_full_disk_is_one_line_and_the_old_build_stays(tmp_path, monkeypatch):
    out = tmp_path / "site"
    freeze_site(make_app(), out)
    before = (out / "index.html").read_bytes()

    def full(_out):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / ".site-build-x"))

    monkeypatch.setattr(outfolder, "new_build_folder", full)
    result = make_app().test_cli_runner().invoke(args=["freeze", "--out", str(out)])
    assert result.exit_code == 1
    assert "Error: could not write the site: No space left on device" in result.output
    assert "Traceback" not in result.output and (out / "index.html").read_bytes() == before


def test_frozen_pages_carry_the_policy_and_a_headers_file(tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(FIXTURE_PAGES), out)
    for page in ("index.html", "attention/index.html", "404.html"):
        html = unescape((out / page).read_text())
        assert f'<meta http-equiv="Content-Security-Policy" content="{META_CONTENT_SECURITY_POLICY}">' in html
    headers = (out / "_headers").read_text()
    assert headers.startswith("/*\n") and f"Content-Security-Policy: {CONTENT_SECURITY_POLICY}" in headers
    assert "X-Content-Type-Options: nosniff" in headers
