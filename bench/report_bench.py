"""The yearly report's figures (issue 22) over many decisions: 10,000 decisions with 3,000
assessments, then 100,000 with 30,000, on a migrated database with the demo loaded.

The figures are aggregated in the database (``operations.yearly_figures``): the time should
grow no faster than the rows (the ratio 100k/10k at most 10), and stay under 2 s on
PostgreSQL. The rows are written with bulk INSERTs (decisions, assessments with answers,
and their ``assessment_facts`` from ``report_facts.facts_of``, as the session hooks would).

Run: `nice -n 10 .venv/bin/python -m bench.report_bench` (SQLite file), add `--postgresql`
for a throwaway PostgreSQL cluster (tests/pgcluster.py).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from assess import create_app
from assess.extensions import db
from assess.models import Assessment, AssessmentFact, Body, Decision, Organisation
from assess.operations.demo import load_demo
from assess.operations.yearly_figures import figures
from assess.report_facts import facts_of
from bench.common import machine, median_ms
from tests.support import login, user

SIZES = ((10_000, 3_000), (100_000, 30_000))
RUNS = 3
BATCH = 5_000
RULES = ("serious_negative_effect", "missing_mitigation", "single_alternative", "no_follow_up")
GROUPS = ("children", "youth", "older_people", "low_income", "disabled")
DIMENSIONS = ("health", "income", "access_to_services")


def answers(rng: random.Random, level: str) -> dict:
    if level == "none":
        return {"screening": {"level": "none", "exempt_category": rng.choice([None, "routine"])}}
    return {
        "screening": {"level": level},
        "alternatives": [{"id": "zero", "zero_option": True}, {"id": "a1"}],
        "flags": [
            {
                "id": str(i),
                "rule": rng.choice(RULES),
                "severity": "high",
                "status": rng.choice(["open", "acknowledged", "resolved"]),
            }
            for i in range(rng.randint(0, 3))
        ],
        "impacts": [
            {
                "alternative": "a1",
                "group": rng.choice(GROUPS),
                "dimension": rng.choice(DIMENSIONS),
                "direction": rng.choice(["negative", "positive", "neutral"]),
            }
            for _ in range(rng.randint(1, 5))
        ],
        "hearings": [{"council": "youth_council", "answered_on": "2026-02-01"}],
        "plan_links": [{"objective": "obj-1", "effect": rng.choice(["helped", "harmed"])}],
        "indicators": [{"id": "i1", "review_date": f"2026-{rng.randint(1, 12):02d}-15"}],
    }


def add(decisions: int, assessments: int, start: int, rng: random.Random) -> None:
    """Add ``decisions`` decisions of 2026 (and a tenth of other years), ``assessments`` of
    them with an active, mostly approved assessment, and the assessments' facts."""
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    bodies = [b.id for b in db.session.scalars(select(Body).where(Body.organisation_id == org.id))]
    preparer = user("preparer").id
    conn = db.session.connection()
    first_id = (conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM decisions")) or 0) + 1
    first_assessment = (conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM assessments")) or 0) + 1
    now = datetime.now(UTC)
    rows, arows, frows = [], [], []
    for n in range(decisions):
        did = first_id + n
        year = 2026 if rng.random() < 0.9 else 2025
        rows.append(
            {
                "id": did,
                "organisation_id": org.id,
                "case_number": f"B-{start + n}",
                "title": f"Bench {start + n}",
                "language": "fi",
                "body_id": rng.choice(bodies),
                "preparer_id": preparer,
                "proposal": "",
                "translations": {},
                "meeting_date": date(year, 1, 1) + timedelta(days=rng.randrange(365)),
                "source": rng.choice(["entered", "imported"]),
                "required_level": rng.choice([None, "none", "light", "full"]),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        if n < assessments:
            aid = first_assessment + n
            level = rng.choice(["none", "light", "full"])
            data = answers(rng, level)
            approved = datetime(year, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(525_000))
            arows.append(
                {
                    "id": aid,
                    "organisation_id": org.id,
                    "decision_id": did,
                    "active": True,
                    "workflow_key": "eva-standard",
                    "workflow_version": 1,
                    "form_key": "iva",
                    "form_version": 1,
                    "state": "approved",
                    "data": data,
                    "prepared_by_id": preparer,
                    "created_at": approved - timedelta(hours=rng.randrange(2000)),
                    "updated_at": now,
                    "version": 1,
                    "level": level,
                    "approved_at": approved if rng.random() < 0.9 else None,
                }
            )
            frows += [
                {
                    "organisation_id": org.id,
                    "assessment_id": aid,
                    "kind": f.kind,
                    "key": f.key,
                    "value": f.value,
                    "at": f.at or approved,
                }
                for f in facts_of(data)
            ]
        if len(rows) >= BATCH:
            _flush(conn, rows, arows, frows)
    _flush(conn, rows, arows, frows)
    db.session.commit()


def _flush(conn, rows, arows, frows) -> None:
    for model, batch in ((Decision, rows), (Assessment, arows), (AssessmentFact, frows)):
        if batch:
            conn.execute(insert(model), batch)
            batch.clear()


def run(url: str) -> list[tuple[int, int, float, float, float, float]]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    out = []
    context = app.app_context()
    context.push()
    upgrade()
    load_demo()
    rng = random.Random(22)
    have = (0, 0)
    for decisions, assessments in SIZES:
        add(decisions - have[0], assessments - have[1], have[0], rng)
        have = (decisions, assessments)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
        result = figures(org, 2026)
        wall, _ = median_ms(lambda org=org: figures(org, 2026), RUNS)
        db.session.rollback()
        # The page as a request has it, in its own application context (as in production).
        context.pop()
        first, page = _page_ms(app)
        context.push()
        out.append((decisions, assessments, wall, result["decisions"], first, page))
    context.pop()
    return out


def _page_ms(app) -> tuple[float, float]:
    """GET /reports/live (this year's figures, tables and four charts) as the coordinator:
    the first request, which draws the charts, and the median of RUNS after it (the charts
    cached, the figures counted again)."""
    client = app.test_client()
    login(client, "coordinator")

    def get() -> None:
        response = client.get("/reports/live")
        assert response.status_code == 200, response.status_code

    start = time.perf_counter()
    get()
    first = (time.perf_counter() - start) * 1000
    wall, _ = median_ms(get, RUNS)
    return first, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument(
        "--scale", type=int, default=1, help="Divide the sizes by this (a quick try: 100)."
    )
    args = parser.parse_args()
    global SIZES
    SIZES = tuple((d // args.scale, a // args.scale) for d, a in SIZES)
    print(machine())
    if args.postgresql:
        from tests.pgcluster import create_database, throwaway_cluster

        with throwaway_cluster() as server:
            rows = run(create_database(server, "report_bench"))
    else:
        rows = run(f"sqlite:///{Path(tempfile.mkdtemp()) / 'report.db'}")
    print(
        "decisions  assessments  figures() ms  decisions of 2026  "
        "page ms, first (charts drawn)  page ms (median of 3)"
    )
    for decisions, assessments, ms, counted, first, page in rows:
        print(
            f"{decisions:>9}  {assessments:>11}  {ms:>12.0f}  {counted:>17}  "
            f"{first:>29.0f}  {page:>21.0f}"
        )
    print(
        f"ratio 100k/10k: figures {rows[1][2] / rows[0][2]:.1f}, page {rows[1][5] / rows[0][5]:.1f}"
    )


if __name__ == "__main__":
    main()
