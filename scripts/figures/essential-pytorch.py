"""Figures for pages/essential-pytorch.md.

Run from the repository root: python scripts/figures/essential-pytorch.py
Writes pages/figures/essential-pytorch-noise-schedules.svg.
"""

import numpy as np
from figstyle import plt, save

N_STEPS = 1000


def linear_alpha_bar(n_steps: int) -> np.ndarray:
    """DDPM (Ho et al., 2020): betas linear from 1e-4 to 0.02."""
    betas = np.linspace(1e-4, 0.02, n_steps, dtype=np.float64)
    return np.cumprod(1.0 - betas)


def cosine_alpha_bar(n_steps: int, s: float = 0.008, max_beta: float = 0.999) -> np.ndarray:
    """Nichol & Dhariwal (2021): alpha_bar from a squared cosine, betas clipped at 0.999."""
    t = np.arange(n_steps + 1, dtype=np.float64) / n_steps
    f = np.cos((t + s) / (1 + s) * np.pi / 2) ** 2
    target = f / f[0]
    betas = np.clip(1.0 - target[1:] / target[:-1], 0.0, max_beta)
    return np.cumprod(1.0 - betas)


def main() -> None:
    steps = np.arange(1, N_STEPS + 1)
    schedules = {
        "linear (DDPM)": (linear_alpha_bar(N_STEPS), "#1f4e9a", "-"),
        "cosine (Nichol & Dhariwal)": (cosine_alpha_bar(N_STEPS), "#c0392b", "--"),
    }
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.0), facecolor="white")
    for label, (alpha_bar, color, style) in schedules.items():
        left.plot(steps, alpha_bar, color=color, linestyle=style, label=label)
        log_snr = np.log(alpha_bar) - np.log1p(-alpha_bar)
        right.plot(steps, log_snr, color=color, linestyle=style, label=label)
    left.set_xlabel("step t")
    left.set_ylabel(r"$\bar\alpha_t$")
    left.set_ylim(-0.02, 1.02)
    right.set_xlabel("step t")
    right.set_ylabel(r"log SNR $= \log\,\bar\alpha_t/(1-\bar\alpha_t)$")
    right.axhline(0.0, color="#888888", linewidth=0.8)
    for ax in (left, right):
        ax.set_xlim(0, N_STEPS)
        ax.set_facecolor("white")
        ax.grid(alpha=0.3)
    right.legend(frameon=False, fontsize=10, loc="lower left")
    fig.tight_layout()
    save(fig, "essential-pytorch-noise-schedules.svg")


if __name__ == "__main__":
    main()
