"""Figures for pages/grpo.md. Run from the repo root: python scripts/figures/grpo.py"""

import numpy as np
from figstyle import plt, save

G = 8


def group_advantages(rewards, eps=1e-6):
    """(r - mean) / std within one group, population std (as in the post's code)."""
    rewards = np.asarray(rewards, dtype=float)
    return (rewards - rewards.mean()) / (rewards.std() + eps)


def groups_figure():
    prompts = [
        ([1, 1, 1, 1, 1, 1, 1, 0], "#4c8c4a"),
        ([1, 1, 1, 1, 0, 0, 0, 0], "#1f4e8c"),
        ([1, 0, 0, 0, 0, 0, 0, 0], "#b5562b"),
    ]
    fig, axes = plt.subplots(1, 2, figsize=(7.4, 3.4), facecolor="white",
                             gridspec_kw={"width_ratios": [1.35, 1]})

    ax = axes[0]
    width = 0.8
    for g, (rewards, color) in enumerate(prompts):
        adv = group_advantages(rewards)
        x = g * (G + 2) + np.arange(G)
        ax.bar(x, adv, width=width, color=color)
        for xi, ri, ai in zip(x, rewards, adv, strict=True):
            ax.text(xi, ai + (0.12 if ai >= 0 else -0.12), str(ri), ha="center",
                    va="bottom" if ai >= 0 else "top", fontsize=8, color="0.2")
    ax.axhline(0, color="0.2", linewidth=0.8)
    ax.set_xticks([g * (G + 2) + (G - 1) / 2 for g in range(3)])
    ax.set_xticklabels(["easy\n(7/8 correct)", "medium\n(4/8 correct)", "hard\n(1/8 correct)"])
    ax.set_ylabel(r"advantage $\hat A_i$")
    ax.set_ylim(-3.2, 3.2)
    ax.set_title("8 responses per prompt (raw reward above each bar)", fontsize=10)
    ax.grid(axis="y", alpha=0.25)

    ax = axes[1]
    p = np.linspace(1 / G, 1 - 1 / G, 200)
    std = np.sqrt(p * (1 - p))
    ax.plot(p, (1 - p) / std, color="#1f4e8c", linewidth=2.0, label="correct, divided by std")
    ax.plot(p, -p / std, color="#b5562b", linewidth=2.0, label="wrong, divided by std")
    ax.plot(p, 1 - p, color="#1f4e8c", linewidth=1.3, linestyle="--", label="correct, mean only")
    ax.plot(p, -p, color="#b5562b", linewidth=1.3, linestyle="--", label="wrong, mean only")
    ax.axhline(0, color="0.2", linewidth=0.8)
    ax.set_xlabel("fraction of the group that is correct")
    ax.set_ylabel("advantage")
    ax.set_ylim(-3.2, 3.2)
    ax.set_title("binary reward: advantage vs difficulty", fontsize=10)
    ax.grid(alpha=0.25)
    ax.legend(fontsize=8, loc="lower left", framealpha=0.95)

    fig.tight_layout()
    return save(fig, "grpo-groups.svg")


if __name__ == "__main__":
    print("wrote", groups_figure())
