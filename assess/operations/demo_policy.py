"""The demo organisation's assessment policy and decision types (issue 17).

Kept apart from ``demo.load_demo`` on purpose: the tests build on the demo data as it was
before policies (no decision types, the built-in default), and a person trying the demo
gets the policy with ``flask --app wsgi demo load``. Idempotent: a policy already
published is left as it is; decisions that have a type keep it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import Decision, Organisation, PolicyVersion, User
from .decisions import update_decision
from .demo import ORGANISATION, USERS
from .policies import import_policy

POLICY_FILE = Path(__file__).resolve().parents[1] / "data" / "demo-policy.yaml"

# The demo decisions' types (by case number); the scenario's own decision is typed there.
DECISION_TYPES = {
    "KPHA/412/2026": "service_network_change",  # a health station's surgery closes
    "KPHA/388/2026": "fee_change",  # client fees for 2027
    "MÖVO/95/2026": "service_network_change",  # two day-activity units merge into one
    "KPHA/430/2026": "service_network_change",  # the ambulance station network
}


def load_demo_policy() -> dict[str, int]:
    """Publish the demo policy (from today) unless one is published, and type the demo
    decisions that have no type yet. Returns how many of each were added."""
    added = {"policies": 0, "typed decisions": 0}
    org = db.session.scalar(
        select(Organisation).where(Organisation.name_fi == ORGANISATION["name_fi"])
    )
    admin = db.session.scalar(select(User).where(User.email == USERS[4][0]))
    preparer = db.session.scalar(select(User).where(User.email == USERS[0][0]))
    if org is None or admin is None or preparer is None:
        return added
    published = db.session.scalar(
        select(PolicyVersion.id).where(
            PolicyVersion.organisation_id == org.id, PolicyVersion.status == "published"
        )
    )
    if published is None:
        _, problems = import_policy(
            admin, POLICY_FILE.read_text(encoding="utf-8"), source=POLICY_FILE.name, publish=True
        )
        if problems:
            raise RuntimeError("; ".join(str(p) for p in problems))
        added["policies"] += 1
    for case_number, type_key in DECISION_TYPES.items():
        decision = db.session.scalar(
            select(Decision).where(
                Decision.organisation_id == org.id, Decision.case_number == case_number
            )
        )
        if decision is None or decision.decision_type_id is not None:
            continue
        update_decision(
            preparer,
            decision,
            expected_version=decision.version,
            case_number=decision.case_number,
            title=decision.title,
            language=decision.language,
            body_id=decision.body_id,
            proposal=decision.proposal,
            decision_type=type_key,
        )
        added["typed decisions"] += 1
    return added
