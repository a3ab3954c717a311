"""Helpers shared by the tests."""

from __future__ import annotations

import re

import pytest

# The realistic answers live with the demo scenario, so the demo shows what the tests check.
from assess.operations.demo_scenario import (  # noqa: F401  (re-exported for the tests)
    acknowledge_high,
    complete_assessment,
    complete_screening,
    prepared,
    to_review,
)

CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)

DEMO_PASSWORDS = {
    "preparer": ("preparer@demo.example", "demo-preparer-2026"),
    "reviewer": ("reviewer@demo.example", "demo-reviewer-2026"),
    "secretary": ("secretary@demo.example", "demo-secretary-2026"),
    "auditor": ("auditor@demo.example", "demo-auditor-2026"),
    "admin": ("admin@demo.example", "demo-admin-2026"),
}


def missing(what: str) -> None:
    """A part this test needs is not installed: fail, saying what to install.

    Never a skip: a skipped test proves nothing, and the suite must not look green on a
    machine that cannot run it.
    """
    pytest.fail(f"{what}. Install it (see the README) and run the tests again.")


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def login(
    client, role: str | None = None, *, email: str | None = None, password: str | None = None
):
    """Log in through the form; afterwards ``client.csrf`` holds the session's token."""
    if role is not None:
        email, password = DEMO_PASSWORDS[role]
    page = client.get("/login")
    client.csrf = csrf_token(page.get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": client.csrf}
    )
    if response.status_code == 302:
        # Log-in starts a fresh session, and with it a new CSRF secret.
        client.csrf = csrf_token(client.get("/").get_data(as_text=True))
    return response


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form with the CSRF token of the client's session."""
    data = dict(data or {})
    data.setdefault("csrf_token", client.csrf)
    return client.post(url, data=data, **kwargs)


def use_language(client, language: str) -> None:
    """Choose the UI language the way a person does, with the switch on the page."""
    page = client.get("/login")
    if page.status_code == 302:  # logged in already
        page = client.get("/")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post(
        "/language", data={"language": language, "csrf_token": token, "next": "/"}
    )
    assert response.status_code == 302


def user(email_or_role: str):
    """A demo user by role name or e-mail (inside an application context)."""
    from assess.operations.users import user_by_email

    email = DEMO_PASSWORDS[email_or_role][0] if email_or_role in DEMO_PASSWORDS else email_or_role
    return user_by_email(email)
