"""The security headers of every response, pages, API and downloads alike.

Kept in the application's own hook rather than flask-talisman: Talisman would add a
second place that sets the same headers (CSP, frame options, HSTS, the cookie flags
that config.py already sets) and its HTTPS redirect belongs to the reverse proxy; what
it would add beyond these few lines is configuration surface, not protection.
"""

from __future__ import annotations

from flask import Flask, current_app, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'"
)
# Nothing in the product uses a camera, a microphone, the location or any of these powers:
# a script that got onto a page (or a frame of it) gets none of them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)
# Files carry personal and case data: no cache, shared or the browser's own, keeps a copy.
DOWNLOAD_CACHE_CONTROL = "private, no-store"


def init_app(app: Flask) -> None:
    app.after_request(security_headers)


def served_over_https(config) -> bool:
    """Whether the installation is configured for HTTPS only (production is)."""
    return config.get("PREFERRED_URL_SCHEME") == "https" or bool(
        config.get("SESSION_COOKIE_SECURE")
    )


def security_headers(response):
    headers = response.headers
    config = current_app.config
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    max_age = int(config.get("HSTS_MAX_AGE") or 0)
    if max_age > 0 and served_over_https(config):
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    if headers.get("Content-Disposition", "").lower().startswith("attachment"):
        # send_file sets its own "no-cache" (stored, revalidated): replace it.
        headers["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
    elif request.endpoint and not request.endpoint.startswith("static"):
        # Pages show personal and case data: never keep them in shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response
