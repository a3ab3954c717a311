"""Process engine: loading 10,000 assessments with their state machines, firing 10,000
transitions. Run: `.venv/bin/python -m bench.workflow_bench` (or `make bench`)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import insert, select

from assess import create_app
from assess.extensions import db
from assess.models import Assessment, Body, Decision, Organisation, User
from assess.operations import assessments as ops
from assess.operations.users import create_user
from bench.common import machine, median_ms

N = 10_000


def seed() -> None:
    org = Organisation(name_fi="Bench", name_sv="Bench", bilingual=True, minority_language="sv")
    body = Body(organisation=org, name_fi="Hallitus", name_sv="Styrelsen")
    db.session.add_all([org, body])
    db.session.commit()
    preparer = create_user(
        organisation=org,
        email="p@bench.example",
        name="P",
        roles=["preparer"],
        password="bench password 1",
    )
    db.session.execute(
        insert(Decision),
        [
            {
                "organisation_id": org.id,
                "case_number": f"B/{i}",
                "title": f"Decision {i}",
                "language": "fi",
                "body_id": body.id,
                "preparer_id": preparer.id,
                "proposal": "",
            }
            for i in range(N)
        ],
    )
    ids = db.session.scalars(select(Decision.id).order_by(Decision.id)).all()
    db.session.execute(
        insert(Assessment),
        [
            {
                "organisation_id": org.id,
                "decision_id": d,
                "workflow_key": "eva-standard",
                "workflow_version": 1,
                "form_key": "iva",
                "form_version": 1,
                "state": "draft",
                "data": {"screening": {"level": "full"}},
                "prepared_by_id": preparer.id,
            }
            for d in ids
        ],
    )
    db.session.commit()


def plain_load():
    db.session.expunge_all()
    return db.session.scalars(select(Assessment)).all()


def load_with_machines():
    rows = plain_load()
    # What the app does to make each row ready to fire: pin its engine (built once per
    # definition, cached) and read the state it carries. No per-row machine is built.
    return [(ops.engine_for(a), a.state) for a in rows]


def main() -> dict:
    tmp = Path(tempfile.mkdtemp())
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.db'}")
    results = {}
    with app.app_context():
        db.create_all()
        seed()
        plain, _ = median_ms(plain_load, 7)
        machines, _ = median_ms(load_with_machines, 7)
        results["load_plain_ms"] = plain
        results["load_with_machines_ms"] = machines
        results["load_ratio"] = machines / plain

        ids = db.session.scalars(select(Assessment.id).order_by(Assessment.id)).all()
        db.session.remove()
        import time

        start = time.perf_counter()
        for assessment_id in ids:
            # As in a request: a fresh session, the user and the row loaded, one transaction.
            preparer = db.session.scalar(select(User).where(User.email == "p@bench.example"))
            a = db.session.get(Assessment, assessment_id)
            ops.fire(preparer, a, "start_screening", expected_version=a.version)
            db.session.remove()
        total = time.perf_counter() - start
        results["fire_10000_s"] = total
        results["fire_per_transition_ms"] = total * 1000 / len(ids)

        preparer = db.session.scalar(select(User))
        first = db.session.get(Assessment, ids[0])
        engine = ops.engine_for(first)
        facts = ops.facts(first)
        actor = ops.actor(preparer)
        from assess.workflow import Facts

        draft = Facts(**{**facts.__dict__, "state": "draft"})
        pure, _ = median_ms(
            lambda: [engine.fire("start_screening", draft, actor) for _ in range(N)], 5
        )
        results["engine_only_10000_ms"] = pure
    results["machine"] = machine()
    return results


if __name__ == "__main__":
    r = main()
    print(f"machine: {r['machine']}")
    print(f"load {N} assessments, plain rows:            median {r['load_plain_ms']:.1f} ms")
    print(
        f"load {N} assessments with their machines:    median {r['load_with_machines_ms']:.1f} ms"
        f"  (ratio {r['load_ratio']:.3f}, target < 1.5)"
    )
    print(
        f"fire {N} transitions through operations:    {r['fire_10000_s']:.1f} s"
        f"  ({r['fire_per_transition_ms']:.2f} ms each: validate, revision, audit, commit)"
    )
    print(f"fire {N} transitions in the engine alone:   median {r['engine_only_10000_ms']:.1f} ms")
