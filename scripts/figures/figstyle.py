"""Shared setup for the figure scripts: matplotlib without a display, and SVG
output that is byte-for-byte the same on every run (fixed hash salt, no date),
drawn on white so figures read the same in the site's light and dark modes."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update({"svg.hashsalt": "research-blog", "svg.fonttype": "none", "font.size": 11})

OUT = Path(__file__).resolve().parents[2] / "pages" / "figures"


def save(fig, name: str) -> Path:
    """Write ``fig`` to pages/figures/``name`` and close it."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return path
