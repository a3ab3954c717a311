"""Fill ``decisions.required_level`` of the decisions made before the operations kept it
(issue 22): the least level the assessment policy asks of each, as
``operations.required_levels`` reckons it. The rule of the policy version the decision's
active assessment started under; without an assessment, the version in force on the
meeting's date (today in Finland when it has none); no version, the built-in default.
Decisions whose level is already kept are left as they are.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-28 12:45:00

"""

import json
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from assess.policy import Policy, apply

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

CHUNK = 500


def upgrade():
    bind = op.get_bind()
    versions = {}  # id -> (organisation, version, starts_on, Policy)
    published = defaultdict(list)  # organisation -> [(starts_on, version, id)]
    for row in bind.execute(
        sa.text(
            "SELECT id, organisation_id, version, starts_on, data FROM policy_versions "
            "WHERE status = 'published'"
        )
    ):
        data = row.data if isinstance(row.data, dict) else json.loads(row.data)
        starts_on = row.starts_on
        if isinstance(starts_on, str):
            starts_on = date.fromisoformat(starts_on)
        versions[row.id] = (row.version, starts_on, Policy.load(data))
        published[row.organisation_id].append((starts_on, row.version, row.id))
    today = datetime.now(ZoneInfo("Europe/Helsinki")).date()

    def in_force(organisation_id, on):
        found = [v for v in published[organisation_id] if v[0] is not None and v[0] <= on]
        return max(found)[2] if found else None

    rows = bind.execute(
        sa.text(
            "SELECT d.id, d.organisation_id, d.amount_eur, d.meeting_date, b.key AS body, "
            "t.key AS decision_type, a.id AS assessment_id, a.policy_version_id "
            "FROM decisions d JOIN bodies b ON b.id = d.body_id "
            "LEFT JOIN decision_types t ON t.id = d.decision_type_id "
            "LEFT JOIN assessments a ON a.decision_id = d.id AND a.active = :yes "
            "WHERE d.required_level IS NULL"
        ),
        {"yes": True},
    ).all()
    by_level = defaultdict(list)
    for r in rows:
        if r.assessment_id is not None:
            version_id = r.policy_version_id
        else:
            on = r.meeting_date or today
            if isinstance(on, str):
                on = date.fromisoformat(on)
            version_id = in_force(r.organisation_id, on)
        number, starts_on, policy = versions.get(version_id, (None, None, None))
        applied = apply(
            policy,
            decision_type=r.decision_type,
            body=r.body,
            amount_eur=r.amount_eur,
            policy_version=number,
            starts_on=starts_on,
        )
        by_level[applied.minimum_level].append(r.id)
    for level, ids in by_level.items():
        for start in range(0, len(ids), CHUNK):
            bind.execute(
                sa.text("UPDATE decisions SET required_level = :level WHERE id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"level": level, "ids": ids[start : start + CHUNK]},
            )


def downgrade():
    # The column is 0024's; the levels filled here are as good as those kept since.
    pass
