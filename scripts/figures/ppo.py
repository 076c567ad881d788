"""Figures for pages/ppo.md. Run from the repo root: python scripts/figures/ppo.py"""

import numpy as np
from figstyle import plt, save

EPS = 0.2


def clip_objective(rho, adv, eps=EPS):
    """Per-token PPO objective min(rho*A, clip(rho, 1-eps, 1+eps)*A)."""
    return np.minimum(rho * adv, np.clip(rho, 1 - eps, 1 + eps) * adv)


def clip_figure():
    rho = np.linspace(0.0, 2.0, 201)
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.2), facecolor="white", sharey=False)
    for ax, adv, title in ((axes[0], 1.0, r"$\hat A_t > 0$ (here $+1$)"), (axes[1], -1.0, r"$\hat A_t < 0$ (here $-1$)")):
        ax.plot(rho, rho * adv, color="0.6", linestyle="--", linewidth=1.2, label=r"unclipped $\rho\,\hat A$")
        ax.plot(rho, clip_objective(rho, adv), color="#1f4e8c", linewidth=2.2, label=r"$L^{\mathrm{CLIP}}$")
        flat = (rho >= 1 + EPS) if adv > 0 else (rho <= 1 - EPS)
        ax.fill_between(rho, -2.2, 2.2, where=flat, color="#f2c9a0", alpha=0.45, linewidth=0,
                        label="zero gradient")
        for edge in (1 - EPS, 1 + EPS):
            ax.axvline(edge, color="0.35", linewidth=0.8, linestyle=":")
        ax.axvline(1.0, color="0.2", linewidth=0.8)
        ax.set_xlim(0, 2)
        ax.set_ylim(-2.1, 2.1)
        ax.set_xlabel(r"probability ratio $\rho_t(\theta)$   ($\epsilon = 0.2$)")
        ax.set_title(title, fontsize=11)
        ax.set_xticks([0, 0.5, 1 - EPS, 1, 1 + EPS, 1.5, 2])
        ax.set_xticklabels(["0", "0.5", "0.8", "1", "1.2", "1.5", "2"])
        ax.grid(alpha=0.25)
    axes[0].set_ylabel("objective (maximized)")
    axes[0].legend(loc="lower right", fontsize=9, framealpha=0.95)
    fig.tight_layout()
    return save(fig, "ppo-clip.svg")


if __name__ == "__main__":
    print("wrote", clip_figure())
