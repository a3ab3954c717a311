"""Make ``previous_release.db``: a database as a previous release left it.

The release's code is taken from git (``git archive COMMIT``) into a temporary
directory; its own migrations (``flask db upgrade``) build the schema and its own
operations fill it: the demo and its scenario, and the shapes the scenario lacks (a full
assessment with alternatives, a hearing's statement file, acknowledged and resolved flags,
a return and a resubmission, a screening-out with an exempt category, a withdrawal, a
hearing recorded through the API, a draft document's snapshot never stored).

tests/integration/test_previous_release.py migrates a copy with the current code and reads
every row back. Run once per release whose data must keep loading:

    .venv/bin/python tests/data/make_previous_release_db.py fa06fb6 tests/data/previous_release.db
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs inside the old release's checkout, with its code first on the path.
FILL = r"""
import sys
from flask_migrate import upgrade
from sqlalchemy import select

from assess import create_app
from assess.extensions import db

app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite:///" + sys.argv[1])
with app.app_context():
    upgrade()
    from assess.models import Assessment, Decision, User
    from assess.operations import answers as answer_ops
    from assess.operations import assessments as ops
    from assess.operations import attachments as attachment_ops
    from assess.operations.demo import load_demo
    from assess.operations.demo_scenario import (
        acknowledge_high, complete_screening, load_scenario, to_review,
    )
    from assess.operations.users import issue_token

    load_demo()
    assert load_scenario()

    def user(email):
        return db.session.scalar(select(User).where(User.email == email))

    def decision(case):
        return db.session.scalar(select(Decision).where(Decision.case_number == case))

    preparer, reviewer = user("preparer@demo.example"), user("reviewer@demo.example")

    # A full assessment: a statement file, flags acknowledged, returned, changed so that
    # a flag resolves, resubmitted and approved (documents in fi).
    a = to_review(preparer, decision("KPHA/388/2026"), "full")
    ops.fire(reviewer, a, "return_for_revision", comment="Add the file.",
             expected_version=a.version)
    hearing = a.data["hearings"][0]["id"]
    attachment_ops.attach_statement(preparer, a, hearing, "lausunto.pdf", b"%PDF-1.4 statement",
                                    expected_version=a.version)
    cell = dict(a.data["impacts"][0], mitigation="", magnitude="large")
    answer_ops.save_cell(preparer, a, cell, expected_version=a.version)
    ops.fire(preparer, a, "submit", expected_version=a.version)
    acknowledge_high(reviewer, a)
    cell = dict(cell, mitigation="A service bus twice a week.", magnitude="moderate")
    ops.fire(reviewer, a, "return_for_revision", comment="Mitigate it.",
             expected_version=a.version)
    answer_ops.save_cell(preparer, a, cell, expected_version=a.version)
    ops.fire(preparer, a, "submit", expected_version=a.version)
    acknowledge_high(reviewer, a)
    ops.fire(reviewer, a, "approve", expected_version=a.version)

    # Screened out with an exempt category (sv).
    b = ops.create_assessment(preparer, decision("MÖVO/95/2026"))
    ops.fire(preparer, b, "start_screening", expected_version=b.version)
    screening = {"answers": {"s_many_residents": "no"}, "level": "none",
                 "exempt_category": "information_only", "level_reason": "Endast för kännedom."}
    answer_ops.save_screening(preparer, b, screening, expected_version=b.version)
    ops.fire(preparer, b, "propose_screen_out", expected_version=b.version)
    ops.fire(reviewer, b, "confirm_screen_out", expected_version=b.version)

    # Begun through the API (a hearing without a reason field), then withdrawn.
    c = ops.create_assessment(preparer, decision("KPHA/430/2026"))
    ops.fire(preparer, c, "start_screening", expected_version=c.version)
    complete_screening(preparer, c, "light")
    ops.fire(preparer, c, "start_assessment", expected_version=c.version)
    token = issue_token(preparer)
    client = app.test_client()
    response = client.post(
        f"/api/v1/assessments/{c.id}/hearings",
        json={"council": "youth_council", "requested_on": "2026-10-01"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    response = client.patch(
        f"/api/v1/assessments/{c.id}",
        json={"answers": {"groups_in_scope": ["youth"], "dimensions_in_scope": ["health"]},
              "summary": {"fi": "Kesken."}},
        headers={"Authorization": f"Bearer {token}", "If-Match": response.headers["ETag"]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.refresh(c)
    ops.fire(preparer, c, "withdraw", comment="Moved to next year.", expected_version=c.version)
    print("assessments:", db.session.scalar(select(db.func.count(Assessment.id))))
"""


def main(commit: str, out: Path) -> None:
    out = out.resolve()
    if out.exists():
        out.unlink()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        env = {**os.environ, "PYTHONPATH": tmp, "ASSESS_CONFIG": "testing"}
        compile_ = [sys.executable, "-m", "babel.messages.frontend", "compile"]
        subprocess.run([*compile_, "-d", "assess/translations"], cwd=tmp, check=True, env=env)
        done = subprocess.run([sys.executable, "-c", FILL, str(out)], cwd=tmp, env=env)
        if done.returncode:
            sys.exit(f"the release {commit} could not fill the database (above)")
    print(f"{out}: made by {commit}")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
