"""The tail of the audit chain is anchored by signed checkpoints (issue 15, item 5).

Each attack is the one that left `audit verify` saying "intact" before: the newest events
deleted, every hash recomputed after an edit, a checkpoint forged, the checkpoint rows
deleted with the events. Run on SQLite and (TEST_DATABASE=postgresql) PostgreSQL.
"""

import json
import logging
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from assess import audit
from assess.audit import checkpoints
from assess.extensions import db
from assess.models import AuditCheckpoint, AuditEvent, Decision
from assess.operations import assessments as ops
from assess.operations import audit_log
from assess.operations._audit import POLICY
from assess.operations.demo import load_demo
from assess.operations.users import issue_token
from tests.conftest import fresh_app, release_app
from tests.integration.test_audit import _tamper, make_history
from tests.support import user

KEY = "testing-not-secret-checkpoints"  # TestingConfig's


@pytest.fixture
def anchored(request, tmp_path):
    """The demo app with a checkpoint every 5 events, exported to a file."""
    app = fresh_app(
        request, AUDIT_CHECKPOINT_EVERY=5, AUDIT_CHECKPOINT_FILE=str(tmp_path / "cp.jsonl")
    )
    with app.app_context():
        load_demo()
        yield app
    release_app(app)


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["audit", *args])


def event_ids():
    return db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()


def newest_checkpoint():
    return db.session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).one()


def exported_lines(app):
    with open(app.config["AUDIT_CHECKPOINT_FILE"]) as fh:
        return [json.loads(line) for line in fh]


# --- the attacks -----------------------------------------------------------------------------


def test_deleting_the_newest_events_is_reported(anchored):
    make_history()
    ids = event_ids()
    cp = newest_checkpoint()
    assert cp.reason == "periodic" and cp.events == len([i for i in ids if i <= cp.last_event_id])
    # The newest events, some the checkpoint covers, as one who can delete rows would.
    covered = cp.last_event_id
    _tamper("DELETE FROM audit_events WHERE id > :id", id=covered - 2)
    db.session.remove()
    assert audit.verify(db.session).intact is False  # even without the key: the rows say so
    out = cli(anchored, "verify")
    assert out.exit_code == 1, out.output
    assert "the newest events were deleted" in out.output
    assert f"covers event {covered}" in out.output


def test_deleting_the_events_and_the_checkpoint_rows_is_reported_from_the_export(anchored):
    make_history()
    first = event_ids()[0]
    assert exported_lines(anchored)  # the periodic checkpoints went out as they were made
    _tamper("DELETE FROM audit_checkpoints")
    _tamper("DELETE FROM audit_events WHERE id > :id", id=first + 3)
    db.session.remove()
    # The database alone cannot tell any more; it says so loudly, but it is the chain it has.
    alone = cli(anchored, "verify")
    assert alone.exit_code == 0 and "NOT ANCHORED" in alone.output
    out = cli(anchored, "verify", "--checkpoints", anchored.config["AUDIT_CHECKPOINT_FILE"])
    assert out.exit_code == 1, out.output
    assert "not among the database's checkpoints: checkpoint rows were deleted" in out.output


def test_recomputing_every_hash_after_an_edit_is_reported(anchored):
    make_history()
    ids = event_ids()
    covered = newest_checkpoint().last_event_id
    target = ids[3]
    _rewrite_from(target, actor_name="Mallory")
    db.session.remove()
    assert audit.verify(db.session, keys={}).first_broken is not None
    out = cli(anchored, "verify")
    assert out.exit_code == 1, out.output
    assert "hashes recomputed" in out.output
    # The chain alone is consistent again: only the checkpoint's hash shows the rewrite.
    walked = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert all(audit.event_hash(e.prev_hash, e) == e.hash for e in walked)
    assert covered in [e.id for e in walked]


def _rewrite_from(target: int, **changes):
    """Edit an event and recompute its hash and every later one, keeping the links."""
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.id >= target).order_by(AuditEvent.id)
    ).all()
    prev = rows[0].prev_hash
    updates = []
    for e in rows:
        for name, value in (changes if e.id == target else {}).items():
            setattr(e, name, value)
        h = audit.event_hash(prev, e)
        updates.append({"id": e.id, "prev": prev, "h": h, "name": e.actor_name})
        prev = h
    db.session.rollback()
    # Two steps: the hashes are unique, and a new one may equal a later row's old one.
    for u in updates:
        _tamper("UPDATE audit_events SET hash = :h WHERE id = :id", h="x" + u["h"][1:], id=u["id"])
    for u in updates:
        _tamper(
            "UPDATE audit_events SET prev_hash = :prev, hash = :h, actor_name = :name "
            "WHERE id = :id",
            **u,
        )


def test_a_forged_checkpoint_is_reported(anchored):
    """Cut the tail, then write a checkpoint that matches the shorter chain: without the key
    its signature cannot be right, with a key of one's own its key id is not configured."""
    make_history()
    ids = event_ids()
    keep = ids[:-8]
    _tamper("DELETE FROM audit_checkpoints WHERE last_event_id > :id", id=keep[-1])
    _tamper("DELETE FROM audit_events WHERE id > :id", id=keep[-1])
    head = db.session.get(AuditEvent, keep[-1])
    forged = checkpoints.Checkpoint(
        at=datetime.now(UTC),
        events=len(keep),
        last_event_id=head.id,
        last_hash=head.hash,
        reason="command",
        key_id=checkpoints.key_id(KEY),
        signature="0" * 64,
    )
    for n, (kid, sig) in enumerate(
        [
            (forged.key_id, "ab" * 32),  # the right key id, a made-up signature
            (
                checkpoints.key_id("mallory"),
                audit.CheckpointPolicy(key="mallory").sign(forged).signature,
            ),
        ]
    ):
        _tamper(
            "INSERT INTO audit_checkpoints (at, scope, events, last_event_id, last_hash, "
            "reason, key_id, signature) VALUES (:at, 'global', :events, :last, :hash, "
            "'command', :kid, :sig)",
            at=forged.at + timedelta(seconds=n),
            events=forged.events,
            last=forged.last_event_id,
            hash=forged.last_hash,
            kid=kid,
            sig=sig,
        )
        db.session.remove()
        out = cli(anchored, "verify")
        assert out.exit_code == 1, out.output
        assert ("wrong signature" if n == 0 else "which is not configured") in out.output
        _tamper("DELETE FROM audit_checkpoints WHERE signature = :sig", sig=sig)


def test_an_edited_checkpoint_is_reported(anchored):
    make_history()
    cp = newest_checkpoint()
    _tamper("UPDATE audit_checkpoints SET events = events - 1 WHERE id = :id", id=cp.id)
    db.session.remove()
    out = cli(anchored, "verify")
    assert out.exit_code == 1 and "wrong signature" in out.output, out.output


# --- what an intact, anchored chain reports --------------------------------------------------


def test_verify_reports_how_far_the_checkpoints_anchor_the_chain(anchored):
    make_history()
    out = cli(anchored, "checkpoint")
    assert out.exit_code == 0 and "Recorded checkpoint" in out.output, out.output
    ops.create_assessment(user("preparer"), db.session.get(Decision, 2))
    db.session.remove()
    cp = newest_checkpoint()
    assert cp.reason in ("command", "periodic")
    total = len(event_ids())
    after = total - cp.events
    out = cli(anchored, "verify", "--checkpoints", anchored.config["AUDIT_CHECKPOINT_FILE"])
    assert out.exit_code == 0, out.output
    assert f"{total} events verified" in out.output
    assert f"Intact up to checkpoint {cp.id} ({cp.events} events up to event" in out.output
    assert f"; {after} events after it." in out.output
    assert "WARNING" not in out.output


def test_a_checkpoint_every_n_events_and_after_the_interval(anchored):
    make_history()
    rows = db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)).all()
    assert len(rows) >= 3
    assert all(b.events - a.events == 5 for a, b in zip(rows[1:], rows[2:], strict=False))
    # Quiet for longer than the interval: the next event, whatever the count, gets one.
    before = len(rows)
    later = datetime.now(UTC) + timedelta(minutes=16)
    audit.append(
        db.session,
        actor=audit.AuditActor("system", None, "system"),
        action="test.quiet",
        object_type="test",
        object_id=None,
        at=later,
        checkpoint_policy=audit_log.checkpoint_policy(),
    )
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditCheckpoint)) == before + 1
    assert newest_checkpoint().last_event_id == event_ids()[-1]


def test_a_transaction_of_several_events_weighs_a_checkpoint_once_after_its_last(
    anchored, monkeypatch
):
    """Seven events in one transaction with a checkpoint due every five: one checkpoint,
    made when the transaction commits, covering its last event (it was made after the fifth,
    and whether one was due was asked after each event)."""
    from assess.operations._tx import transaction

    audit_log_policy = audit_log.checkpoint_policy()
    with transaction() as session:  # a checkpoint now: the count starts here
        checkpoints.record(session, audit_log_policy, reason="command")
    before = db.session.scalar(select(func.count()).select_from(AuditCheckpoint))
    asked = []
    real_due = checkpoints.due

    def counted(*args):
        asked.append(args)
        return real_due(*args)

    monkeypatch.setattr(checkpoints, "due", counted)
    with transaction() as session:
        for n in range(7):
            audit.append(
                session,
                actor=audit.AuditActor("system", None, "system"),
                action="test.batch",
                object_type="test",
                object_id=n,
                checkpoint_policy=audit_log_policy,
            )
    assert len(asked) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditCheckpoint)) == before + 1
    assert newest_checkpoint().last_event_id == event_ids()[-1]
    assert audit.verify(db.session).intact


def test_exported_only_when_committed(anchored):
    make_history()
    exported = {line["signature"] for line in exported_lines(anchored)}
    stored = set(db.session.scalars(select(AuditCheckpoint.signature)))
    assert exported == stored
    session = db.session()
    audit.lock_chain(session)
    checkpoints.record(session, audit_log.checkpoint_policy(), reason="command")
    session.rollback()
    assert {line["signature"] for line in exported_lines(anchored)} == stored
    line = exported_lines(anchored)[-1]
    assert line["type"] == "assess.audit.checkpoint" and line["scope"] == "global"


def test_exported_to_syslog(request):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(10)
        port = server.getsockname()[1]
        app = fresh_app(request, AUDIT_CHECKPOINT_SYSLOG=f"127.0.0.1:{port}")
        try:
            with app.app_context():
                load_demo()  # its first event makes the first checkpoint
                message = server.recv(65536).decode()
                signature = newest_checkpoint().signature
        finally:
            release_app(app)
    assert "assess-audit:" in message and signature in message
    (parsed,) = checkpoints.read_lines([message], "syslog")
    assert parsed.signature == signature


def test_a_bad_checkpoint_file_is_named(anchored, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('noise\n{"type": "assess.audit.checkpoint", "events": "x"}\n')
    out = cli(anchored, "verify", "--checkpoints", str(bad))
    assert out.exit_code == 2 and "line 2 is not a checkpoint line" in out.output, out.output
    out = cli(anchored, "verify", "--checkpoints", str(tmp_path / "missing.jsonl"))
    assert out.exit_code == 2 and "missing.jsonl" in out.output


def test_rotated_keys_still_verify_old_checkpoints(anchored):
    make_history()
    anchored.config.update(AUDIT_CHECKPOINT_KEY="the-new-key", AUDIT_CHECKPOINT_OLD_KEYS=(KEY,))
    anchored.extensions.pop(POLICY)  # as a restart with the new settings would
    with anchored.app_context():
        assert cli(anchored, "checkpoint").exit_code == 0
        result = audit_log.verify()
        assert result.intact and result.checkpoint is not None
        assert result.checkpoint.key_id == checkpoints.key_id("the-new-key")
        without_old = audit.verify(db.session, keys={checkpoints.key_id("the-new-key"): "x"})
        assert not without_old.intact and "not configured" in (without_old.problem or "")


# --- without a key ---------------------------------------------------------------------------


def test_without_a_key_the_start_and_verify_warn_loudly(request, caplog):
    caplog.set_level(logging.WARNING)
    app = fresh_app(request, AUDIT_CHECKPOINT_KEY=None)
    try:
        assert "AUDIT LOG NOT ANCHORED" in caplog.text
        with app.app_context():
            load_demo()
            assert db.session.scalar(select(func.count()).select_from(AuditCheckpoint)) == 0
            out = cli(app, "checkpoint")
            assert out.exit_code == 2 and "AUDIT_CHECKPOINT_KEY is not set" in out.output
            out = cli(app, "verify")
            assert out.exit_code == 0
            assert "WARNING: AUDIT_CHECKPOINT_KEY is not set" in out.output
            assert "NOT ANCHORED" in out.output
    finally:
        release_app(app)


# --- the API: one organisation's view of the one chain ----------------------------------------


def test_the_api_reports_the_callers_organisation_only(anchored):
    make_history()
    other_org = 999
    for _ in range(7):
        audit.append(
            db.session,
            actor=audit.AuditActor("system", None, "system"),
            action="test.elsewhere",
            object_type="test",
            object_id=None,
            organisation_id=other_org,
        )
    db.session.commit()
    auditor = user("auditor")
    token = issue_token(auditor)
    own = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.organisation_id == auditor.organisation_id)
    )
    client = anchored.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/audit/verify", headers=headers).get_json()
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert body["intact"] is True and body["anchored"] is True
    assert body["events"] == own < total  # not the chain's total: the others' are not ours
    assert body["events_covered"] + body["events_after_checkpoint"] == own
    assert body["checkpoint_at"] and body["warnings"] == []
    # Cut the tail (the other organisation's events): intact no more, and nothing of theirs.
    cp = newest_checkpoint()
    _tamper("DELETE FROM audit_events WHERE id >= :id", id=cp.last_event_id)
    db.session.remove()
    body = client.get("/api/v1/audit/verify", headers=headers).get_json()
    assert body["intact"] is False and body["first_broken"] is None


def test_rows_appended_directly_without_a_policy_still_verify(ctx):
    """The append API is unchanged for callers that pass no policy."""
    audit.append(
        db.session,
        actor=audit.AuditActor("system", None, "system"),
        action="test.plain",
        object_type="test",
        object_id=None,
    )
    db.session.commit()
    assert audit_log.verify().intact
