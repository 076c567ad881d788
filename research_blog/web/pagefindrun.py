"""One run of the ``pagefind`` binary: pages in, the index's files out, with the last run's files reused.

Pagefind names each file of an index after its contents, and does not write a
file its output folder already has: it gzips and writes only what changed. Run
into an empty folder, indexing the benchmark's 1,000 posts took 2.3 s; run into
the folder of the index before an edit, 1.4 s (BENCHMARKS.md). So a blog with a
render cache keeps a folder there (``pagefind-output``) with the pages Pagefind
reads, rewritten only where they changed, and Pagefind's output, which it runs
Pagefind into again. The folder then also holds files of earlier indexes (Pagefind deletes
nothing), so which files are this index's is read from the index itself:
``pagefind-entry.json`` names the metadata file, and the metadata (gzipped after
Pagefind's signature) names every fragment, index chunk and filter file. Each
file taken is checked to unzip to Pagefind's signature: a file left damaged by a
killed run is never served, and the run is made again in an emptied folder.
Files of no index in use are deleted after each run, so the folder stays one
index large. A lock keeps two processes (a served blog and a freeze sharing a
cache) from running into the folder at once.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no lock, so no shared folder (each run starts empty)
    fcntl = None

BUILD_SECONDS_LIMIT = 300  # a binary that hangs must not hold a thread (or a freeze) forever
LANGUAGE = "en"  # --force-language: one index, one WebAssembly
SIGNATURE = b"pagefind_dcd"  # what each of Pagefind's gzipped files starts with once unzipped
_NAMED = re.compile(rb"%s_[0-9a-f]+" % LANGUAGE.encode())  # a fragment's, chunk's or filter file's name, in the metadata
CHUNK_FOLDERS = ("fragment/", "index/", "filter/")  # files named after their contents
# Only what the blog's own search script loads: pagefind.js, its WebAssembly and the index.
# Pagefind also writes its ready-made UIs, which the blog does not use, a web worker that
# search.js does without, and a WebAssembly for pages of no known language, which
# --force-language rules out.
_UNUSED = re.compile(r"^(pagefind-(component-)?ui|pagefind-modular-ui|pagefind-highlight|pagefind-worker|playground"
                     r"|wasm\.unknown\.)")


class PagefindError(Exception):
    """The binary is missing, failed or hung; the message says which and what to do."""


def executable() -> Path:
    """The ``pagefind`` binary that the ``pagefind-bin`` package installs."""
    try:
        from pagefind_bin import get_executable
    except ImportError as error:
        raise PagefindError("the search index needs the pagefind binary: pip install 'pagefind[bin]'") from error
    return Path(get_executable())


def index_pages(pages: Iterable[tuple[str, str]], excluded: tuple[str, ...], kept: Path | None) -> dict[str, bytes]:
    """Index ``pages`` (folder name, index.html pairs) and return the index's files, by path in the bundle.

    ``kept``: the folder the pages and Pagefind's output are kept in between
    runs (None: a temporary one, nothing reused). ``excluded``: CSS selectors
    Pagefind skips.
    """
    with _claimed(kept) as folder:
        if folder is not None:
            return _index(pages, folder, excluded)
    with tempfile.TemporaryDirectory(prefix="research-blog-search-") as temporary:
        return _index(pages, Path(temporary), excluded)


def _index(pages: Iterable[tuple[str, str]], folder: Path, excluded: tuple[str, ...]) -> dict[str, bytes]:
    site, output = folder / "pages", folder / "bundle"
    _write_pages(site, pages)
    _run(site, output, excluded)
    files = _files_of_the_index(output)
    if files is None:  # a damaged or missing file: index again into an empty folder
        shutil.rmtree(output, ignore_errors=True)
        _run(site, output, excluded)
        files = _files_of_the_index(output)
        if files is None:
            raise PagefindError(f"pagefind wrote an index that cannot be read, in {output}")
    _delete_all_but(output, files)
    return files


def _write_pages(site: Path, pages: Iterable[tuple[str, str]]) -> None:
    """Make ``site`` hold ``pages`` and nothing else, writing only the pages that changed.

    In a kept folder that is one file after an edit: writing a thousand pages
    took 0.1-0.7 s on the benchmark machine, reading them to compare 0.05 s.
    """
    site.mkdir(parents=True, exist_ok=True)
    written = set()
    for name, page in pages:
        path, data = site / name / "index.html", page.encode("utf-8")
        written.add(name)
        with contextlib.suppress(OSError):
            if path.read_bytes() == data:
                continue
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    for old in site.iterdir():
        if old.name in written:
            continue
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()


@contextlib.contextmanager
def _claimed(kept: Path | None) -> Iterator[Path | None]:
    """``kept``, locked against other processes for the block; None where it cannot be (then use a temporary one)."""
    if kept is None or fcntl is None:
        yield None
        return
    try:
        kept.mkdir(parents=True, exist_ok=True)
        lock = open(kept.parent / f"{kept.name}.lock", "a")  # beside the folder: emptying it keeps the lock
    except OSError:  # a read-only cache: index into a temporary folder
        yield None
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield kept


def _run(site: Path, output: Path, excluded: tuple[str, ...]) -> None:
    command = [str(executable()), "--site", str(site), "--output-path", str(output), "--force-language", LANGUAGE,
               "--exclude-selectors", ", ".join(excluded), "--silent"]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=BUILD_SECONDS_LIMIT,
                       stdin=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
    except subprocess.CalledProcessError as error:
        message = (error.stdout + error.stderr).decode(errors="replace").strip()
        raise PagefindError(f"pagefind could not index the posts (exit status {error.returncode}): {message}") from error
    except subprocess.TimeoutExpired as error:
        raise PagefindError(f"pagefind took over {BUILD_SECONDS_LIMIT} s to index the posts and was stopped") from error


def _unzipped(data: bytes) -> bytes | None:
    """A file of Pagefind's, unzipped (without its signature), or None if it is not one whole."""
    try:
        content = gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None
    return content[len(SIGNATURE):] if content.startswith(SIGNATURE) else None


def _files_of_the_index(output: Path) -> dict[str, bytes] | None:
    """The files of the index the last run wrote into ``output``, checked; None if one is missing or damaged."""
    try:
        entry = json.loads((output / "pagefind-entry.json").read_bytes())
        language = dict(entry["languages"][LANGUAGE])
        meta_name = f"pagefind.{language['hash']}.pf_meta"
        files = {path.name: path.read_bytes() for path in output.iterdir()
                 if path.is_file() and not path.name.endswith(".pf_meta") and not _UNUSED.match(path.name)}
        files[meta_name] = (output / meta_name).read_bytes()
        meta = _unzipped(files[meta_name])
        if meta is None:
            return None
        named = {found.decode() for found in _NAMED.findall(meta)}
        for folder in CHUNK_FOLDERS:
            for path in (output / folder).iterdir() if (output / folder).is_dir() else ():
                if path.name.rsplit(".", 1)[0] in named:
                    files[f"{folder}{path.name}"] = path.read_bytes()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    fragments = sum(name.startswith("fragment/") for name in files)
    if fragments != language.get("page_count", fragments):  # one fragment a page
        return None
    checked = (data for name, data in files.items() if name.endswith((".pagefind", ".pf_fragment", ".pf_index",
                                                                       ".pf_filter", ".pf_meta")))
    if any(_unzipped(data) is None for data in checked):
        return None
    return dict(sorted(files.items()))


def _delete_all_but(output: Path, files: dict[str, bytes]) -> None:
    """Delete the files of earlier indexes from ``output``: it keeps one index (and Pagefind's own extras)."""
    for path in [*output.glob("*.pf_meta"), *(path for folder in CHUNK_FOLDERS for path in output.glob(f"{folder}*"))]:
        if path.relative_to(output).as_posix() not in files:
            with contextlib.suppress(OSError):
                path.unlink()
