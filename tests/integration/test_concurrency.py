"""Several processes write at once on PostgreSQL: nothing is lost, the chain stays linear."""

import multiprocessing

import pytest
from sqlalchemy import func, select

from assess import audit
from assess.extensions import db
from assess.models import Assessment, AuditEvent, Decision
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from tests.integration._concurrency_worker import work
from tests.support import user

WORKERS = 4
ROUNDS = 25


@pytest.mark.postgres
def test_parallel_writers_lose_nothing(pg_app, postgres_url):
    with pg_app.app_context():
        preparer = user("preparer")
        ids = []
        for n in range(2 + WORKERS):
            decision = (
                db.session.get(Decision, n + 1)
                if n < 4
                else decision_ops.create_decision(
                    preparer,
                    case_number=f"CONC/{n}",
                    title="t",
                    language="fi",
                    body_id=1,
                    proposal="",
                )
            )
            a = ops.create_assessment(preparer, decision)
            ops.fire(preparer, a, "start_screening", expected_version=a.version)
            ids.append(a.id)
        shared, own = ids[:2], ids[2:]
        events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WORKERS) as pool:
        results = pool.starmap(
            work, [(postgres_url, w, shared, own[w], ROUNDS) for w in range(WORKERS)]
        )

    accepted = [k for r in results for k in r["accepted"]]
    refused = [k for r in results for k in r["refused"]]
    transitions = sum(r["transitions"] for r in results)
    shared_writes = [k for k in accepted + refused if ":w" in k]
    assert len(shared_writes) == WORKERS * ROUNDS
    assert refused, "no write collided: the test did not test concurrency"
    assert any(":w" in k for k in accepted), "no shared write went through"
    with pg_app.app_context():
        data = {a.id: a.data for a in db.session.scalars(select(Assessment))}
        for item in accepted:  # every accepted write is there: no update lost
            aid, key = item.split(":")
            assert key in data[int(aid)], item
        for item in refused:  # every refused write was reported and is absent
            aid, key = item.split(":")
            assert key not in data[int(aid)], item
        events_after = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert events_after - events_before == len(accepted) + transitions
        result = audit.verify(db.session)
        assert result.intact, result.problem
        for aid in own:
            assert db.session.get(Assessment, aid).state == "withdrawn"
