"""Which links a writer may publish: the rule front matter and .bib files share."""

from __future__ import annotations

import re

# What a writer's link may point to: a web page. Never `javascript:`, `data:` or `file:`,
# which feed readers follow even where our Content-Security-Policy would not.
_WEB_LINK = re.compile(r"https?://\S", re.I)


def is_web_link(url: str) -> bool:
    """Whether a writer's ``url`` (front-matter ``links``, a .bib ``url``) may become a link: http(s) only."""
    return _WEB_LINK.match(url) is not None
