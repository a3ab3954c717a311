"""The yearly report (issue 22): fill ``assessment_facts`` and ``assessments.submitted_at``
/ ``approved_at`` for the rows written before the operations kept them.

- facts: ``assess.report_facts.facts_of`` of each assessment's data (the pure function the
  session hooks of ``operations/report_facts_index.py`` use); a flag's ``at`` (when it
  appeared) is the first audit event that recorded a flag of its rule on the assessment,
  else the assessment's start; an ex-post result's is the assessment's last change;
- times: the assessment's ``assessment.transition`` events replayed in order, as the
  transition use case keeps them now: ``submitted_at`` the first move into a state that
  awaits review, ``approved_at`` the latest move into an approved or ready-for-the-agenda
  state from one that was neither, cleared by a move back into an editable or inactive
  state. What the states mean comes from the shipped workflow files (their ids are shared).

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-28 12:30:00

"""

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op

from assess.report_facts import FLAG, facts_of

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

BATCH = 1000
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def _meanings() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"review": set(), "done": set(), "undone": set()}
    for path in sorted(WORKFLOWS.glob("*.yaml")):
        for state, spec in (yaml.safe_load(path.read_text(encoding="utf-8"))["states"]).items():
            spec = spec or {}
            if spec.get("awaits_review"):
                out["review"].add(state)
            if spec.get("approved") or spec.get("ready_for_agenda"):
                out["done"].add(state)
            if spec.get("editable") or spec.get("active") is False:
                out["undone"].add(state)
    return out


def _utc(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def upgrade():
    bind = op.get_bind()
    meaning = _meanings()
    assessments = sa.table(
        "assessments",
        sa.column("id", sa.Integer),
        sa.column("organisation_id", sa.Integer),
        sa.column("data", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("submitted_at", sa.DateTime(timezone=True)),
        sa.column("approved_at", sa.DateTime(timezone=True)),
    )
    organisations = sa.table(
        "organisations", sa.column("id", sa.Integer), sa.column("time_zone", sa.String)
    )
    facts = sa.table(
        "assessment_facts",
        sa.column("organisation_id", sa.Integer),
        sa.column("assessment_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("key", sa.String),
        sa.column("value", sa.String),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("action", sa.String),
        sa.column("object_type", sa.String),
        sa.column("object_id", sa.Integer),
        sa.column("changes", sa.JSON),
        sa.column("transition", sa.JSON),
    )
    zones = {i: z or "Europe/Helsinki" for i, z in bind.execute(sa.select(organisations))}

    # What the audit log says of each assessment: its transitions and its flags' first times.
    moves: dict[int, list[tuple[datetime, str]]] = {}
    flag_first: dict[int, dict[str, datetime]] = {}
    for object_id, at, action, changes, transition in bind.execute(
        sa.select(
            events.c.object_id, events.c.at, events.c.action, events.c.changes, events.c.transition
        )
        .where(events.c.object_type == "assessment")
        .order_by(events.c.id)
    ):
        at = _utc(at)
        if action == "assessment.transition" and isinstance(transition, dict):
            if isinstance(transition.get("to"), str):
                moves.setdefault(object_id, []).append((at, transition["to"]))
        for change in changes if isinstance(changes, list) else []:
            if (
                isinstance(change, dict)
                and str(change.get("field", "")).startswith("flags.")
                and isinstance(change.get("rule"), str)
            ):
                flag_first.setdefault(object_id, {}).setdefault(change["rule"], at)

    bind.execute(facts.delete())
    rows: list[dict] = []
    for row in bind.execute(sa.select(assessments)).all():
        created, updated = _utc(row.created_at), _utc(row.updated_at)
        firsts = flag_first.get(row.id, {})
        for fact in sorted(
            facts_of(row.data, time_zone=zones.get(row.organisation_id, "Europe/Helsinki"))
        ):
            at = fact.at
            if fact.first_seen:
                at = firsts.get(fact.key, created) if fact.kind == FLAG else updated
            rows.append(
                {
                    "organisation_id": row.organisation_id,
                    "assessment_id": row.id,
                    "kind": fact.kind,
                    "key": fact.key,
                    "value": fact.value,
                    "at": _utc(at),  # SQLite keeps no offset: UTC, as the models store
                }
            )
        if len(rows) >= BATCH:
            bind.execute(facts.insert(), rows)
            rows = []
        submitted, approved, state = None, None, None
        for at, to in moves.get(row.id, []):
            if submitted is None and to in meaning["review"]:
                submitted = at
            if to in meaning["done"]:
                if state not in meaning["done"] or approved is None:
                    approved = at
            elif to in meaning["undone"]:
                approved = None
            state = to
        if (submitted, approved) != (_utc(row.submitted_at), _utc(row.approved_at)):
            bind.execute(
                assessments.update()
                .where(assessments.c.id == row.id)
                .values(submitted_at=submitted, approved_at=approved)
            )
    if rows:
        bind.execute(facts.insert(), rows)


def downgrade():
    # The filled values stay: they are what the operations would have written.
    pass
