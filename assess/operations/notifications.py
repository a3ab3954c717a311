"""Telling people what waits for them: the inbox and the e-mail outbox (issue 20).

``notify`` writes one Notification per person, in the transaction of the step that causes
it, and, when e-mail is configured (``MAIL_SERVER``) and the person wants this kind by
e-mail, an OutboxMessage in the person's language. Nothing is sent here: ``outbox run``
sends later, so a mail server that is down never blocks or rolls back a step.

The hooks (``on_transition``, ``on_comment``) ask the workflow definition what a step
means (in review, returned, approved); they never compare a state id.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from .. import notification_texts as texts
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import (
    Assessment,
    AssessmentComment,
    Meeting,
    Notification,
    OutboxMessage,
    User,
    UserRole,
)
from ..models._types import utcnow
from ..models.notification import NOTIFICATION_KINDS
from . import policy_applied
from ._audit import record
from ._tx import transaction
from .context import engine_for
from .errors import NotFound, ValidationFailed

# E-mail unless the person says otherwise. A comment thread and the flags (which come with
# the review request anyway) stay in the inbox unless asked for: fewer mails, read ones.
EMAIL_BY_DEFAULT = {
    "review_requested": True,
    "returned": True,
    "flags_to_weigh": False,
    "comment": False,
    "approved": True,
    "meeting_deadline": True,
    "follow_up_due": True,
}
LANGUAGES = ("fi", "sv", "en")


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def preferences(user: User) -> dict[str, bool]:
    """Which kinds ``user`` wants by e-mail: their choices over the defaults."""
    chosen = user.notification_preferences or {}
    return {k: bool(chosen.get(k, EMAIL_BY_DEFAULT[k])) for k in NOTIFICATION_KINDS}


def wants_email(user: User, kind: str) -> bool:
    return preferences(user).get(kind, False)


def language_of(user: User) -> str:
    """The language a person reads: their own choice, else the organisation's."""
    if user.preferred_language in LANGUAGES:
        return user.preferred_language
    default = user.organisation.setting("default_language")
    return default if default in LANGUAGES else "fi"


def absolute(path: str) -> str:
    """A link for an e-mail: the service's public address, else the path alone."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return base + path


def notify(
    session: Session,
    *,
    kind: str,
    users: Iterable[User],
    actor: User | None,
    assessment: Assessment | None = None,
    meeting: Meeting | None = None,
    params: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Write ``kind`` into each person's inbox (never the actor's own), and the e-mail.

    With ``dedupe_key`` a person gets it once however often it is asked for (a scheduled
    reminder): an existing one is looked for first, so the outer transaction never meets
    the unique constraint.
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    params = dict(params or {})
    if assessment is not None:
        decision = assessment.decision
        params.setdefault("case_number", decision.case_number)
        params.setdefault("title", decision.title)
        params.setdefault("decision_id", decision.id)
    if actor is not None:
        params.setdefault("actor", actor.name)
    written: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user.id in seen or not user.active:
            continue
        seen.add(user.id)
        if actor is not None and user.id == actor.id:
            continue
        if dedupe_key is not None and _exists(session, user, dedupe_key):
            continue
        note = Notification(
            organisation_id=user.organisation_id,
            user_id=user.id,
            kind=kind,
            assessment_id=assessment.id if assessment is not None else None,
            meeting_id=meeting.id if meeting is not None else None,
            params=params,
            actor_id=actor.id if actor is not None else None,
            dedupe_key=dedupe_key,
        )
        session.add(note)
        if mail_enabled() and wants_email(user, kind) and user.email:
            session.flush()  # the message names its notification
            session.add(_mail(note, user))
        written.append(note)
    # Not flushed here: a step's notifications are written together with its other rows.
    return written


def _exists(session: Session, user: User, key: str) -> bool:
    return (
        session.scalar(
            select(Notification.id).where(
                Notification.user_id == user.id, Notification.dedupe_key == key
            )
        )
        is not None
    )


def _mail(note: Notification, user: User) -> OutboxMessage:
    language = language_of(user)
    path = texts.link_path(
        note.kind, note.assessment_id, note.meeting_id, note.params.get("decision_id")
    )
    subject, body = texts.email(
        note.kind,
        note.params,
        language,
        name=user.name,
        link=absolute(path),
        account_link=absolute("/account#notifications"),
    )
    return OutboxMessage(
        notification_id=note.id,
        to_address=user.email,
        subject=subject,
        body=body,
        language=language,
    )


# --- who is told: the hooks --------------------------------------------------------------


def reviewers_for(assessment: Assessment) -> list[User]:
    """Who reviews ``assessment``: the reviewer chosen at submission, else the people linked
    to the body the policy gives the review to, else the organisation's reviewers."""
    if assessment.reviewer is not None:
        return [assessment.reviewer]
    found = policy_applied.review_facts(assessment)
    ids = found.get("review_body_reviewers")
    if ids:
        return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active)))
    role = found.get("review_role") or "reviewer"
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.organisation_id == assessment.organisation_id,
                User.active,
                UserRole.role == role,
            )
            .order_by(User.id)
        )
    )


def _means(check, state: str) -> bool:
    try:
        return bool(check(state))
    except (KeyError, LookupError):
        return False  # a state of the process the assessment left (a hand-over)


def on_transition(
    session: Session,
    user: User,
    assessment: Assessment,
    old_state: str,
    new_state: str,
    comment: str = "",
) -> list[Notification]:
    """The notifications of a step just taken (called at the end of ``assessments.fire``)."""
    d = engine_for(assessment).definition
    written: list[Notification] = []
    preparer = [assessment.prepared_by]
    if _means(d.awaits_review, new_state) and not _means(d.awaits_review, old_state):
        reviewers = [r for r in reviewers_for(assessment) if r.id != assessment.prepared_by_id]
        open_high = sum(
            1 for f in assessment.content.flags if f.severity == "high" and f.status == "open"
        )
        written += notify(
            session,
            kind="review_requested",
            users=reviewers,
            actor=user,
            assessment=assessment,
            params={"count": open_high},
        )
        if open_high:
            written += notify(
                session,
                kind="flags_to_weigh",
                users=reviewers,
                actor=user,
                assessment=assessment,
                params={"count": open_high},
            )
    elif _means(d.is_editable, new_state) and not _means(d.is_editable, old_state):
        written += notify(
            session,
            kind="returned",
            users=preparer,
            actor=user,
            assessment=assessment,
            params={"comment": comment},
        )
    elif (
        _means(d.awaits_review, old_state)
        and d.is_active(new_state)
        and not d.is_editable(new_state)
        and not d.awaits_review(new_state)
    ):
        written += notify(
            session,
            kind="approved",
            users=preparer,
            actor=user,
            assessment=assessment,
            params={"comment": comment},
        )
    return written


def on_comment(
    session: Session, user: User, assessment: Assessment, body: str, *, section: str = ""
) -> None:
    """A section comment tells the other party: the preparer, or the reviewer(s).

    The preparer's comment goes to the chosen reviewer; with none chosen, to the others who
    took part in the assessment's threads, and while it awaits review to its reviewers (a
    comment written while preparing does not call every reviewer)."""
    others: list[User] = [assessment.prepared_by]
    if assessment.reviewer is not None:
        others.append(assessment.reviewer)
    elif user.id == assessment.prepared_by_id:
        others += db.session.scalars(
            select(User).where(
                User.id.in_(
                    select(AssessmentComment.author_id).where(
                        AssessmentComment.assessment_id == assessment.id
                    )
                )
            )
        )
        if _means(engine_for(assessment).definition.awaits_review, assessment.state):
            others += reviewers_for(assessment)
    notify(
        session,
        kind="comment",
        users=others,
        actor=user,
        assessment=assessment,
        params={"comment": body[:2000], "section": section},
    )


# --- the inbox -----------------------------------------------------------------------------


@functools.cache
def _unread():
    # Every page's header asks it: built once, run with the person's id.
    return select(func.count(Notification.id)).where(
        Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
    )


def unread_count(user: User) -> int:
    return db.session.scalar(_unread(), {"user_id": user.id}) or 0


def inbox(user: User, *, limit: int = 50, offset: int = 0) -> list[Notification]:
    """The person's notifications, newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == user.id)
        )
        or 0
    )


def own(user: User, notification_id: int) -> Notification:
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound(_l("There is no such notification in your inbox."))
    return note


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the person's own notifications read (reading is not audited)."""
    note = own(user, notification_id)
    if note.read_at is None:
        with transaction():
            note.read_at = utcnow()
    return note


def mark_all_read(user: User) -> int:
    with transaction() as session:
        result = session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    return int(getattr(result, "rowcount", 0) or 0)


def set_preferences(user: User, wanted: dict[str, Any]) -> dict[str, bool]:
    """Which kinds come by e-mail; the inbox gets every kind anyway. Audited."""
    unknown = sorted(set(wanted) - set(NOTIFICATION_KINDS))
    if unknown:
        raise ValidationFailed(
            {
                "notifications": [
                    _l(
                        "Unknown notification kinds: %(kinds)s. Known: %(known)s.",
                        kinds=", ".join(unknown),
                        known=", ".join(NOTIFICATION_KINDS),
                    )
                ]
            }
        )
    before = preferences(user)
    after = {k: bool(wanted.get(k, before[k])) for k in NOTIFICATION_KINDS}
    if after == before:
        return before
    with transaction() as session:
        user.notification_preferences = after
        session.flush()
        record(
            session,
            user,
            "user.notification_preferences_set",
            "user",
            user.id,
            changes=[
                {"field": f"email.{k}", "old": before[k], "new": after[k]}
                for k in NOTIFICATION_KINDS
                if before[k] != after[k]
            ],
        )
    return after
