"""Figures for pages/dpo.md. Run from the repo root: python scripts/figures/dpo.py"""

import numpy as np
from figstyle import plt, save


def loss_weight_figure():
    m = np.linspace(-6, 6, 241)
    loss = np.logaddexp(0.0, -m)          # -log sigmoid(m)
    weight = 1.0 / (1.0 + np.exp(m))      # sigmoid(-m)
    fig, ax = plt.subplots(figsize=(7.0, 3.2), facecolor="white")
    ax.plot(m, loss, color="#1f4e8c", linewidth=2.2, label=r"loss $-\log\sigma(m)$")
    ax.plot(m, weight, color="#c0562b", linewidth=2.2, label=r"gradient weight $\sigma(-m)$")
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.annotate("start of training:\n" + r"$\pi_\theta=\pi_\mathrm{ref}$, $m=0$, weight $1/2$",
                xy=(0, 0.5), xytext=(1.2, 2.6), fontsize=10,
                arrowprops=dict(arrowstyle="->", color="0.3"))
    ax.text(-5.8, 1.35, "pair ranked wrongly", fontsize=10, color="0.25")
    ax.text(2.6, 0.9, "pair ranked correctly", fontsize=10, color="0.25")
    ax.set_xlabel(r"implicit reward margin $m = \hat r_\theta(x, y_w) - \hat r_\theta(x, y_l)$")
    ax.set_xlim(-6, 6)
    ax.set_ylim(-0.3, 6.2)
    ax.grid(alpha=0.25)
    ax.legend(loc="upper right", fontsize=10, framealpha=0.95)
    fig.tight_layout()
    return save(fig, "dpo-loss-weight.svg")


if __name__ == "__main__":
    # The toy's figure (#fig:toy) is drawn by the post's own code: flask --app app execute dpo.
    print("wrote", loss_weight_figure())
