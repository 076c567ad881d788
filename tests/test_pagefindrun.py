"""Pagefind run into the folder it was run into before: only this index's files come out, checked."""

from __future__ import annotations

import gzip

from research_blog.web import pagefindrun

EXCLUDED = (".skip",)


def _page(title: str, text: str) -> str:
    return (f'<!doctype html><html lang="en"><head><title>{title}</title></head><body data-pagefind-body>'
            f'<h1 data-pagefind-meta="title">{title}</h1><p>{text}</p><p class="skip">hiddenword</p></body></html>')


PAGES = {f"post-{number}": _page(f"Post {number}", f"Words of post {number}, with tapir{number}.") for number in range(6)}


def _fragments(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if name.startswith("fragment/")}


def _on_disk(folder):
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def test_a_kept_folder_gives_the_index_a_fresh_folder_gives(tmp_path):
    fresh = pagefindrun.index_pages(PAGES.items(), EXCLUDED, None)
    kept = tmp_path / "kept"
    first = pagefindrun.index_pages(PAGES.items(), EXCLUDED, kept)
    again = pagefindrun.index_pages(PAGES.items(), EXCLUDED, kept)
    assert _fragments(first) == _fragments(fresh) == _fragments(again)
    assert len(_fragments(first)) == len(PAGES)
    assert {"pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"} <= set(first)
    assert not any(name.startswith(("pagefind-ui", "pagefind-worker", "wasm.unknown")) for name in first)
    assert not any(b"hiddenword" in (pagefindrun._unzipped(data) or b"") for data in _fragments(first).values())


def test_after_an_edit_the_kept_folder_holds_one_index(tmp_path):
    kept = tmp_path / "kept"
    before = pagefindrun.index_pages(PAGES.items(), EXCLUDED, kept)
    edited = {**PAGES, "post-2": _page("Post 2", "Rewritten with okapi words.")}
    del edited["post-5"]
    after = pagefindrun.index_pages(edited.items(), EXCLUDED, kept)
    assert len(_fragments(after)) == len(edited)
    assert set(_fragments(after)) != set(_fragments(before))
    assert {path.name for path in (kept / "pages").iterdir()} == set(edited), "the pages Pagefind reads: these only"
    chunks = {name for name in _on_disk(kept / "bundle") if name.startswith(("fragment/", "index/", "filter/"))
              or name.endswith(".pf_meta")}
    assert chunks == {name for name in after if name.startswith(("fragment/", "index/", "filter/"))
                      or name.endswith(".pf_meta")}, "the earlier index's files are deleted"
    assert any(b"okapi" in pagefindrun._unzipped(data) for data in _fragments(after).values())


def test_a_damaged_kept_file_is_never_served_the_index_is_made_again(tmp_path):
    kept = tmp_path / "kept"
    files = pagefindrun.index_pages(PAGES.items(), EXCLUDED, kept)
    name = next(iter(_fragments(files)))
    damaged = kept / "bundle" / name
    damaged.write_bytes(damaged.read_bytes()[:20])  # a run killed mid-write
    again = pagefindrun.index_pages(PAGES.items(), EXCLUDED, kept)
    assert again[name] == files[name] and gzip.decompress(again[name]).startswith(pagefindrun.SIGNATURE)
    (kept / "bundle" / "pagefind-entry.json").write_text("{not json")
    (kept / "pages" / "post-1" / "index.html").write_text("<html>damaged</html>")
    assert _fragments(pagefindrun.index_pages(PAGES.items(), EXCLUDED, kept)) == _fragments(files)
