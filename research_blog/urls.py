"""Absolute URLs for feeds, the sitemap and canonical links.

``BLOG_SITE_URL`` is where the application's root is published (for an
embedded blog, the host site's root; the blog's own prefix is added by
url_for). Without it, the URL the request came in on is used, which is also
what a freeze with ``--base-url`` provides.
"""

from __future__ import annotations

from flask import current_app, request, url_for


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint``, suitable for a feed reader or a crawler."""
    site_url = current_app.config.get("BLOG_SITE_URL")
    if not site_url:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    root = request.script_root
    if root and path.startswith(root):
        path = path[len(root):]
    return site_url.rstrip("/") + path
