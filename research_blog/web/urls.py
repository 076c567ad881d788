"""Absolute URLs for feeds, the sitemap and canonical links, from trusted sources only.

``BLOG_SITE_URL`` is where the application's root is published (for an
embedded blog, the host site's root; the blog's own prefix is added by
url_for); a freeze's ``--base-url`` sets it. Without it, the URL a request came
in on is used only where its Host header can be trusted: on the dev server
(``--debug``), or when Flask's ``TRUSTED_HOSTS`` makes Flask refuse other hosts.
Otherwise an attacker's ``Host: evil.example`` would end up in canonical links
and feeds that a shared cache then serves to everyone; so there are no absolute
URLs at all: pages go without a canonical link, and the feed and sitemap,
which cannot do without them, are not served (the log says why, once).
"""

from __future__ import annotations

from flask import current_app, request, url_for


def site_url_known() -> bool:
    """Whether absolute URLs can be made: configured, or from a request that can be trusted."""
    config = current_app.config
    return bool(config.get("BLOG_SITE_URL")) or current_app.debug or config.get("TRUSTED_HOSTS") is not None


def external_url(endpoint: str, **values) -> str | None:
    """The absolute URL of ``endpoint``, or None when no trusted site URL is known."""
    site_url = current_app.config.get("BLOG_SITE_URL")
    if not site_url:
        return url_for(endpoint, _external=True, **values) if site_url_known() else None
    path = url_for(endpoint, **values)
    root = request.script_root
    if root and path.startswith(root):
        path = path[len(root):]
    return site_url.rstrip("/") + path
