"""`flask execute` for a notebook post: its cells run by Jupyter's own client, outputs saved in it.

A notebook keeps its outputs itself, so there is nothing to record beside it:
the cells run top to bottom in a fresh kernel (the notebook's own, in its
folder, with the BLOG_EXECUTE_TIMEOUT per cell) and the notebook is written back
only if every cell ran, a cell tagged ``raises-exception`` aside. nbclient is an
optional extra: only the author's machine needs it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..content.post import display_path
from .executor import TRACEBACK_LINES, ExecutionFailed

INSTALL = "pip install 'research-blog[notebooks]' (nbclient and ipykernel)"


def run_notebook(source: Path, timeout: float) -> int:
    """Run the notebook at ``source`` and save its new outputs; the number of code cells. ExecutionFailed if one raised."""
    try:
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError:
        raise ExecutionFailed(f"{display_path(source)}: running a notebook needs nbclient: {INSTALL}") from None
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, resources={"metadata": {"path": str(source.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        tail = "\n".join(str(error).rstrip().split("\n")[-TRACEBACK_LINES:])
        cell = next((n for n, c in enumerate(notebook.cells, 1) if c.get("outputs") and
                     any(o.get("output_type") == "error" for o in c.outputs)), None)
        raise ExecutionFailed(f"{display_path(source)}: cell {cell} raised\n{tail}") from None
    nbformat.write(notebook, source)
    return sum(cell.cell_type == "code" for cell in notebook.cells)
