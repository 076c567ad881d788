"""The files ``research-blog init`` writes: a small blog that is the writer's own.

Each file is text here rather than package data, so the wheel needs no extra
entries and a reader sees the whole starter in one place. The welcome post is a
working example of every feature a post can use; the About page is a page
that is not a post, linked from the header's menu.
"""

from __future__ import annotations

import datetime as dt

APP_PY = '''"""Your blog, as `flask --app app` finds it; its settings are in blog.toml beside this file."""

from pathlib import Path

from research_blog import create_app

app = create_app(settings_path=Path(__file__).with_name("blog.toml"))
'''

GITIGNORE = """# What `flask --app app freeze` writes, and the cache of rendered posts (blog.toml's render_cache).
/build/
/.render-cache/
__pycache__/
"""

# Settings the starter sets, by their names in blog.toml; the rest are written commented out.
CHOSEN_SETTINGS = {
    "title": "My research notes",
    "author": "Your Name",
    "tagline": "Notes on papers, derivations and code.",
    "content_dir": "pages",
    "render_cache": ".render-cache",
    "menu": [{"label": "About", "url": "/about/"}],
}


def welcome_post(today: dt.date) -> str:
    return f'''---
title: "Welcome to your research blog"
date: {today.isoformat()}
summary: "What a post can hold: math, citations, figures and code. Edit this file, or delete it and write your own."
category: Notes
tags: [Getting started]
---

This post is `pages/welcome.md`. Save a change while `flask --app app run --debug` runs and the
page in your browser reloads by itself.

## Math

Inline math such as $e^{{i\\pi}} + 1 = 0$ is typeset on the server, and so is a display equation:

$$
\\mathcal{{L}}(\\theta) = -\\mathbb{{E}}_{{(x, y)}} \\log p_\\theta(y \\mid x)
$$ {{#eq:nll}}

@eq:nll is the loss most language models are trained on.

## Citations

References come from `pages/references.bib`: attention [@vaswani2017attention] is cited by key.

## Figures

![A box labelled "Markdown" with an arrow to a box labelled "HTML"](figures/welcome-diagram.svg){{#fig:pipeline}}

/// figure-caption
From a Markdown file to a page.
///

@fig:pipeline is numbered and linked for you.

## Code

```python
import torch

scores = torch.softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0)
print(scores.sum())
```
'''


ABOUT_PAGE = '''---
title: "About"
kind: page
summary: "Who writes this blog, and why."
---

This is `pages/about.md`. `kind: page` in its front matter makes it a page rather than a post:
it is served at `/about/` with the site's layout, math such as $\\nabla_\\theta J$, citations and
figures, but it is in no listing, feed, series or search result. The header links to it through
`menu` in `blog.toml`.

Say here who you are and what the blog is about.
'''

REFERENCES_BIB = """% The references your posts cite, one entry per work: [@vaswani2017attention].

@inproceedings{vaswani2017attention,
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and Jones, Llion
            and Gomez, Aidan N. and Kaiser, Lukasz and Polosukhin, Illia},
  title = {Attention Is All You Need},
  booktitle = {NeurIPS},
  year = {2017},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
}
"""

# currentColor and no background: readable on the light and the dark theme.
DIAGRAM_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 90" width="320" height="90" role="img">
  <title>Markdown to HTML</title>
  <g fill="none" stroke="currentColor" stroke-width="2" color="#4a6fa5">
    <rect x="10" y="20" width="110" height="50" rx="8"/>
    <rect x="200" y="20" width="110" height="50" rx="8"/>
    <path d="M125 45 H190 M180 37 L192 45 L180 53"/>
  </g>
  <g font-family="sans-serif" font-size="16" fill="#4a6fa5" text-anchor="middle">
    <text x="65" y="50">Markdown</text>
    <text x="255" y="50">HTML</text>
  </g>
</svg>
"""


def files(today: dt.date, blog_toml: str) -> dict[str, str]:
    """Path inside the new blog -> its text (``blog_toml`` comes from the settings, above this stage)."""
    from .publish_workflow import PUBLISH_YML, REQUIREMENTS_TXT

    return {
        "app.py": APP_PY,
        "blog.toml": blog_toml,
        ".gitignore": GITIGNORE,
        "pages/welcome.md": welcome_post(today),
        "pages/about.md": ABOUT_PAGE,
        "pages/references.bib": REFERENCES_BIB,
        "pages/figures/welcome-diagram.svg": DIAGRAM_SVG,
        ".github/workflows/publish.yml": PUBLISH_YML,
        "requirements.txt": REQUIREMENTS_TXT,
    }
