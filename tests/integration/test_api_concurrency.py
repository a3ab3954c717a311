"""Two programs change the same assessment at the same moment with the same If-Match:
exactly one wins, the other gets 412, and nothing of the winner is lost (PostgreSQL)."""

import threading

import pytest

from assess.extensions import db
from assess.models import Decision
from assess.operations import assessments as ops
from assess.operations.users import issue_token
from tests.support import user

pytestmark = pytest.mark.postgres


def test_same_if_match_from_two_clients(pg_app):
    with pg_app.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
        assessment_id, version = a.id, a.version
        token = issue_token(user("preparer"))
    headers = {"Authorization": f"Bearer {token}", "If-Match": f'"{version}"'}
    bodies = [
        {"answers": {"scope_notes": "From system A."}},
        {"answers": {"scope_notes": "From system B."}},
    ]
    results: list = [None, None]
    start = threading.Barrier(2)

    def client(i):
        c = pg_app.test_client()
        start.wait()
        r = c.patch(f"/api/v1/assessments/{assessment_id}", json=bodies[i], headers=headers)
        results[i] = (r.status_code, r.get_json())

    for _ in range(5):  # several rounds: the race must come out the same way every time
        threads = [threading.Thread(target=client, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r[0] for r in results)
        assert statuses == [200, 412], results
        winner = next(r[1] for r in results if r[0] == 200)
        loser = next(r[1] for r in results if r[0] == 412)
        assert loser["error"]["code"] == "precondition_failed"
        current = pg_app.test_client().get(
            f"/api/v1/assessments/{assessment_id}",
            headers={"Authorization": headers["Authorization"]},
        )
        assert current.get_json()["answers"]["scope_notes"] == winner["answers"]["scope_notes"]
        headers["If-Match"] = current.headers["ETag"]
        bodies = [{"answers": {"scope_notes": b["answers"]["scope_notes"] + "+"}} for b in bodies]
