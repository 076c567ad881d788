"""A small link checker used by the served, frozen and embedded tests.

It starts from some URLs, follows every internal ``href``/``src`` in HTML and
every ``url(...)`` in CSS, and reports what does not resolve. ``fetch`` hides
where pages come from: a Flask test client or files on disk.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# fetch(path) -> (status, content_type, body) ; status 200 means found.
Fetch = Callable[[str], tuple[int, str, bytes]]

_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def client_fetcher(client) -> Fetch:
    """Fetch pages from a Flask test client (responses closed, so no file stays open)."""
    def fetch(path: str):
        with client.get(path) as response:
            return response.status_code, response.content_type, response.data
    return fetch


def file_fetcher(root: Path, base_path: str = "/") -> Fetch:
    """Fetch pages from a frozen folder the way a static host would serve it."""
    def fetch(path: str):
        if not path.startswith(base_path):
            return 404, "", b""
        relative = unquote(path[len(base_path):])  # a static host decodes %-escapes to find the file
        target = root / (relative + "index.html" if relative.endswith("/") or not relative else relative)
        if not target.is_file():
            return 404, "", b""
        return 200, mimetypes.guess_type(target.name)[0] or "", target.read_bytes()
    return fetch


def links_in(content_type: str, body: bytes) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    if "html" in content_type:
        parser = _Links()
        parser.feed(text)
        return parser.links
    if "css" in content_type:
        return _CSS_URL.findall(text)
    return []


def crawl(fetch: Fetch, start: list[str], origin: str = "http://localhost") -> tuple[set[str], list[str]]:
    """Visit every internal URL reachable from ``start``; return (visited, broken)."""
    seen: set[str] = set()
    broken: list[str] = []
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        status, content_type, body = fetch(path)
        if status != 200:
            broken.append(f"{path} -> {status}")
            continue
        for link in links_in(content_type, body):
            absolute = urljoin(origin + path, link)
            parts = urlsplit(absolute)
            if absolute.startswith(("mailto:", "data:")) or f"{parts.scheme}://{parts.netloc}" != origin:
                continue
            if parts.path not in seen:
                queue.append(parts.path)
    return seen, broken
