"""A deterministic corpus of ML deep dives for benchmarks: N posts like the real ones.

Each post has about 1,500 words of prose, three code blocks, seven equations
(two displayed, five inline), a table and two footnotes, tags from a small pool
and, every tenth post, a series part. The same posts can be written for this
engine (YAML front matter) or for Pelican (its ``Key: value`` header), so both
build exactly the same text. ``python scripts/corpus.py 1000 /tmp/corpus``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

TOPICS = ["attention", "diffusion", "optimisers", "normalisation", "tokenisation", "distillation", "scaling",
          "retrieval", "alignment", "quantisation", "sparsity", "memory", "evaluation", "curricula", "agents"]
WORDS = ("the model gradient loss batch token layer weight update estimate variance policy reward sample "
         "training step schedule learning rate norm activation residual head query key value softmax logit "
         "entropy prior posterior kernel feature signal noise data regime bound proof claim result figure").split()
EQUATIONS = [r"\mathcal{L}(\theta) = -\mathbb{E}_{x \sim \mathcal{D}}\left[\log p_\theta(x)\right]",
             r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
             r"\theta_{t+1} = \theta_t - \eta \, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
             r"\mathrm{Attn}(Q, K, V) = \operatorname{softmax}\!\left(\frac{QK^\top}{\sqrt{d}}\right) V",
             r"D_{\mathrm{KL}}(p \,\|\, q) = \sum_x p(x) \log \frac{p(x)}{q(x)}",
             r"\hat A_t = \sum_{l=0}^{\infty} (\gamma\lambda)^l \delta_{t+l}"]
CODE = '''```python
import torch


def {name}(x: torch.Tensor, scale: float = {scale}) -> torch.Tensor:
    """Scale, normalise and return x (post {number})."""
    x = x * scale
    return (x - x.mean(dim=-1, keepdim=True)) / (x.std(dim=-1, keepdim=True) + 1e-6)
```'''


def _sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(9, 16)) for _ in range(sentences))


def post_body(number: int, rng: random.Random) -> str:
    parts = [_paragraph(rng, 8) + f" The loss ${EQUATIONS[number % 6]}$ sets the scale.[^1]"]
    for section in range(1, 6):
        math = f" and $x_{{{number % 9}}}$" if section == 1 else ""
        parts.append(f"## Part {section}: {rng.choice(TOPICS)}{math}")
        parts.append(_paragraph(rng, 11))
        if section in (1, 3):
            parts.append(f"$$\n{EQUATIONS[(number + section) % 6]} \\tag{{{section}}}\n$$")
        if section in (2, 3, 4):
            parts.append(CODE.format(name=f"step_{number}_{section}", scale=section / 2, number=number))
        if section == 4:
            parts.append("| method | steps | loss |\n|---|---:|---:|\n" +
                         "\n".join(f"| {rng.choice(TOPICS)} | {rng.randint(1, 99) * 100} | {rng.random():.3f} |"
                                   for _ in range(4)))
        bound = f" We bound it by ${EQUATIONS[(number + section) % 6]}$." if section % 2 else ""
        parts.append(_paragraph(rng, 8) + bound + ("[^2]" if section == 5 else ""))
    parts.append("[^1]: " + _sentence(rng, 12))
    parts.append("[^2]: " + _sentence(rng, 14))
    return "\n\n".join(parts) + "\n"


def post_meta(number: int, rng: random.Random) -> dict:
    topic = TOPICS[number % len(TOPICS)]
    meta = {"title": f"Deep dive {number}: {topic} at scale", "slug": f"post-{number:05d}",
            "date": dt.date(2020, 1, 1) + dt.timedelta(days=number % 2000),
            "summary": _sentence(rng, 20), "category": ["Research", "Notes", "Engineering"][number % 3],
            "tags": sorted({rng.choice(TOPICS) for _ in range(3)})}
    if number % 10 == 0:
        meta["series"], meta["part"] = f"Series {number // 40}", (number // 10) % 4 + 1
    return meta


def posts(count: int, seed: int = 7):
    """Yield (meta, body) for ``count`` posts; the same for the same arguments."""
    rng = random.Random(seed)
    for number in range(count):
        yield post_meta(number, rng), post_body(number, rng)


def write_for_blog(count: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for meta, body in posts(count):
        series = f'series: "{meta["series"]}"\nseries_part: {meta["part"]}\n' if "series" in meta else ""
        front = (f'---\ntitle: "{meta["title"]}"\ndate: {meta["date"]}\nsummary: "{meta["summary"]}"\n'
                 f'category: {meta["category"]}\ntags: [{", ".join(meta["tags"])}]\n{series}---\n\n')
        (folder / f'{meta["slug"]}.md').write_text(front + body, encoding="utf-8")


def write_for_pelican(count: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for meta, body in posts(count):
        header = (f'Title: {meta["title"]}\nDate: {meta["date"]}\nSlug: {meta["slug"]}\n'
                  f'Summary: {meta["summary"]}\nCategory: {meta["category"]}\nTags: {", ".join(meta["tags"])}\n\n')
        (folder / f'{meta["slug"]}.md').write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    write_for_blog(int(sys.argv[1]), Path(sys.argv[2]))
