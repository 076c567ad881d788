"""Figures for pages/gdpo.md. Run from the repo root: python scripts/figures/gdpo.py"""

import numpy as np
from figstyle import plt, save

GRPO_COLOR = "#b5562b"
GDPO_COLOR = "#1f4e8c"


def znorm(x, axis, eps=1e-6):
    """Subtract the mean and divide by the population std along one axis."""
    x = np.asarray(x, dtype=float)
    return (x - x.mean(axis=axis, keepdims=True)) / (x.std(axis=axis, keepdims=True) + eps)


def grpo_advantages(rewards):
    """rewards: (G, K). Sum the K rewards, then normalize within the group."""
    return znorm(rewards.sum(axis=1), axis=0)


def gdpo_advantages(rewards):
    """rewards: (G, K). Normalize each reward within the group, then sum (no batch step)."""
    return znorm(rewards, axis=0).sum(axis=1)


def collapse_figure():
    # the G = 8 group used in the post: (correctness, format) per response
    group = np.array([[1, 1], [1, 0], [0, 1], [0, 1], [0, 1], [0, 1], [0, 0], [0, 0]], dtype=float)
    fig, axes = plt.subplots(1, 2, figsize=(7.4, 3.4), facecolor="white",
                             gridspec_kw={"width_ratios": [1.5, 1]})

    ax = axes[0]
    x = np.arange(len(group))
    width = 0.38
    ax.bar(x - width / 2, grpo_advantages(group), width, color=GRPO_COLOR, label="GRPO: sum, then normalize")
    ax.bar(x + width / 2, gdpo_advantages(group), width, color=GDPO_COLOR, label="GDPO: normalize each, then sum")
    ax.axhline(0, color="0.2", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([f"({int(c)},{int(f)})" for c, f in group], fontsize=9)
    ax.set_xlabel("reward vector (correct, format) of each response")
    ax.set_ylabel("advantage")
    ax.set_ylim(-2.6, 3.0)
    ax.set_title("one group, G = 8: (1,0) vs (0,1)", fontsize=10)
    ax.grid(axis="y", alpha=0.25)
    ax.legend(fontsize=8, loc="upper right", framealpha=0.95)

    ax = axes[1]
    groups = {
        "A: {(0,0), (1,0)}": np.array([[0, 0], [1, 0]], dtype=float),
        "B: {(0,0), (1,1)}": np.array([[0, 0], [1, 1]], dtype=float),
    }
    x = np.arange(len(groups))
    grpo_winner = [grpo_advantages(g)[1] for g in groups.values()]
    gdpo_winner = [gdpo_advantages(g)[1] for g in groups.values()]
    ax.bar(x - width / 2, grpo_winner, width, color=GRPO_COLOR)
    ax.bar(x + width / 2, gdpo_winner, width, color=GDPO_COLOR)
    for xi, a, b in zip(x, grpo_winner, gdpo_winner, strict=True):
        ax.text(xi - width / 2, a + 0.05, f"{a:.0f}", ha="center", va="bottom", fontsize=9)
        ax.text(xi + width / 2, b + 0.05, f"{b:.0f}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x)
    ax.set_xticklabels(list(groups), fontsize=9)
    ax.set_ylabel("advantage of the better response")
    ax.set_ylim(0, 2.6)
    ax.set_title("two groups, G = 2", fontsize=10)
    ax.grid(axis="y", alpha=0.25)

    fig.tight_layout()
    return save(fig, "gdpo-collapse.svg")


if __name__ == "__main__":
    print("wrote", collapse_figure())
