"""Posts whose words are known, for the search tests: each word below appears in one place only."""

from __future__ import annotations

from pathlib import Path

BODY_ONLY = "quokkalytic"         # a paragraph of the body
HEADING_WORDS = "zebra crossings"  # a heading of the body (its id: zebra-crossings)
FOOTNOTE = "wombatish"            # a footnote
TABLE_CELL = "pangolinite"        # a table cell
CAPTION = "narwhalesque"          # a figure's caption
CODE = "frobnicate_tensor"        # an identifier in a code block
MATH = "sparsemax"                # \operatorname{sparsemax} in a formula
REFERENCE = "xylophonic"           # the title of a cited paper: in the references list only
DRAFT = "draftonlyword"           # a draft's body
SCHEDULED = "futureonlyword"      # the body of a post dated in the future
SHARED = "capybara"               # in a Research post and an Optimisation post: the filters tell them apart
HOSTILE_TITLE = "<img src=x onerror=alert(1)> Escaped"
TITLE_WORD = "ocelot"              # the title of one post, and three times in the body of another

_MAIN = f"""---
title: "Searchable things"
date: 2024-05-01
summary: "A post for the search tests."
category: Research
tags: [alpha, beta]
series: "Finders"
series_part: 1
bibliography: refs.bib
---

The {BODY_ONLY} method works on a {SHARED}, as argued in [@smith2020].

Its objective is $\\operatorname{{{MATH}}}(z)$, a sparse softmax.[^1]

[^1]: A note on the {FOOTNOTE} case.

| Method | Score |
|--------|-------|
| {TABLE_CELL} | 3 |

<figure><img src="figures/none.svg" alt="nothing"><figcaption>A {CAPTION} figure.</figcaption></figure>

```python
def {CODE}(x):
    return x
```

## Zebra crossings

Where the section about crossings goes on for a while, with plain words.

## Another section

Nothing to see, except an {TITLE_WORD}, another {TITLE_WORD} and a third {TITLE_WORD}.
"""

_BIB = f"""@article{{smith2020,
  author = {{Smith, Jane}},
  title = {{The {REFERENCE} paper}},
  journal = {{Journal}},
  year = {{2020}}
}}
"""

_OTHER = f"""---
title: "Optimisation notes"
date: 2024-04-01
summary: "Another post."
category: Optimisation
tags: [gamma]
---

A {SHARED} in a different category.
"""

_HOSTILE = f"""---
title: "{HOSTILE_TITLE}"
date: 2024-03-01
summary: "A title that must stay text."
category: Research
---

The hostileword post.
"""

_DRAFT = f"""---
title: "Draft"
date: 2024-02-01
summary: "Not yet."
category: Research
draft: true
---

The {DRAFT} text.
"""

_SCHEDULED = f"""---
title: "Later"
date: 2999-01-01
summary: "Not yet."
category: Research
---

The {SCHEDULED} text.
"""


_TITLED = f"""---
title: "The {TITLE_WORD.capitalize()} post"
date: 2024-01-15
summary: "Short."
category: Research
---

Nothing else here.
"""


def write_search_posts(folder: Path) -> Path:
    """Write the posts into ``folder`` (created); return it."""
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    (folder / "figures" / "none.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    for name, text in (("searchable.md", _MAIN), ("refs.bib", _BIB), ("other.md", _OTHER),
                       ("hostile.md", _HOSTILE), ("titled.md", _TITLED), ("draft.md", _DRAFT), ("later.md", _SCHEDULED)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder
