"""A second freeze reuses the files of the first that nothing they show has changed."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

from conftest import make_app, write_settled

from research_blog.build import outfolder
from research_blog.build.freeze import freeze_site


def inodes(out: Path) -> dict[str, int]:
    return {path.relative_to(out).as_posix(): path.stat().st_ino
            for path in out.rglob("*") if path.is_file() and path.name != outfolder.MARKER}


def same_tree(one: Path, other: Path) -> bool:
    """Byte for byte the same files (the markers aside: they hold inodes)."""
    names = set(inodes(one))
    if names != set(inodes(other)):
        return False
    return all(filecmp.cmp(one / name, other / name, shallow=False) for name in names)


def same_tree_but_the_index(one: Path, other: Path) -> bool:
    """``same_tree``, but for the search index, which two processes build each (Pagefind's files vary
    in their bytes from run to run): both have one, of the same files, named by their search pages."""
    def without_index(root: Path) -> set[str]:
        return {name for name in inodes(root) if not name.startswith(("pagefind/", "search/index.html"))}

    def index_files(root: Path) -> list[str]:
        version = re.search(r'data-bundle="[^"]*/pagefind/(\w+)/', (root / "search" / "index.html").read_text()).group(1)
        return sorted(re.sub(r"_[0-9a-f]+\.", ".", path.relative_to(root / "pagefind" / version).as_posix())
                      for path in (root / "pagefind" / version).rglob("*") if path.is_file())

    names = without_index(one)
    return (names == without_index(other) and index_files(one) == index_files(other)
            and all(filecmp.cmp(one / name, other / name, shallow=False) for name in names))


def test_an_edit_to_one_body_rebuilds_its_page_the_feed_and_the_search_index_only(pages_copy, tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(pages_copy), out)
    before = inodes(out)
    post = pages_copy / "attention.md"
    write_settled(post, post.read_text(encoding="utf-8") + "\nOne more sentence about heads.\n")
    freeze_site(make_app(pages_copy), out)
    after = inodes(out)
    rebuilt = {name for name in after if after[name] != before.get(name)}
    index_files = {name for name in rebuilt if name.startswith("pagefind/")}
    assert {"attention/index.html", "feed.xml"} <= rebuilt and index_files
    assert not {name for name in before if name.startswith("pagefind/")} & set(after), "the old index is gone"
    # The 404 page, _headers and the search page (it names the index) are always written; everything
    # else was reused, and a file's .br and .gz siblings are compressed again exactly when it was rebuilt.
    changed = {"attention/index.html", "feed.xml", "404.html", "_headers", "search/index.html"}
    siblings = {name + suffix for name in changed - {"_headers"} for suffix in (".br", ".gz")}
    assert rebuilt - changed - index_files == siblings - index_files
    assert "One more sentence about heads." in (out / "attention" / "index.html").read_text(encoding="utf-8")
    # The new index is in a new folder, but its files named after their contents are the old ones, linked:
    # every post's fragment but the edited one's.
    by_name = {name.split("/", 2)[2]: inode for name, inode in before.items() if name.startswith("pagefind/")}
    fragments = {name.split("/", 2)[2]: inode for name, inode in after.items() if "/fragment/" in name}
    kept = {name for name, inode in fragments.items() if by_name.get(name) == inode}
    assert len(kept) == len(fragments) - 1 >= 2
    # The WebAssembly's .br (0.3 s to make) is the last index's, though the new index has a new folder.
    assert by_name["wasm.en.pagefind.br"] == next(inode for name, inode in after.items()
                                                  if name.endswith("/wasm.en.pagefind.br"))
    freeze_site(make_app(pages_copy), tmp_path / "everything", reuse=False)
    assert same_tree(out, tmp_path / "everything"), "reused files are exactly what a full freeze writes"


def test_a_changed_title_rebuilds_every_page(pages_copy, tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(pages_copy), out)
    before = inodes(out)
    post = pages_copy / "attention.md"
    write_settled(post, post.read_text(encoding="utf-8").replace("title: ", "title: Revisited: ", 1))
    freeze_site(make_app(pages_copy), out)
    after = inodes(out)
    pages = [name for name in after if name.endswith(".html")]
    assert pages and all(after[name] != before.get(name) for name in pages), "titles show on listings and neighbours"
    freeze_site(make_app(pages_copy), tmp_path / "everything", reuse=False)
    assert same_tree(out, tmp_path / "everything")


def test_a_setting_or_a_hand_edited_file_is_never_reused(pages_copy, tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(pages_copy), out)
    (out / "index.html").write_text("edited by hand")
    freeze_site(make_app(pages_copy), out)
    assert "edited by hand" not in (out / "index.html").read_text(encoding="utf-8")
    before = inodes(out)
    freeze_site(make_app(pages_copy, BLOG_TAGLINE="A new tagline"), out)
    after = inodes(out)
    assert all(after[name] != before[name] for name in after if name.endswith(".html"))
    assert "A new tagline" in (out / "index.html").read_text(encoding="utf-8")


def test_freeze_all_renders_every_page(pages_copy, tmp_path):
    app = make_app(pages_copy)
    out = tmp_path / "site"
    assert app.test_cli_runner().invoke(args=["freeze", "--out", str(out)]).exit_code == 0
    before = inodes(out)
    assert app.test_cli_runner().invoke(args=["freeze", "--out", str(out), "--all"]).exit_code == 0
    after = inodes(out)
    assert all(after[name] != before[name] for name in after)


def test_reuse_under_a_sub_path_and_after_the_sub_path_changes(pages_copy, tmp_path):
    out = tmp_path / "site"
    freeze_site(make_app(pages_copy), out, base_url="https://example.org/research/")
    before = inodes(out)
    freeze_site(make_app(pages_copy), out, base_url="https://example.org/research/")
    after = inodes(out)
    # The search page names the index's version: always written, like 404.html and _headers (with their siblings).
    always = {"404.html", "_headers", "search/index.html"}
    always |= {name + suffix for name in always - {"_headers"} for suffix in (".br", ".gz")}
    assert {name for name in after if after[name] != before.get(name)} == always, "all else reused"
    freeze_site(make_app(pages_copy), tmp_path / "full", base_url="https://example.org/research/", reuse=False)
    assert same_tree(out, tmp_path / "full")
    # Another sub-path changes every link: nothing may be reused but the search index, which holds
    # no link of the site (search.js gives pagefind.js the blog's root as it starts).
    freeze_site(make_app(pages_copy), out, base_url="https://example.org/notes/")
    moved = inodes(out)
    assert all(moved[name] != after.get(name) for name in moved
               if name.endswith((".html", ".xml", ".json")) and not name.startswith("pagefind/"))
    assert any(moved[name] == after.get(name) for name in moved if name.startswith("pagefind/"))
    assert 'href="/notes/' in (out / "index.html").read_text(encoding="utf-8")
    freeze_site(make_app(pages_copy), tmp_path / "full-notes", base_url="https://example.org/notes/", reuse=False)
    assert same_tree(out, tmp_path / "full-notes")
