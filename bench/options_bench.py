"""The steps possible now (``operations.assessments.options``) in an API GET of an
assessment, in-process (the WSGI app called through Flask's test client, SQLite file):
with the completeness remembered per stored version (what the product does), and with
nothing remembered. Medians of ROUNDS x REQUESTS, alternating, so a change in the load of
the shared host hits both alike. Run: `.venv/bin/python -m bench.options_bench`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

ROUNDS = 9
REQUESTS = 200


def main() -> dict:
    from flask_migrate import upgrade

    from assess import create_app
    from assess.extensions import db
    from assess.operations import assessments as ops
    from assess.operations import decisions as decision_ops
    from assess.operations.demo import load_demo
    from assess.operations.users import issue_token
    from tests.support import prepared, user

    tmp = Path(tempfile.mkdtemp(prefix="options-bench-"))
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/b.db", API_RATE_LIMIT="1000000/minute"
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        load_demo()
        token = issue_token(user("preparer"))
        d = decision_ops.create_decision(
            user("preparer"),
            case_number="BENCH/1",
            title="Bench",
            language="fi",
            body_id=1,
            proposal="",
        )
        aid = prepared(user("preparer"), d).id
        db.session.remove()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/assessments/{aid}"

    def per_request() -> float:
        start = time.perf_counter()
        for _ in range(REQUESTS):
            assert client.get(url, headers=headers).status_code == 200
        return (time.perf_counter() - start) / REQUESTS * 1000

    for _ in range(50):  # warm-up
        client.get(url, headers=headers)
    remembered, fresh = [], []
    for _ in range(ROUNDS):
        remembered.append(per_request())
        with mock.patch.object(ops, "committed_view", lambda: False):
            fresh.append(per_request())
    out = {
        "remembered_ms": round(statistics.median(remembered), 3),
        "fresh_ms": round(statistics.median(fresh), 3),
    }
    out["ratio_fresh_to_remembered"] = round(out["fresh_ms"] / out["remembered_ms"], 3)
    return out


if __name__ == "__main__":
    import os

    print(os.getloadavg(), main(), os.getloadavg())
