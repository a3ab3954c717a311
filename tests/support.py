"""Helpers shared by the tests."""

from __future__ import annotations

import os
import re

import pytest

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


def strict() -> bool:
    """In CI every browser and PostgreSQL test must run: a missing part fails."""
    return os.environ.get("ASSESS_TEST_STRICT") == "1"


def missing(what: str) -> None:
    """A part for this test is not installed: fail in CI, skip on a laptop."""
    if strict():
        pytest.fail(f"{what} (ASSESS_TEST_STRICT=1 turns this skip into a failure)")
    pytest.skip(what)


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


def complete_screening(preparer, a, level="light"):
    """Answer the screening through the operations (s_many_residents yes, the rest no)."""
    from assess.operations import answers as answer_ops

    form = answer_ops.form_for(a)
    answers = {q.id: "no" for q in form.screening.questions}
    answers["s_many_residents"] = "yes"
    if level == "full":
        answers["s_service_network"] = "yes"
    answer_ops.save_screening(preparer, a, {"answers": answers, "level": level},
                              expected_version=a.version)  # fmt: skip


def complete_assessment(preparer, a, level="light"):
    """Fill every section of a realistic assessment through the operations layer."""
    from assess.operations import answers as answer_ops

    def section(section_id, payload):
        answer_ops.save_section(preparer, a, section_id, payload, expected_version=a.version)

    section(
        "scoping",
        {
            "answers": {
                "groups_in_scope": ["older_people", "rural_residents"],
                "dimensions_in_scope": ["access_to_services"],
                "time_horizons": ["budget_year"],
            }
        },
    )
    section(
        "evidence",
        {"answers": {"sources": [{"title": "Visit statistics 2025", "kind": "statistics"}]}},
    )
    section(
        "hearings",
        {
            "hearings": [
                {
                    "council": "older_people_council",
                    "requested_on": "2026-09-01",
                    "answered_on": "2026-09-20",
                    "statement": "Transport must be arranged.",
                    "taken_into_account": "A service bus was added.",
                }
            ]
        },
    )
    alternatives = ["proposal"]
    if level == "full":
        section(
            "alternatives",
            {
                "alternatives": [
                    {
                        "id": "ve0",
                        "label": "VE0",
                        "description": "The station stays open.",
                        "zero_option": True,
                    },
                    {
                        "id": "ve1",
                        "label": "VE1",
                        "description": "Services move to the centre.",
                        "recommended": True,
                    },
                ]
            },
        )
        alternatives = ["ve0", "ve1"]
    for alt in alternatives:
        for group in ("older_people", "rural_residents"):
            answer_ops.save_cell(
                preparer,
                a,
                {
                    "alternative": alt,
                    "group": group,
                    "dimension": "access_to_services",
                    "direction": "negative",
                    "magnitude": "moderate",
                    "likelihood": "likely",
                    "rationale": "Longer trips to the health centre.",
                    "evidence": "Visit statistics 2025",
                    "mitigation": "A service bus twice a week.",
                },
                expected_version=a.version,
            )
    section(
        "mitigation",
        {
            "answers": {
                "comparison": "VE1 saves costs; VE0 keeps access.",
                "recommendation_reason": "Staff shortage.",
            }
        },
    )
    section(
        "follow_up",
        {
            "indicators": [
                {"name": "Trips to the centre", "owner": "Paula", "review_date": "2027-12-31"}
            ]
        },
    )
    section("summary", {"summary": {"fi": "Tiivistelmä.", "sv": "Sammanfattning."}})


def acknowledge_high(reviewer, a, comment="Accepted: the effect is weighed in the proposal."):
    """Acknowledge every open high flag, as a reviewer does before approving."""
    from assess.operations import flags as flag_ops

    acknowledged = []
    for f in list((a.data or {}).get("flags") or []):
        if f["severity"] == "high" and f["status"] == "open":
            flag_ops.acknowledge(reviewer, a, f["id"], comment, expected_version=a.version)
            acknowledged.append(f["id"])
    return acknowledged
