"""Audit events for the operations: who acted, from where, in which request."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from sqlalchemy.orm import Session

from .. import audit
from ..models import User

SYSTEM = audit.AuditActor("system", None, "system")


def actor_of(user: User | None) -> audit.AuditActor:
    if user is None:
        return SYSTEM
    via = g.get("api_token_id") if has_request_context() else None
    return audit.AuditActor("token" if via else "user", user.id, user.name)


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
    request_id = address = None
    if has_request_context():
        request_id = g.get("request_id")
        address = (request.remote_addr or "")[:64] or None
    if organisation_id is None and user is not None:
        organisation_id = user.organisation_id
    return audit.append(
        session,
        actor=actor_of(user),
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        transition=transition,
        organisation_id=organisation_id,
        request_id=request_id,
        client_address=address,
    )
