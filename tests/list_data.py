"""Many decisions and assessments written in bulk, for the lists' tests and bench (issue 20).

Row ``i`` is made by a rule (``row(i)``) that the tests also use as their oracle: which
body, preparer, state, level, reviewer and dates row ``i`` has is known without asking the
database. The rows are inserted directly (no operations, no audit): a list only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from assess.extensions import db
from assess.models import Assessment, Decision

# None: no assessment yet. The states are eva-standard's.
STATES = (None, "draft", "screening", "in_assessment", "in_review", "approved", "decided")
LEVELS = ("light", "full", "none")
WORDS = ("palveluverkko", "koulukuljetus", "vanhuspalvelut", "pelastustoimi", "hankinta")
START = datetime(2025, 1, 1, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    i: int
    case_number: str
    title: str
    body_id: int
    preparer_id: int
    state: str | None
    level: str | None
    reviewer_id: int | None
    updated_at: datetime


def row(i: int, *, prefix: str, bodies, preparers, reviewers) -> Row:
    state = STATES[i % len(STATES)]
    k = i // len(STATES)  # varies the level and reviewer independently of the state
    return Row(
        i=i,
        case_number=f"{prefix}/{i}/2026",
        title=f"Päätösasia {i}: {WORDS[i % len(WORDS)]}",
        body_id=bodies[i % len(bodies)],
        preparer_id=preparers[i % len(preparers)],
        state=state,
        level=None if state in (None, "draft") else LEVELS[(k // 2) % len(LEVELS)],
        reviewer_id=reviewers[k % len(reviewers)] if state == "in_review" and k % 5 != 4 else None,
        # Spread over about 14 months, one row every 30 minutes at 20,000 rows.
        updated_at=START + timedelta(minutes=30 * i),
    )


def add_rows(org_id: int, n: int, *, prefix: str, bodies, preparers, reviewers) -> list[Row]:
    """``n`` decisions of ``org_id`` (with an assessment unless the state is None)."""
    rows = [
        row(i, prefix=prefix, bodies=bodies, preparers=preparers, reviewers=reviewers)
        for i in range(n)
    ]
    batch = 2000
    for start in range(0, n, batch):
        part = rows[start : start + batch]
        db.session.execute(
            insert(Decision),
            [
                {
                    "organisation_id": org_id,
                    "case_number": r.case_number,
                    "title": r.title,
                    "language": "fi",
                    "body_id": r.body_id,
                    "preparer_id": r.preparer_id,
                    "proposal": "",
                    "translations": {},
                    "created_at": r.updated_at,
                    "updated_at": r.updated_at,
                    "version": 1,
                }
                for r in part
            ],
        )
        ids = dict(
            db.session.execute(
                select(Decision.case_number, Decision.id).where(
                    Decision.organisation_id == org_id,
                    Decision.case_number.in_([r.case_number for r in part]),
                )
            ).all()
        )
        assessments = [
            {
                "organisation_id": org_id,
                "decision_id": ids[r.case_number],
                "active": True,
                "workflow_key": "eva-standard",
                "workflow_version": 1,
                "form_key": "iva",
                "form_version": 1,
                "state": r.state,
                "data": {"screening": {"level": r.level}} if r.level else {},
                # A bulk insert runs no model events: the column the model keeps, set here.
                "level": r.level,
                "prepared_by_id": r.preparer_id,
                "reviewer_id": r.reviewer_id,
                "created_at": r.updated_at,
                "updated_at": r.updated_at,
                "version": 1,
            }
            for r in part
            if r.state is not None
        ]
        if assessments:
            db.session.execute(insert(Assessment), assessments)
    db.session.commit()
    return rows
