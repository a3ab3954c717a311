"""Demo data: a bilingual wellbeing services county with one user per role.

Idempotent: running it again adds only what is missing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Body, Decision, Organisation, User
from ._tx import transaction
from .decisions import create_decision
from .users import create_user

ORGANISATION = {
    "name_fi": "Keski-Pohjanmaan hyvinvointialue",
    "name_sv": "Mellersta Österbottens välfärdsområde",
    "bilingual": True,
    "minority_language": "sv",
    "kind": "wellbeing_county",
    "settings": {"investment_threshold_eur": 100_000, "default_language": "fi"},
}

# name_fi, name_sv, key (what the demo policy names), kind
BODIES = [
    ("Aluehallitus", "Välfärdsområdesstyrelsen", "executive_board", "executive_board"),
    ("Hyvinvointilautakunta", "Välfärdsnämnden", "wellbeing_committee", "committee"),
    ("Pelastuslautakunta", "Räddningsnämnden", "rescue_committee", "committee"),
]

# email, name, roles, password, UI language. The passwords are in the README.
USERS = [
    ("preparer@demo.example", "Paula Peltonen", ["preparer"], "demo-preparer-2026", "fi"),
    ("reviewer@demo.example", "Rasmus Backman", ["reviewer"], "demo-reviewer-2026", "sv"),
    ("secretary@demo.example", "Sanna Sihvonen", ["secretary"], "demo-secretary-2026", "fi"),
    ("auditor@demo.example", "Aino Auvinen", ["auditor"], "demo-auditor-2026", "fi"),
    ("admin@demo.example", "Anders Holm", ["admin"], "demo-admin-2026", "en"),
    # The wellbeing coordinator (issue 22): the yearly report and the regional view.
    ("coordinator@demo.example", "Kerttu Koskinen", ["coordinator"], "demo-coordinator-2026", "fi"),
]

DECISIONS: list[dict[str, Any]] = [
    {
        "case_number": "KPHA/412/2026",
        "title": "Halsuan terveysaseman vastaanoton lakkauttaminen ja palvelujen siirto Kokkolaan",
        "language": "fi",
        "body": 0,
        "proposal": "Aluehallitus päättää lakkauttaa Halsuan terveysaseman vastaanoton "
        "1.6.2027 alkaen ja siirtää palvelut Kokkolan terveyskeskukseen.",
    },
    {
        "case_number": "KPHA/388/2026",
        "title": "Sosiaali- ja terveydenhuollon asiakasmaksujen tarkistaminen vuodelle 2027",
        "language": "fi",
        "body": 1,
        "proposal": "",
    },
    {
        "case_number": "MÖVO/95/2026",
        "title": "Sammanslagning av dagverksamheten för äldre i Karleby",
        "language": "sv",
        "body": 1,
        "proposal": "Välfärdsnämnden beslutar att dagverksamheten för äldre vid två enheter "
        "slås samman till en enhet i Karleby centrum från och med 1.1.2027.",
    },
    {
        "case_number": "KPHA/430/2026",
        "title": "Ensihoidon asemaverkon muutos Kaustisen seutukunnassa",
        "language": "fi",
        "body": 2,
        "proposal": "",
    },
]


def load_demo() -> dict[str, int]:
    """Create what is missing of the demo data; return how many of each were added."""
    added = {"organisations": 0, "bodies": 0, "users": 0, "decisions": 0}
    org = db.session.scalar(
        select(Organisation).where(Organisation.name_fi == ORGANISATION["name_fi"])
    )
    with transaction() as session:
        if org is None:
            org = Organisation(**ORGANISATION)
            session.add(org)
            added["organisations"] += 1
        existing = {b.name_fi: b for b in org.bodies}
        for fi, sv, key, kind in BODIES:
            body = existing.get(fi)
            if body is None:
                session.add(Body(organisation=org, key=key, kind=kind, name_fi=fi, name_sv=sv))
                added["bodies"] += 1
            elif body.key == f"body-{body.id}":
                # A demo database made before bodies had keys: give them the demo's own.
                body.key, body.kind = key, kind
    bodies = {b.name_fi: b for b in org.bodies}

    for email, name, roles, password, language in USERS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            create_user(
                organisation=org,
                email=email,
                name=name,
                roles=roles,
                password=password,
                preferred_language=language,
                demo_account=True,
            )
            added["users"] += 1

    preparer = db.session.scalars(select(User).where(User.email == USERS[0][0])).one()
    for spec in DECISIONS:
        exists = db.session.scalar(
            select(Decision.id).where(
                Decision.organisation_id == org.id, Decision.case_number == spec["case_number"]
            )
        )
        if exists is None:
            data = dict(spec)
            data["body_id"] = bodies[BODIES[data.pop("body")][0]].id
            create_decision(preparer, **data)
            added["decisions"] += 1
    return added
