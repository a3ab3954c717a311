"""The demo organisation's wellbeing plan (issue 18), from ``assess/data/demo-wellbeing-plan.yaml``.

Kept apart from ``demo.load_demo``, as the demo policy is: the tests build on the demo data
without a plan (no plan_not_considered flag on their assessments), and a person trying the
demo gets the plan with ``flask --app wsgi demo load``. Idempotent: an organisation that has
a plan keeps it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..definitions import load_yaml
from ..extensions import db
from ..models import Organisation, User
from .demo import ORGANISATION, USERS
from .plan import objectives_of, replace_plan

PLAN_FILE = Path(__file__).resolve().parents[1] / "data" / "demo-wellbeing-plan.yaml"


def load_demo_plan() -> dict[str, int]:
    added = {"plan objectives": 0}
    org = db.session.scalar(
        select(Organisation).where(Organisation.name_fi == ORGANISATION["name_fi"])
    )
    admin = db.session.scalar(select(User).where(User.email == USERS[4][0]))
    if org is None or admin is None or objectives_of(org.id):
        return added
    plan = load_yaml(PLAN_FILE.read_text(encoding="utf-8"))
    added["plan objectives"] = len(replace_plan(admin, plan, organisation=org))
    return added
