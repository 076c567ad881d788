"""The program `flask execute` starts once per post: run its blocks, report what each showed.

Run as a script (``python runblocks.py``), never imported by the engine: it is the
author's environment (torch, matplotlib) at work, in a fresh process per post, so
one post's globals, seeds and open figures cannot leak into the next. Reads
``{"blocks": [{"code", "name"}], "figures": folder}`` as JSON on stdin; writes
one JSON line to its real stdout: ``{"blocks": [{"text", "figures"}]}``, or
``{"error": {"block": i, "traceback": ...}}`` (and exits 1) for a block that raised.
"""

import contextlib
import io
import json
import os
import random
import re
import sys
import traceback
import types

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
# Output beyond this is cut (and says so): a loop printing a million lines must not land in git.
MOST_CHARS = 20_000
# matplotlib writes the date and random ids into an SVG; fixed, a re-run gives the same bytes.
_SVG_METADATA = {"Date": None, "Creator": None}


def _seed() -> None:
    random.seed(0)
    with contextlib.suppress(ImportError):
        import numpy
        numpy.random.seed(0)
    with contextlib.suppress(ImportError):
        import torch
        torch.manual_seed(0)


def _figures(folder: str, block: int) -> list[str]:
    """Save and close every figure the block left open, as SVG files; their names."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    import matplotlib
    import matplotlib.pyplot as plt
    matplotlib.rcParams["svg.hashsalt"] = "research-blog"
    names = []
    for number in plt.get_fignums():
        name = f"block{block}-{len(names) + 1}.svg"
        plt.figure(number).savefig(os.path.join(folder, name), format="svg", metadata=_SVG_METADATA,
                                          bbox_inches="tight")  # no tick label cut at the edge
        names.append(name)
    plt.close("all")
    return names


def _text(captured: str) -> str:
    text = _ANSI.sub("", captured)
    if len(text) > MOST_CHARS:
        text = text[:MOST_CHARS] + f"\n[... {len(text) - MOST_CHARS} more characters not recorded]\n"
    return text


def main() -> int:
    job = json.load(sys.stdin)
    # As `python post.py` would: the post's folder (the working directory) first on the path, and
    # not this script's folder, whose modules (check.py, freeze.py...) a post must not import by chance.
    sys.path[0] = os.getcwd()
    out = sys.stdout
    os.environ.setdefault("MPLBACKEND", "Agg")
    _seed()
    # A real module, as a notebook's __main__ is: dataclasses and pickling look their class's module up.
    module = types.ModuleType("__post__")
    sys.modules[module.__name__] = module
    results = []
    for index, block in enumerate(job["blocks"]):
        captured = io.StringIO()
        try:
            with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
                exec(compile(block["code"], block["name"], "exec", dont_inherit=True), module.__dict__)  # noqa: S102
        except BaseException:  # noqa: BLE001 - everything a block raises is the author's to see
            out.write(json.dumps({"error": {"block": index, "traceback": traceback.format_exc()}}) + "\n")
            return 1
        results.append({"text": _text(captured.getvalue()), "figures": _figures(job["figures"], index)})
    out.write(json.dumps({"blocks": results}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
