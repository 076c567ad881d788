"""Response headers that keep pages from doing more than a blog needs."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Response, current_app, request
from markupsafe import escape
from werkzeug.utils import redirect

# No inline or third-party script anywhere. KaTeX's HTML sizes glyph boxes with
# inline style attributes, so those (and only those) are allowed. The search
# (Pagefind) runs WebAssembly, which browsers compile only under
# 'wasm-unsafe-eval': it allows compiling WebAssembly, and no JavaScript eval.
_POLICY = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
]
CONTENT_SECURITY_POLICY = "; ".join(_POLICY)
# The same policy for a <meta http-equiv> tag, which is all a static host may
# offer: browsers ignore (and complain about) frame-ancestors there.
META_CONTENT_SECURITY_POLICY = "; ".join(d for d in _POLICY if not d.startswith("frame-ancestors"))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


_HEADER_KEYS = {name.lower(): name for name in HEADERS}


# Set on a response whose security headers are in place: the standalone site runs
# add_security_headers for the blueprint and again for the app, and a cached page
# comes with them (pagecache.py), so later calls need not look through its headers.
SECURED = "research_blog_secured"


def add_security_headers(response: Response) -> Response:
    """Set CSP, nosniff and referrer policy unless the response already has them."""
    if getattr(response, SECURED, False):
        return response
    # One pass over the headers: Headers.setdefault raises and catches a KeyError
    # per missing header, which costs more than the rest of a cached page request.
    present = {name.lower() for name, _ in response.headers}
    for key, name in _HEADER_KEYS.items():
        if key not in present:
            response.headers.add(name, HEADERS[name])
    setattr(response, SECURED, True)
    return response


def relative_redirects(response: Response) -> Response:
    """Make redirects into the blog relative, so a forged Host header is never echoed back.

    Werkzeug's trailing-slash redirect (``/ppo`` -> ``/ppo/``) is absolute and
    names whatever host the request claimed; a shared cache would keep it.
    """
    location = response.headers.get("Location") if 300 <= response.status_code < 400 else None
    if location:
        parts = urlsplit(location)
        blog_root = request.script_root + (current_app.config["BLOG_URL_PREFIX"] or "")
        if parts.netloc == request.host and parts.path.startswith(blog_root or "/"):
            relative = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
            response.headers["Location"] = relative
            # Its HTML body ("click the link") spells the same URL out: say it relatively there too.
            if response.mimetype == "text/html" and str(escape(location)) in response.get_data(as_text=True):
                response.set_data(redirect(relative, response.status_code).get_data())
    return response


def netlify_headers() -> str:
    """A ``_headers`` file (Netlify, Cloudflare Pages) giving frozen pages the served headers."""
    lines = ["/*"] + [f"  {name}: {value}" for name, value in HEADERS.items()]
    return "\n".join(lines) + "\n"
