"""Jupyter notebooks as posts: a ``.ipynb`` file read into the Markdown a ``.md`` post holds.

The front matter is the notebook's first cell, a raw cell between ``---`` lines
(Quarto's convention). Markdown cells are kept as written; code cells become
fences in the notebook's language; the outputs stored in the notebook become
what `flask execute` records for a Markdown post: ``output`` fences for text
(streams, ``text/plain``, errors), figures for ``image/png`` and
``image/svg+xml``, Markdown for ``text/markdown``, display math for
``text/latex``, and ``output-html`` fences for ``text/html`` (sanitized when
rendered: render/outputblocks.py). Everything after this conversion is the
Markdown pipeline, checks and all.

Images are not inlined as data: each is written once, named by its content's
digest, to a folder outside the content (the content may be read-only on a
server) and registered as ``figures/_notebooks/<slug>/<digest>.<ext>`` for
sources.figure_file to find, so it is served and frozen like any figure.
Cell tags: ``remove-cell``, ``remove-input``, ``remove-output``, and
``raises-exception`` (an error output is a `check` problem otherwise).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import nbformat

from .problems import Problem

EXTENSION = ".ipynb"
FOLDER = "_notebooks"  # under figures/: where a notebook's images appear to live
MAX_OUTPUT_BYTES = 5 * 1024 * 1024  # of stored outputs per notebook: BLOG_NOTEBOOK_OUTPUT_MB's default
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_IMAGES = {"image/svg+xml": "svg", "image/png": "png"}
# (figures folder, name under it) -> the file holding the image's bytes.
_registered: dict[tuple[Path, str], Path] = {}
_STORE = Path(tempfile.gettempdir()) / f"research-blog-notebook-images-{os.getuid()}"


def _store_folder() -> Path:
    """The image folder, this user's alone: another user's file under a digest's name must never be served."""
    _STORE.mkdir(mode=0o700, exist_ok=True)
    info = _STORE.lstat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or _STORE.is_symlink():
        raise OSError(f"{_STORE} is not a private folder of this user: delete it")
    return _STORE


def registered_image(figures_dir: Path, name: str) -> Path | None:
    """The file behind ``figures/<name>`` if it is an image of a notebook post."""
    return _registered.get((figures_dir.resolve(), name))


def _store(data: bytes, extension: str, figures_dir: Path, slug: str) -> str:
    digest = hashlib.sha256(data).hexdigest()[:20]
    name = f"{FOLDER}/{slug}/{digest}.{extension}"
    path = _store_folder() / f"{digest}.{extension}"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)  # whole or not at all, whichever process writes it
    _registered[(figures_dir.resolve(), name)] = path
    return name


def _fence(text: str, info: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * max(3, longest + 1)
    return ["", f"{fence}{info}", text.rstrip("\n"), fence, ""]


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


class _Converter:
    def __init__(self, shown: str, figures_dir: Path, slug: str):
        self.shown, self.figures_dir, self.slug = shown, figures_dir, slug
        self.problems: list[Problem] = []

    def problem(self, cell: int | None, message: str) -> None:
        where = f"cell {cell}: " if cell is not None else ""
        self.problems.append(Problem(self.shown, None, where + message))

    def output(self, cell: int, tags: set[str], output: dict) -> list[str]:
        kind = output.get("output_type")
        if kind == "stream":
            return _fence(_ANSI.sub("", _text(output.get("text", ""))), "output")
        if kind == "error":
            if "raises-exception" not in tags:
                self.problem(cell, f"the stored output is an error ({output.get('ename')}: {output.get('evalue')}): "
                             "fix the cell and run it again, or tag it raises-exception if the error is the point")
            return _fence(_ANSI.sub("", "\n".join(output.get("traceback", []))), "output")
        data = output.get("data", {})
        for mime, extension in _IMAGES.items():
            if mime in data:
                raw = _text(data[mime])
                payload = raw.encode() if extension == "svg" else base64.b64decode(raw)
                name = _store(payload, extension, self.figures_dir, self.slug)
                alt = _text(data.get("text/plain", "")).strip() or "A figure the notebook drew"
                return ["", f"![{alt}](figures/{name})", ""]
        if "text/html" in data:
            return _fence(_text(data["text/html"]), "output-html")
        if "text/markdown" in data:
            return ["", _text(data["text/markdown"]), ""]
        if "text/latex" in data:
            tex = _text(data["text/latex"]).strip().strip("$").strip()
            return ["", "$$", tex, "$$", ""]
        if "text/plain" in data:
            return _fence(_text(data["text/plain"]), "output")
        return []

    def cell(self, number: int, cell: dict, language: str) -> list[str]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags:
            return []
        source = _text(cell.get("source", ""))
        if cell["cell_type"] == "markdown":
            return ["", source, ""]
        if cell["cell_type"] != "code":
            return []  # raw cells past the first are for other tools
        lines = [] if "remove-input" in tags or not source.strip() else _fence(source, language)
        if "remove-output" not in tags:
            for output in cell.get("outputs", []):
                lines += self.output(number, tags, output)
        return lines


def notebook_to_markdown(text: str, shown: str, figures_dir: Path, slug: str,
                         max_output_bytes: int = MAX_OUTPUT_BYTES) -> tuple[str | None, list[Problem]]:
    """The notebook as a Markdown post (front matter and body), or None and why it cannot be one."""
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # noqa: BLE001 - nbformat raises JSON, validation and version errors alike
        first = str(error).strip().split("\n")[0][:300]
        return None, [Problem(shown, None, f"not a valid Jupyter notebook ({first}): open and save it in Jupyter")]
    cells = notebook.cells
    front = _text(cells[0].source).strip() if cells else ""
    if not cells or cells[0].cell_type != "raw" or not (front.startswith("---") and front.endswith("---")):
        return None, [Problem(shown, None, "cell 1: the first cell must be a raw cell holding the front matter "
                              "between --- lines (title, date, summary, category)")]
    stored = sum(len(json.dumps(cell.get("outputs", []))) for cell in cells)
    if stored > max_output_bytes:
        return None, [Problem(shown, None, f"{stored // 1024} KB of stored outputs, over the "
                              f"{max_output_bytes // 1024} KB limit (BLOG_NOTEBOOK_OUTPUT_MB): clear the large "
                              "outputs or save figures as files")]
    language = (notebook.metadata.get("kernelspec", {}).get("language")
                or notebook.metadata.get("language_info", {}).get("name") or "python")
    converter = _Converter(shown, figures_dir, slug)
    body: list[str] = []
    for number, cell in enumerate(cells[1:], start=2):
        body += converter.cell(number, cell, language)
    return front + "\n" + "\n".join(body) + "\n", converter.problems
