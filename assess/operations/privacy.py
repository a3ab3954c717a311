"""Personal data (issue 16, docs/privacy.md): retention, a person's export, anonymisation.

- ``purge`` deletes what is older than the retention settings: log-in attempts
  (``LOGIN_ATTEMPT_RETENTION_DAYS``), sessions over for longer than ``SESSION_RECORD_DAYS``
  and the client addresses kept beside the audit chain (``AUDIT_ADDRESS_RETENTION_DAYS``).
  Its audit event says what was purged and how many rows, never the purged values.
- ``export`` gathers what the product holds on one person, and nothing on anyone else.
- ``anonymise`` replaces a deactivated person's name and e-mail address with a pseudonym
  and removes their tokens, sessions, log-in attempts, inbox and mails; the audit events
  keep the person's id (the chain stays valid), and what the chain recorded stays recorded.

Each is audited with who ran it (``--as ADMIN`` on the command line, else the system).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select

from ..audit import addresses as audit_addresses
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import (
    ApiToken,
    Assessment,
    AssessmentComment,
    AuditAddress,
    AuditEvent,
    Decision,
    Document,
    LoginAttempt,
    LoginSession,
    Notification,
    OutboxMessage,
    ReviewerBody,
    User,
)
from ..models._types import utcnow
from ._audit import record
from ._tx import transaction
from .errors import Conflict
from .process import state_means
from .users import unusable_password_hash


def now() -> datetime:
    """The clock of the retention rules (tests move it instead of waiting)."""
    return utcnow()


# --- retention ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purged:
    """What a purge removed (or, in a dry run, would remove), and the cut-offs it used."""

    login_attempts: int
    sessions: int
    audit_addresses: int
    cutoffs: dict[str, datetime]
    dry_run: bool


def _cutoffs(moment: datetime) -> dict[str, datetime]:
    cfg = current_app.config
    return {
        "login_attempts": moment - timedelta(days=cfg["LOGIN_ATTEMPT_RETENTION_DAYS"]),
        "sessions": moment - timedelta(days=cfg["SESSION_RECORD_DAYS"]),
        "audit_addresses": moment - timedelta(days=cfg["AUDIT_ADDRESS_RETENTION_DAYS"]),
    }


def _old_attempts(cutoff: datetime):
    return LoginAttempt.at < cutoff


def _old_sessions(cutoff: datetime):
    # Over (ended, or not seen since) for longer than the record is kept; a live session is
    # never older than SESSION_LIFETIME_HOURS, so none of them is touched.
    return or_(LoginSession.ended_at < cutoff, LoginSession.last_seen_at < cutoff)


def _old_addresses(cutoff: datetime):
    # The rows only: the events, and the digests their hashes cover, stay.
    return AuditAddress.event_id.in_(select(AuditEvent.id).where(AuditEvent.at < cutoff))


def purge(actor: User | None = None, *, dry_run: bool = False) -> Purged:
    """Delete what the retention settings no longer keep; a dry run counts it only."""
    cut = _cutoffs(now())
    where = {
        LoginAttempt: _old_attempts(cut["login_attempts"]),
        LoginSession: _old_sessions(cut["sessions"]),
        AuditAddress: _old_addresses(cut["audit_addresses"]),
    }
    if dry_run:
        counts = {
            model: db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
            for model, condition in where.items()
        }
        return Purged(counts[LoginAttempt], counts[LoginSession], counts[AuditAddress], cut, True)
    with transaction() as session:
        counts = {
            model: int(getattr(session.execute(delete(model).where(c)), "rowcount", 0) or 0)
            for model, c in where.items()
        }
        purged = Purged(
            counts[LoginAttempt], counts[LoginSession], counts[AuditAddress], cut, False
        )
        record(
            session,
            actor,
            "privacy.purged",
            "installation",
            None,
            # Counts and cut-offs only: never a purged value.
            changes=[
                {"field": name, "old": None, "new": getattr(purged, name), "before": at.isoformat()}
                for name, at in cut.items()
            ],
        )
    return purged


# --- a person's data --------------------------------------------------------------------------


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def export(person: User, actor: User | None = None) -> dict[str, Any]:
    """Everything the product holds on ``person``, as plain JSON values (audited)."""
    s = db.session
    uid = person.id
    result: dict[str, Any] = {
        "format": "assess-personal-data-export/1",
        "exported_at": _iso(now()),
        "account": {
            "id": uid,
            "email": person.email,
            "name": person.name,
            "organisation": {
                "id": person.organisation_id,
                "name_fi": person.organisation.name_fi,
                "name_sv": person.organisation.name_sv,
            },
            "roles": person.roles,
            "active": person.active,
            "preferred_language": person.preferred_language,
            "notification_preferences": person.notification_preferences,
            "created_at": _iso(person.created_at),
            # Who the organisation's identity provider says they are (OpenID Connect).
            "sign_in_identity": {"issuer": person.oidc_issuer, "subject": person.oidc_subject}
            if person.oidc_subject
            else None,
            "review_bodies": sorted(
                rb.body.key
                for rb in s.scalars(select(ReviewerBody).where(ReviewerBody.user_id == uid))
            ),
        },
        "api_tokens": [
            {
                "prefix": t.prefix,
                "created_at": _iso(t.created_at),
                "last_used_at": _iso(t.last_used_at),
                "expires_at": _iso(t.expires_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in s.scalars(
                select(ApiToken).where(ApiToken.user_id == uid).order_by(ApiToken.id)
            )
        ],
        "sessions": [
            {
                "created_at": _iso(r.created_at),
                "last_seen_at": _iso(r.last_seen_at),
                "address": r.address,
                "user_agent": r.user_agent,
                "ended_at": _iso(r.ended_at),
                "end_reason": r.end_reason,
            }
            for r in s.scalars(
                select(LoginSession).where(LoginSession.user_id == uid).order_by(LoginSession.id)
            )
        ],
        "login_attempts": [
            {"at": _iso(a.at), "address": a.address, "succeeded": a.succeeded}
            for a in s.scalars(
                select(LoginAttempt)
                .where(LoginAttempt.email == person.email)
                .order_by(LoginAttempt.id)
            )
        ],
        "audit_events": _audit_summary(person),
        **_work(person),
        "notifications": [
            {
                "kind": n.kind,
                "assessment_id": n.assessment_id,
                "meeting_id": n.meeting_id,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in s.scalars(
                select(Notification).where(Notification.user_id == uid).order_by(Notification.id)
            )
        ],
        "mails": [
            {"subject": m.subject, "created_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)}
            for m in s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.to_address == person.email)
                .order_by(OutboxMessage.id)
            )
        ],
    }
    with transaction() as session:
        record(
            session,
            actor,
            "privacy.exported",
            "user",
            uid,
            # What was handed out, by kind and count; the data itself stays out of the log.
            changes=[
                {"field": key, "old": None, "new": len(value)}
                for key, value in result.items()
                if isinstance(value, list)
            ],
            organisation_id=person.organisation_id,
        )
    return result


def _audit_summary(person: User) -> dict[str, Any]:
    """The events the person made (by action, with their ids and times) and the ids of the
    events about their account. Who else acted on the account is left out: that is the
    other person's data."""
    by_them = db.session.execute(
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.client_address,
        )
        .where(_made_by(person.id))
        .order_by(AuditEvent.id)
    ).all()
    addresses = audit_addresses.kept(db.session, (e.id for e in by_them))
    about_them = db.session.execute(
        select(AuditEvent.id, AuditEvent.at, AuditEvent.action)
        .where(AuditEvent.object_type == "user", AuditEvent.object_id == person.id)
        .order_by(AuditEvent.id)
    ).all()
    return {
        "made": len(by_them),
        "first_at": _iso(by_them[0].at) if by_them else None,
        "last_at": _iso(by_them[-1].at) if by_them else None,
        "by_action": dict(sorted(Counter(e.action for e in by_them).items())),
        "events": [
            {
                "id": e.id,
                "at": _iso(e.at),
                "action": e.action,
                "object_type": e.object_type,
                "client_address": audit_addresses.shown(e.id, e.client_address, addresses),
            }
            for e in by_them
        ],
        "about_the_account": [
            {"id": e.id, "at": _iso(e.at), "action": e.action} for e in about_them
        ],
    }


def _made_by(user_id: int):
    return (AuditEvent.actor_id == user_id) & (AuditEvent.actor_type != "system")


def _work(person: User) -> dict[str, Any]:
    s, uid = db.session, person.id
    assessments = s.scalars(
        select(Assessment)
        .where(
            or_(
                Assessment.prepared_by_id == uid,
                Assessment.last_edited_by_id == uid,
                Assessment.reviewer_id == uid,
            )
        )
        .order_by(Assessment.id)
    ).all()
    ids = [a.id for a in assessments]
    documents = s.scalars(
        select(Document)
        .where(or_(Document.created_by_id == uid, Document.assessment_id.in_(ids)))
        .order_by(Document.id)
    ).all()
    return {
        "assessments": [
            {
                "id": a.id,
                "case_number": a.decision.case_number,
                "state": a.state,
                "as": [
                    part
                    for part, who in (
                        ("preparer", a.prepared_by_id),
                        ("last_editor", a.last_edited_by_id),
                        ("chosen_reviewer", a.reviewer_id),
                    )
                    if who == uid
                ],
                # The hearings they recorded: which council, when (the statement is the
                # council's text, not the person's).
                "hearings": [
                    {
                        "council": h.council,
                        "requested_on": h.requested_on,
                        "answered_on": h.answered_on,
                    }
                    for h in a.content.hearings
                ]
                if a.prepared_by_id == uid
                else [],
            }
            for a in assessments
        ],
        "decisions_prepared": [
            {"id": d.id, "case_number": d.case_number, "title": d.title}
            for d in s.scalars(
                select(Decision).where(Decision.preparer_id == uid).order_by(Decision.id)
            )
        ],
        "documents": [
            {
                "id": d.id,
                "reference": d.reference,
                "filename": d.filename,
                "language": d.language,
                "assessment_id": d.assessment_id,
            }
            for d in documents
        ],
        "comments": [
            {
                "assessment_id": c.assessment_id,
                "section": c.section,
                "created_at": _iso(c.created_at),
                "body": c.body,
            }
            for c in s.scalars(
                select(AssessmentComment)
                .where(AssessmentComment.author_id == uid)
                .order_by(AssessmentComment.id)
            )
        ],
    }


# --- anonymisation --------------------------------------------------------------------------


def pseudonym(person: User) -> tuple[str, str]:
    """The name and e-mail address an anonymised person keeps (``.invalid`` never delivers)."""
    return f"anon-{person.id}", f"anon-{person.id}@anonymised.invalid"


def _open_work(person: User) -> list[Assessment]:
    """Assessments still in progress (neither ended nor in a final state) that the person
    prepares, and those waiting for their review as the chosen reviewer."""
    in_progress = state_means(lambda d, state: d.is_active(state) and not d.is_final(state))
    awaiting = state_means(lambda d, state: d.awaits_review(state))
    return list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.active,
                or_(
                    (Assessment.prepared_by_id == person.id) & in_progress,
                    (Assessment.reviewer_id == person.id) & awaiting,
                ),
            )
            .order_by(Assessment.id)
        )
    )


def anonymise(person: User, actor: User | None = None) -> dict[str, int]:
    """Replace a deactivated person's name and e-mail address with a pseudonym and remove
    their credentials and personal traces; returns what was removed, by kind.

    Refused (``Conflict``, nothing changed) while the person is active or still holds open
    work (an assessment in progress they prepare or were chosen to review)."""
    if person.active:
        raise Conflict(
            _l(
                "%(email)s is still active. Deactivate the account first "
                "(flask --app wsgi users deactivate %(email)s).",
                email=person.email,
            )
        )
    if person.email.endswith("@anonymised.invalid"):
        raise Conflict(_l("%(email)s has been anonymised already.", email=person.email))
    blocking = _open_work(person)
    if blocking:
        raise Conflict(
            _l(
                "%(email)s still has open work: the assessments of %(cases)s, which they "
                "prepare or were chosen to review. Give them to someone else first.",
                email=person.email,
                cases=", ".join(a.decision.case_number for a in blocking),
            )
        )
    old_email = person.email
    name, email = pseudonym(person)
    uid = person.id
    with transaction() as session:
        notification_ids = select(Notification.id).where(Notification.user_id == uid)
        removed = {
            "api_tokens": delete(ApiToken).where(ApiToken.user_id == uid),
            "sessions": delete(LoginSession).where(LoginSession.user_id == uid),
            "login_attempts": delete(LoginAttempt).where(LoginAttempt.email == old_email),
            "mails": delete(OutboxMessage).where(
                or_(
                    OutboxMessage.to_address == old_email,
                    OutboxMessage.notification_id.in_(notification_ids),
                )
            ),
            "notifications": delete(Notification).where(Notification.user_id == uid),
            # Where they acted from: the addresses kept beside the chain (the digests stay).
            "audit_addresses": delete(AuditAddress).where(
                AuditAddress.event_id.in_(select(AuditEvent.id).where(_made_by(uid)))
            ),
        }
        counts = {
            kind: int(getattr(session.execute(stmt), "rowcount", 0) or 0)
            for kind, stmt in removed.items()
        }
        person.name, person.email = name, email
        # No password opens the account again, not even one someone knew.
        person.password_hash = unusable_password_hash()
        person.preferred_language = None
        # The identity provider's subject identifies the person too; a later sign-in by
        # them makes a new account, not this one.
        person.oidc_issuer = person.oidc_subject = None
        person.notification_preferences = None
        record(
            session,
            actor,
            "user.anonymised",
            "user",
            uid,
            # The old name and address stay out of the log: only that they were replaced.
            changes=[
                {"field": "name", "old": "(removed)", "new": name},
                {"field": "email", "old": "(removed)", "new": email},
            ]
            + [{"field": kind, "old": count, "new": 0} for kind, count in counts.items()],
            organisation_id=person.organisation_id,
        )
    return counts
