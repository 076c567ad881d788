"""Response headers that keep pages from doing more than a blog needs."""

from __future__ import annotations

from flask import Response

# No inline or third-party script anywhere. KaTeX's HTML sizes glyph boxes with
# inline style attributes, so those (and only those) are allowed.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])


def add_security_headers(response: Response) -> Response:
    """Set CSP, nosniff and referrer policy unless the response already has them."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response
