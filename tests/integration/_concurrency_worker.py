"""Run in a separate process by test_concurrency: one 'worker' of a busy server."""

from __future__ import annotations

import random


def work(url: str, worker: int, shared_ids: list[int], own_id: int, rounds: int) -> dict:
    from assess import create_app
    from assess.extensions import db
    from assess.models import Assessment
    from assess.operations import Conflict
    from assess.operations import assessments as ops
    from assess.operations.users import user_by_email

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    accepted: list[str] = []
    refused: list[str] = []
    transitions = 0
    rng = random.Random(worker)
    with app.app_context():
        preparer = user_by_email("preparer@demo.example")
        for i in range(rounds):
            key = f"w{worker}_{i}"
            target = db.session.get(Assessment, rng.choice(shared_ids))
            version = target.version
            try:
                ops.save_answers(preparer, target, {key: i}, expected_version=version)
                accepted.append(f"{target.id}:{key}")
            except Conflict:
                refused.append(f"{target.id}:{key}")
            db.session.rollback()
            db.session.expire_all()
            # Its own assessment: answers now and then, withdrawn at the end. Nobody else
            # writes there, so these must all go through.
            own = db.session.get(Assessment, own_id)
            if i % 5 == 0:
                ops.save_answers(preparer, own, {f"own_{i}": i}, expected_version=own.version)
                accepted.append(f"{own_id}:own_{i}")
            if i == rounds - 1:
                ops.fire(preparer, own, "withdraw", comment="done", expected_version=own.version)
                transitions += 1
            db.session.expire_all()
        db.engine.dispose()
    return {"accepted": accepted, "refused": refused, "transitions": transitions}
