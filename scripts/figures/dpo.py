"""Figures for pages/dpo.md. Run from the repo root: python scripts/figures/dpo.py"""

import numpy as np
import torch
import torch.nn.functional as F
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


def toy_trajectories(steps=200, lr=5.0, beta=0.5):
    """The categorical toy of the post: DPO on all pairs with Bradley-Terry soft labels."""
    log_ref = torch.tensor([0.4, 0.3, 0.2, 0.1]).log()
    r_true = torch.tensor([0.0, 0.5, -0.5, 1.0])
    i, j = torch.triu_indices(4, 4, offset=1)
    labels = torch.sigmoid(r_true[i] - r_true[j])
    logits = log_ref.clone().requires_grad_(True)
    history = [torch.softmax(logits.detach(), 0)]
    for _ in range(steps):
        logp = torch.log_softmax(logits, 0)
        m = beta * ((logp[i] - log_ref[i]) - (logp[j] - log_ref[j]))
        loss = -(labels * F.logsigmoid(m) + (1 - labels) * F.logsigmoid(-m)).mean()
        (grad,) = torch.autograd.grad(loss, logits)
        with torch.no_grad():
            logits -= lr * grad
        history.append(torch.softmax(logits.detach(), 0))
    pi_star = torch.softmax(log_ref + r_true / beta, 0)
    return torch.stack(history).numpy(), pi_star.numpy()


def toy_figure():
    history, pi_star = toy_trajectories()
    colors = ["#1f4e8c", "#c0562b", "#4d8c3a", "#7a4e9c"]
    fig, ax = plt.subplots(figsize=(7.0, 3.2), facecolor="white")
    for k in range(4):
        ax.plot(history[:, k], color=colors[k], linewidth=2.0, label=f"response {k + 1}")
        ax.axhline(pi_star[k], color=colors[k], linewidth=1.0, linestyle="--")
    ax.set_xlabel("gradient step")
    ax.set_ylabel(r"$\pi_\theta(y_k)$")
    ax.set_xlim(0, 60)
    ax.set_ylim(0, 0.45)
    ax.grid(alpha=0.25)
    ax.legend(loc="center right", fontsize=9, ncol=2, framealpha=0.95)
    fig.tight_layout()
    return save(fig, "dpo-toy.svg")


if __name__ == "__main__":
    print("wrote", loss_weight_figure(), "and", toy_figure())
