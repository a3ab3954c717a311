"""Where a page sends the person back after saving: "Change" on check-your-answers adds
``return_to`` to a question's page, so saving it returns there (issue 20).

Only a path on this site is followed: a full URL, a scheme-relative ``//host`` or a
backslash (which browsers read as a slash) is ignored, so the parameter can never send
anyone elsewhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

PARAM = "return_to"
MAX_LENGTH = 500


def safe_return(target: str | None) -> str | None:
    """``target`` when it is a relative path on this site, else None."""
    if not target or len(target) > MAX_LENGTH:
        return None
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def requested() -> str | None:
    """The validated return target of the current request (query string or form)."""
    return safe_return(request.values.get(PARAM))
