"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response

from briefing.rendering.embeds import frame_origins

# No inline script anywhere: every script is a file under /static. Images may come from
# any https host because update bodies embed agency photos.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "font-src 'self'",
        # An embed's frame, once a reader asks for it (rendering/embeds.py): those
        # providers and no one else.
        "frame-src " + " ".join(frame_origins()),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    wanted = dict(SECURITY_HEADERS)
    if app.config["SITE_URL"].startswith("https://"):
        wanted["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    by_lower_name = [(name.lower(), name, value) for name, value in wanted.items()]

    @app.after_request
    def _security_headers(response: Response) -> Response:
        # A response that set one of these itself keeps its own. One pass over the
        # headers: this runs on every response, a page served from the cache included.
        present = {name.lower() for name, _ in response.headers}
        for lower_name, name, value in by_lower_name:
            if lower_name not in present:
                response.headers.add(name, value)
        return response
