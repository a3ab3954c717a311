"""Audit events for the operations: who acted, from where, in which request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from .. import audit
from ..extensions import db
from ..models import User

SYSTEM = audit.AuditActor("system", None, "system")
_KEY = "request_facts"
POLICY = "assess.audit_checkpoints"


def checkpoint_policy() -> audit.CheckpointPolicy:
    """The application's checkpoint policy (its key, how often, where exported)."""
    ext = current_app.extensions
    if POLICY not in ext:
        cfg = current_app.config
        ext[POLICY] = audit.CheckpointPolicy(
            key=cfg.get("AUDIT_CHECKPOINT_KEY") or None,
            old_keys=tuple(cfg.get("AUDIT_CHECKPOINT_OLD_KEYS") or ()),
            every=int(cfg.get("AUDIT_CHECKPOINT_EVERY") or 100),
            interval=timedelta(minutes=int(cfg.get("AUDIT_CHECKPOINT_MINUTES") or 15)),
            file=cfg.get("AUDIT_CHECKPOINT_FILE") or None,
            syslog=cfg.get("AUDIT_CHECKPOINT_SYSLOG") or None,
        )
    return ext[POLICY]


@dataclass(frozen=True)
class RequestFacts:
    """What a front knows of the request a change comes from, for its audit events.

    The web and the API build it once per request and hand it to the operations with
    ``for_request``; a command or a test outside a request has none.
    """

    address: str | None = None  # the client's, as the front trusts it (at most 64 characters)
    request_id: str | None = None
    via_token_id: int | None = None  # the API token the change was made with
    # The web's log-in session the request came with: a password change ends the
    # person's other sessions, not this one.
    login_session_id: int | None = None


NO_REQUEST = RequestFacts()


def for_request(facts: RequestFacts) -> None:
    """The facts of the request now being served; every audit event of it carries them.

    They go with the request's database session, which every operation writes through,
    and end with ``end_request`` (or with the session).
    """
    db.session().info[_KEY] = facts


def end_request() -> None:
    db.session().info.pop(_KEY, None)


def request_facts(session: Session | None = None) -> RequestFacts:
    """The facts of the request being served (none outside a request)."""
    return (session if session is not None else db.session()).info.get(_KEY, NO_REQUEST)


def actor_of(user: User | None, facts: RequestFacts = NO_REQUEST) -> audit.AuditActor:
    if user is None:
        return SYSTEM
    return audit.AuditActor("token" if facts.via_token_id else "user", user.id, user.name)


def record(
    session: Session,
    user: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    changes: list[dict[str, Any]] | None = None,
    transition: dict[str, Any] | None = None,
    organisation_id: int | None = None,
):
    facts = request_facts(session)
    if organisation_id is None and user is not None:
        organisation_id = user.organisation_id
    return audit.append(
        session,
        actor=actor_of(user, facts),
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        transition=transition,
        organisation_id=organisation_id,
        request_id=facts.request_id,
        client_address=facts.address,
        checkpoint_policy=checkpoint_policy(),
    )
