"""`flask --app wsgi privacy purge|export|anonymise` (issue 16, docs/privacy.md): retention
removes only what is older than its setting and a dry run nothing; an export holds the
person's data and nobody else's; anonymisation is refused while the person is active or has
open work, and otherwise leaves a pseudonym; each is audited with who ran it, and the audit
chain verifies after each."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from assess import audit
from assess.audit import addresses
from assess.extensions import db
from assess.models import (
    ApiToken,
    AuditAddress,
    AuditEvent,
    Decision,
    Document,
    LoginAttempt,
    LoginSession,
    User,
)
from assess.models._types import utcnow
from assess.operations import assessments as assessment_ops
from assess.operations import sessions as session_ops
from assess.operations import users as user_ops
from assess.operations.demo import USERS
from tests.integration.test_documents import approved_full
from tests.support import user


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def verifies(app) -> None:
    checked = run(app, "audit", "verify", "--workers", "1")
    assert checked.exit_code == 0, checked.output
    assert "Audit log intact" in checked.output


def _old_and_new_rows(monkeypatch) -> None:
    """Log-in attempts 31 and 29 days old (the setting: 30) and two of the reviewer's
    sessions, one ended 91 days ago, one ended 89 days ago (the setting: 90)."""
    moment = utcnow()
    for days, address in ((31, "192.0.2.31"), (29, "192.0.2.29")):
        db.session.add(
            LoginAttempt(
                email="reviewer@demo.example",
                address=address,
                at=moment - timedelta(days=days),
                succeeded=True,
            )
        )
    db.session.commit()
    reviewer = user("reviewer")
    for days in (91, 89):
        at = moment - timedelta(days=days)
        monkeypatch.setattr("assess.operations.sessions.utcnow", lambda at=at: at)
        address = f"198.51.100.{days}"
        session_ops.start(reviewer, address=address, user_agent="test")
        row = db.session.scalar(select(LoginSession).where(LoginSession.address == address))
        row.ended_at, row.end_reason = at, "logout"
        db.session.commit()
    monkeypatch.undo()


def test_a_dry_run_changes_nothing_and_the_purge_removes_only_what_is_older(ctx, monkeypatch):
    _old_and_new_rows(monkeypatch)
    before = (count(LoginAttempt), count(LoginSession), count(AuditEvent))

    dry = run(ctx, "privacy", "purge", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "login attempts before" in dry.output and ": 1 would be deleted" in dry.output
    assert "sessions before" in dry.output
    assert "Dry run: nothing was changed." in dry.output
    assert (count(LoginAttempt), count(LoginSession), count(AuditEvent)) == before

    done = run(ctx, "privacy", "purge", "--as", "admin@demo.example")
    assert done.exit_code == 0, done.output
    assert [a.address for a in db.session.scalars(select(LoginAttempt))] == ["192.0.2.29"]
    assert [s.address for s in db.session.scalars(select(LoginSession))] == ["198.51.100.89"]

    [event] = events("privacy.purged")
    assert (event.actor_type, event.actor_id) == ("user", user("admin").id)
    counts = {c["field"]: c["new"] for c in event.changes}
    assert counts["login_attempts"] == 1 and counts["sessions"] == 1
    # Counts and cut-offs only: no purged value is written into the log.
    assert "192.0.2.31" not in json.dumps(event.changes)
    assert "198.51.100.91" not in json.dumps(event.changes)
    verifies(ctx)

    again = run(ctx, "privacy", "purge")
    assert ": 0 deleted" in again.output and ": 1 deleted" not in again.output
    assert events("privacy.purged")[-1].actor_type == "system"


def test_the_export_holds_the_persons_data_and_nobody_elses(ctx):
    preparer = user("preparer")
    assessment_ops.create_assessment(preparer, db.session.get(Decision, 1))
    user_ops.issue_token(preparer)

    out = run(ctx, "privacy", "export", "preparer@demo.example", "--as", "admin@demo.example")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["account"]["email"] == "preparer@demo.example"
    assert data["account"]["name"] == "Paula Peltonen"
    assert data["account"]["roles"] == ["preparer"]
    assert len(data["api_tokens"]) == 1
    assert data["decisions_prepared"]
    assert "preparer" in data["assessments"][0]["as"]
    assert data["audit_events"]["by_action"]["assessment.created"] == 1
    assert data["audit_events"]["made"] == len(data["audit_events"]["events"])
    for email, name, *_ in USERS:
        if email != "preparer@demo.example":
            assert email not in out.output and name not in out.output, email

    [event] = events("privacy.exported")
    assert (event.actor_id, event.object_type, event.object_id) == (
        user("admin").id,
        "user",
        preparer.id,
    )
    assert "Paula" not in json.dumps(event.changes)
    verifies(ctx)


def test_anonymising_is_refused_for_an_active_person_and_for_open_work(ctx):
    before = count(AuditEvent)
    active = run(ctx, "privacy", "anonymise", "preparer@demo.example")
    assert active.exit_code == 1
    assert "preparer@demo.example is still active. Deactivate the account first" in active.output

    a = assessment_ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
    case = a.decision.case_number
    assert run(ctx, "users", "deactivate", "preparer@demo.example").exit_code == 0
    before = count(AuditEvent)
    busy = run(ctx, "privacy", "anonymise", "preparer@demo.example")
    assert busy.exit_code == 1
    assert f"still has open work: the assessments of {case}" in busy.output
    assert "Give them to someone else first." in busy.output
    assert count(AuditEvent) == before
    assert user("preparer@demo.example").name == "Paula Peltonen"

    unknown = run(ctx, "privacy", "anonymise", "nobody@demo.example")
    assert unknown.exit_code == 2 and "No user has the e-mail address" in unknown.output
    not_admin = run(
        ctx, "privacy", "anonymise", "reviewer@demo.example", "--as", "auditor@demo.example"
    )
    assert not_admin.exit_code == 2 and "is not an administrator" in not_admin.output


def test_anonymising_a_deactivated_person_leaves_a_pseudonym_and_a_valid_chain(ctx, monkeypatch):
    _old_and_new_rows(monkeypatch)
    reviewer = user("reviewer")
    reviewer_id = reviewer.id
    user_ops.issue_token(reviewer)
    reviewer.oidc_issuer, reviewer.oidc_subject = "https://idp.example", "subject-of-rasmus"
    db.session.commit()
    assert run(ctx, "users", "deactivate", "reviewer@demo.example").exit_code == 0

    done = run(ctx, "privacy", "anonymise", "reviewer@demo.example", "--as", "admin@demo.example")
    assert done.exit_code == 0, done.output
    assert f"reviewer@demo.example is now anon-{reviewer_id}" in done.output

    db.session.expire_all()
    person = db.session.get(User, reviewer_id)
    assert (person.name, person.email) == (
        f"anon-{reviewer_id}",
        f"anon-{reviewer_id}@anonymised.invalid",
    )
    assert not user_ops.verify_password(person, "demo-reviewer-2026")
    assert (person.oidc_issuer, person.oidc_subject) == (None, None)
    for model, column in (
        (ApiToken, ApiToken.user_id),
        (LoginSession, LoginSession.user_id),
    ):
        assert (
            db.session.scalar(select(func.count()).select_from(model).where(column == reviewer_id))
            == 0
        )
    assert (
        db.session.scalar(select(func.count()).where(LoginAttempt.email == "reviewer@demo.example"))
        == 0
    )

    [event] = events("user.anonymised")
    assert (event.actor_id, event.object_id) == (user("admin").id, reviewer_id)
    written = json.dumps(event.changes)
    assert "Rasmus" not in written and "reviewer@demo.example" not in written
    # Earlier events keep the person's id: the chain holds and still names whose they were.
    assert (
        db.session.scalar(
            select(func.count()).where(
                AuditEvent.object_type == "user", AuditEvent.object_id == reviewer_id
            )
        )
        >= 2
    )
    verifies(ctx)

    twice = run(ctx, "privacy", "anonymise", f"anon-{reviewer_id}@anonymised.invalid")
    assert twice.exit_code == 1 and "has been anonymised already" in twice.output


# --- client addresses of audit events, kept beside the chain (migration 0029) ---------------


SYSTEM = audit.AuditActor("system", None, "system")


def _event(address: str, *, days_ago: int = 0, actor=None) -> AuditEvent:
    who = audit.AuditActor("user", actor.id, actor.name) if actor else SYSTEM
    event = audit.append(
        db.session,
        actor=who,
        action="test.acted",
        object_type="test",
        object_id=None,
        client_address=address,
        at=utcnow() - timedelta(days=days_ago),
    )
    db.session.commit()
    return event


def _event_before_0029(address: str) -> AuditEvent:
    """An event as the chain held them before 0029: the address itself hashed."""
    head = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=utcnow() - timedelta(days=800),
        organisation_id=None,
        actor_type="system",
        actor_id=None,
        actor_name="system",
        action="test.acted",
        object_type="test",
        object_id=None,
        changes=[],
        transition=None,
        request_id=None,
        client_address=address,
        prev_hash=head or audit.GENESIS,
    )
    event.hash = audit.event_hash(event.prev_hash, event)
    db.session.add(event)
    db.session.commit()
    return event


def shown(event: AuditEvent) -> str | None:
    return addresses.shown(event.id, event.client_address, addresses.kept(db.session, [event.id]))


def test_an_events_address_is_kept_beside_the_chain_which_holds_a_salted_digest(ctx):
    event = _event("203.0.113.5")
    assert addresses.is_digest(event.client_address)
    assert "203.0.113.5" not in event.client_address
    kept = db.session.get(AuditAddress, event.id)
    assert kept.address == "203.0.113.5" and addresses.matches(event, kept)
    # The same address gets another digest in another event: digests cannot be joined up.
    assert _event("203.0.113.5").client_address != event.client_address
    kept.address = "203.0.113.66"  # a kept address changed shows against its digest
    assert not addresses.matches(event, kept)


def test_purging_old_addresses_leaves_the_events_and_a_verifying_chain(ctx):
    old_style = _event_before_0029("192.0.2.200")
    old = _event("203.0.113.1", days_ago=366)
    new = _event("203.0.113.2", days_ago=364)
    digests = (old.client_address, new.client_address)
    hashes = [e.hash for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]

    dry = run(ctx, "privacy", "purge", "--dry-run")
    assert "audit addresses before" in dry.output and ": 1 would be deleted" in dry.output
    assert count(AuditAddress) == 2

    assert run(ctx, "privacy", "purge").exit_code == 0
    db.session.expire_all()
    assert [a.event_id for a in db.session.scalars(select(AuditAddress))] == [new.id]
    assert (shown(old), shown(new), shown(old_style)) == (None, "203.0.113.2", "192.0.2.200")
    # Every event stays as it was: the chain covers the digest, not the erased address.
    assert (db.session.get(AuditEvent, old.id).client_address, new.client_address) == digests
    now_hashes = [e.hash for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert now_hashes[: len(hashes)] == hashes
    [purged] = events("privacy.purged")
    assert {c["field"]: c["new"] for c in purged.changes}["audit_addresses"] == 1
    assert "203.0.113.1" not in json.dumps(purged.changes)
    verifies(ctx)


def test_anonymising_erases_the_addresses_the_person_acted_from(ctx):
    reviewer = user("reviewer")
    theirs, admins = (
        _event("203.0.113.7", actor=reviewer),
        _event("203.0.113.8", actor=user("admin")),
    )
    assert run(ctx, "users", "deactivate", "reviewer@demo.example").exit_code == 0
    assert run(ctx, "privacy", "anonymise", "reviewer@demo.example").exit_code == 0
    db.session.expire_all()
    assert (shown(theirs), shown(admins)) == (None, "203.0.113.8")
    verifies(ctx)


def test_the_approver_anonymised_leaves_the_documents_verifying(ctx):
    """The documents render from frozen revisions, which keep the names they were made
    with: anonymising the reviewer who approved changes no stored document's bytes."""
    approved = approved_full()
    assert approved.content and db.session.scalar(select(func.count()).select_from(Document))
    assert run(ctx, "users", "deactivate", "reviewer@demo.example").exit_code == 0
    done = run(ctx, "privacy", "anonymise", "reviewer@demo.example")
    assert done.exit_code == 0, done.output
    checked = run(ctx, "documents", "verify")
    assert checked.exit_code == 0, checked.output
    assert "documents verified" in checked.output
    verifies(ctx)


@pytest.mark.postgres
def test_on_postgresql_the_purge_erases_addresses_beside_the_append_only_table(pg_app):
    """Migrated (0029, with the audit tables' triggers): the rows beside the chain can go,
    the chain's rows cannot, and the chain verifies after the purge."""
    with pg_app.app_context():
        old = _event("203.0.113.11", days_ago=400)
        new = _event("203.0.113.12")
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("UPDATE audit_events SET client_address = NULL"))
        db.session.rollback()
        done = run(pg_app, "privacy", "purge")
        assert done.exit_code == 0, done.output
        assert (shown(old), shown(new)) == (None, "203.0.113.12")
        verifies(pg_app)
        db.session.remove()
