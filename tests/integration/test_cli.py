"""The stable command line: users, tokens, demo data. Bad input changes nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import ApiToken, Decision, User
from assess.operations.users import token_hash, verify_password

ROOT = Path(__file__).resolve().parents[2]


def _users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def run(app, *args, stdin=""):
    return app.test_cli_runner().invoke(args=list(args), input=stdin)


def test_users_create(demo):
    result = run(
        demo,
        "users",
        "create",
        "Maija.Meikalainen@Example.fi",
        "--name",
        "Maija Meikäläinen",
        "--role",
        "preparer",
        "--role",
        "reviewer",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with demo.app_context():
        user = db.session.scalar(select(User).where(User.email == "maija.meikalainen@example.fi"))
        assert user.roles == ["preparer", "reviewer"]
        assert verify_password(user, "a long enough password")
        assert "a long enough password" not in user.password_hash


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["--role", "approver"], "a long enough password\n", "'approver' is not a valid choice"),
        (["--role", "preparer"], "short\n", "at least 12 characters"),
        (["--role", "preparer"], "", "at least 12 characters"),
    ],
)
def test_users_create_refuses_bad_input(demo, args, stdin, message):
    before = _users(demo)
    result = run(
        demo,
        "users",
        "create",
        "new@example.fi",
        "--name",
        "New",
        *args,
        "--password-stdin",
        stdin=stdin,
    )
    assert result.exit_code == 2
    assert message in result.output
    assert _users(demo) == before


def test_users_create_refuses_a_duplicate_email(demo):
    before = _users(demo)
    result = run(
        demo,
        "users",
        "create",
        "PREPARER@demo.example",
        "--name",
        "Someone",
        "--role",
        "preparer",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert result.exit_code == 2
    assert "preparer@demo.example exists already" in result.output
    assert _users(demo) == before


def test_users_create_needs_password_on_stdin(demo):
    result = run(demo, "users", "create", "x@example.fi", "--name", "X", "--role", "admin")
    assert result.exit_code == 2 and "--password-stdin" in result.output


def test_users_token_prints_a_token_stored_only_hashed(demo):
    result = run(demo, "users", "token", "reviewer@demo.example")
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("eva_") and len(token) > 40
    with demo.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash == token_hash(token) and token not in row.token_hash
        assert row.user.email == "reviewer@demo.example"


def test_users_token_for_unknown_email(demo):
    result = run(demo, "users", "token", "nobody@example.fi")
    assert result.exit_code == 2 and "nobody@example.fi" in result.output


def test_demo_load_is_idempotent(app):
    first = run(app, "demo", "load")
    assert "6 users added" in first.output
    with app.app_context():
        counts = (
            db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(Decision)),
        )
    second = run(app, "demo", "load")
    assert "0 users added" in second.output and "0 decisions added" in second.output
    with app.app_context():
        assert counts == (
            db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(Decision)),
        )


def test_malformed_database_url_stops_the_command_with_the_variable_named(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://oops@",
        "ASSESS_INSTANCE_PATH": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "assess.db").exists()


def test_demo_scenario_once(demo):
    from assess.models import Assessment, Document, Meeting

    first = run(demo, "demo", "scenario")
    assert first.exit_code == 0 and "meeting 12 planned" in first.output
    with demo.app_context():
        states = sorted(a.state for a in db.session.scalars(select(Assessment)))
        assert states == ["approved", "in_review"]
        # The approved assessment's fi and sv, and their copies attached to the agenda
        # with "Liite 1" (issue 19).
        kinds = sorted(db.session.scalars(select(Document.kind)))
        assert kinds == ["assessment", "assessment", "attachment", "attachment"]
        meeting = db.session.scalar(select(Meeting))
        assert [i.decision.case_number for i in meeting.items] == ["KPHA/412/2026", "KPHA/431/2026"]
    again = run(demo, "demo", "scenario")
    assert "not added" in again.output
    assert run(demo, "documents", "verify").exit_code == 0
