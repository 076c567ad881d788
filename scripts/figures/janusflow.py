"""Figure for pages/janusflow.md: straight interpolation paths versus the rectified-flow ODE.

Run from the repository root:  python scripts/figures/janusflow.py
Writes pages/figures/janusflow-trajectories.svg.

The target is a mixture of eight Gaussians on a ring and the source is N(0, I), so the
marginal velocity E[x1 - x0 | x_t = x] has a closed form and no network is trained.
"""

from __future__ import annotations

import numpy as np
from figstyle import plt, save

plt.rcParams["path.simplify_threshold"] = 0.5

RADIUS, SIGMA = 3.0, 0.2
ANGLES = (np.arange(8) + 0.5) * np.pi / 4
MEANS = RADIUS * np.stack([np.cos(ANGLES), np.sin(ANGLES)], axis=1)  # (8, 2)


def sample_target(rng: np.random.Generator, n: int) -> np.ndarray:
    k = rng.integers(0, 8, size=n)
    return MEANS[k] + SIGMA * rng.standard_normal((n, 2))


def marginal_velocity(x: np.ndarray, t: float) -> np.ndarray:
    """E[x1 - x0 | x_t = x] for x_t = t x1 + (1 - t) x0, x0 ~ N(0, I), x1 ~ mixture."""
    var = t**2 * SIGMA**2 + (1 - t) ** 2           # per-coordinate variance of x_t given k
    cov = t * SIGMA**2 - (1 - t)                   # Cov(x1 - x0, x_t) given k
    diff = x[:, None, :] - t * MEANS[None, :, :]   # (n, 8, 2)
    logits = -0.5 * (diff**2).sum(-1) / var        # equal mixture weights
    resp = np.exp(logits - logits.max(axis=1, keepdims=True))
    resp /= resp.sum(axis=1, keepdims=True)
    v_k = MEANS[None, :, :] + (cov / var) * diff   # per-component conditional mean
    return (resp[:, :, None] * v_k).sum(axis=1)


def integrate(x0: np.ndarray, steps: int) -> np.ndarray:
    path = [x0]
    x, dt = x0.copy(), 1.0 / steps
    for k in range(steps):
        x = x + dt * marginal_velocity(x, k * dt)
        path.append(x)
    return np.stack(path)  # (steps + 1, n, 2)


def main() -> None:
    rng = np.random.default_rng(0)
    n = 30
    x0 = rng.standard_normal((n, 2))
    x1 = sample_target(rng, n)
    fine = integrate(x0, 400)
    coarse = integrate(x0, 2)

    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.6), facecolor="white", sharex=True, sharey=True)
    left, right = axes
    for i in range(n):
        left.plot([x0[i, 0], x1[i, 0]], [x0[i, 1], x1[i, 1]], color="#4c72b0", alpha=0.45, lw=0.9)
    left.scatter(x0[:, 0], x0[:, 1], s=10, color="#333333", zorder=3, label="noise $x_0$")
    left.scatter(x1[:, 0], x1[:, 1], s=10, color="#c44e52", zorder=3, label="data $x_1$")
    left.set_title("Training pairs: straight lines cross", fontsize=10.5)

    for i in range(n):
        right.plot(fine[:, i, 0], fine[:, i, 1], color="#55a868", alpha=0.7, lw=0.9)
    right.scatter(fine[-1, :, 0], fine[-1, :, 1], s=10, color="#c44e52", zorder=3, label="ODE endpoint")
    right.scatter(coarse[-1, :, 0], coarse[-1, :, 1], s=18, facecolors="none",
                  edgecolors="#8172b2", zorder=4, label="2 Euler steps")
    right.set_title("Marginal flow: paths bend, never cross", fontsize=10.5)

    for ax in axes:
        ax.set_aspect("equal")
        ax.set_xlim(-4.2, 4.2)
        ax.set_ylim(-4.2, 4.2)
        ax.set_facecolor("white")
    left.legend(loc="lower left", fontsize=9, framealpha=0.9)
    right.legend(loc="lower left", fontsize=9, framealpha=0.9)
    fig.tight_layout()
    save(fig, "janusflow-trajectories.svg")


if __name__ == "__main__":
    main()
