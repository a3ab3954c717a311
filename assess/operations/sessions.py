"""Log-in sessions and API tokens that can be ended: by the person, by an administrator of
their organisation, and whenever their credentials change.

A session is a row of ``login_sessions`` whose random id the browser keeps in Flask's signed
cookie (only the id's SHA-256 is stored). Every request checks it here: ended, idle longer
than ``SESSION_IDLE_MINUTES`` or older than ``SESSION_LIFETIME_HOURS``, it opens nothing.
Every end and every revocation by a person is an audit event; a timeout is not anyone's
act and is written on the session's row only.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.orm import Session, joinedload

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import ApiToken, LoginSession, User
from ..models._types import utcnow
from ._audit import record, request_facts
from ._tx import inside_reading, transaction
from .errors import Forbidden, NotFound


def now() -> datetime:
    """The clock of sessions and tokens (tests move it instead of waiting)."""
    return utcnow()


def _hash(token: str) -> str:
    # 256 random bits: a fast hash is enough, and a copy of the table opens nothing.
    return hashlib.sha256(token.encode()).hexdigest()


def _idle() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def _lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


def start(user: User, *, address: str | None, user_agent: str | None) -> str:
    """A new session for ``user`` who has just logged in; returns the id for the cookie.

    A new id at every log-in, so an id anyone saw before it (session fixation) opens nothing.
    """
    token = secrets.token_urlsafe(32)
    moment = now()
    kept_since = moment - timedelta(days=current_app.config["SESSION_RECORD_DAYS"])
    with transaction() as session:
        # The person's sessions over for longer than the record is kept go (theirs only:
        # the index on user_id keeps this cheap, and the table bounded per person).
        session.execute(
            delete(LoginSession).where(
                LoginSession.user_id == user.id,
                or_(LoginSession.ended_at < kept_since, LoginSession.last_seen_at < kept_since),
            )
        )
        session.add(
            LoginSession(
                token_hash=_hash(token),
                user_id=user.id,
                organisation_id=user.organisation_id,
                created_at=moment,
                last_seen_at=moment,
                address=(address or "")[:64] or None,
                user_agent=(user_agent or "")[:512] or None,
            )
        )
    return token


class Resumed(NamedTuple):
    """What a request's session id turned out to be: its session, or why it has none."""

    session: LoginSession | None
    ended: str | None = None  # the reason, when the id named a session that has ended


@functools.cache
def _by_token():
    # Built once and run with the token's hash: building the statement and its loader
    # options cost about as much as running it, on every page.
    return (
        select(LoginSession)
        .where(LoginSession.token_hash == bindparam("hash"))
        .options(joinedload(LoginSession.user).joinedload(User.role_rows))
    )


def resume(token: str, user_id: int) -> Resumed:
    """The live session of ``token`` for ``user_id``, its last use noted at most once a
    ``SESSION_TOUCH_SECONDS``; or none, with the reason if it has ended or timed out."""
    # The session, its person and their roles in one statement: every page asks this first.
    row = db.session.scalar(_by_token(), {"hash": _hash(token)})
    if row is None or row.user_id != user_id:
        return Resumed(None)
    if row.ended_at is not None:
        return Resumed(None, row.end_reason)
    if not row.user.active:  # deactivation ends sessions; this holds even if it had not
        return Resumed(None, "deactivated")
    moment = now()
    # Inside a reading() nothing may be written: the check holds, the note waits for the
    # next request that writes.
    writes = not inside_reading()
    timeout = _timed_out(row, moment)
    if timeout is not None:
        reason, at = timeout
        if writes:
            with transaction():
                row.ended_at, row.end_reason = at, reason
        return Resumed(None, reason)
    touch = timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"])
    if writes and moment - row.last_seen_at >= touch:
        with transaction():
            row.last_seen_at = moment
    return Resumed(row)


def _timed_out(row: LoginSession, moment: datetime) -> tuple[str, datetime] | None:
    idle_end = row.last_seen_at + _idle()
    lifetime_end = row.created_at + _lifetime()
    if lifetime_end <= moment and lifetime_end <= idle_end:
        return "lifetime", lifetime_end
    if idle_end <= moment:
        return "idle", idle_end
    return None


def _live(moment: datetime):
    return (
        LoginSession.ended_at.is_(None),
        LoginSession.last_seen_at > moment - _idle(),
        LoginSession.created_at > moment - _lifetime(),
    )


def active_sessions(user: User) -> Sequence[LoginSession]:
    """The person's sessions that still open pages, the most recently used first."""
    return db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id, *_live(now()))
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
    ).all()


def live_tokens(user: User) -> Sequence[ApiToken]:
    """The person's API tokens that a program can still use."""
    return db.session.scalars(
        select(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now()),
        )
        .order_by(ApiToken.id.desc())
    ).all()


def current_session_id() -> int | None:
    """The session the request being served came with (None for the API and commands)."""
    return request_facts().login_session_id


# --- ending ---------------------------------------------------------------------------


def _end(session: Session, actor: User | None, row: LoginSession, reason: str) -> None:
    row.ended_at, row.end_reason = now(), reason
    record(
        session,
        actor,
        "session.ended",
        "user",
        row.user_id,
        organisation_id=row.organisation_id,
        changes=[
            {
                "field": "session",
                "old": {
                    "id": row.id,
                    "address": row.address,
                    "started": row.created_at.isoformat(timespec="seconds"),
                },
                "new": None,
            },
            {"field": "end_reason", "old": None, "new": reason},
        ],
    )


def _revoke(session: Session, actor: User | None, row: ApiToken, reason: str) -> None:
    row.revoked_at = now()
    record(
        session,
        actor,
        "token.revoked",
        "user",
        row.user_id,
        organisation_id=row.user.organisation_id,
        changes=[
            {"field": "api_token", "old": row.prefix + "…", "new": None},
            {"field": "reason", "old": None, "new": reason},
        ],
    )


def logout() -> None:
    """End the session the request came with (nothing if it has none or has ended)."""
    session_id = current_session_id()
    row = db.session.get(LoginSession, session_id) if session_id is not None else None
    if row is None or row.ended_at is not None:
        return
    with transaction() as session:
        _end(session, row.user, row, "logout")


def end_own(user: User, session_id: int) -> LoginSession:
    """The person ends one of their sessions (ending the current one logs them out)."""
    row = db.session.get(LoginSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_l("You have no session with id %(id)s.", id=session_id))
    if row.ended_at is None:
        with transaction() as session:
            _end(session, user, row, "logout" if row.id == current_session_id() else "ended")
    return row


def end_other_sessions(user: User) -> int:
    """The person ends every session but the one they are using; returns how many."""
    keep = current_session_id()
    rows = [r for r in active_sessions(user) if r.id != keep]
    if rows:
        with transaction() as session:
            for row in rows:
                _end(session, user, row, "ended")
    return len(rows)


def credentials_changed(session: Session, user: User, actor: User | None, reason: str) -> None:
    """A password change, a role change, a deactivation or reactivation, the provider
    identity unlinked, inside the caller's transaction: every session of ``user`` ends but
    the one making the change (when it is theirs and they stay active), so the person logs
    in again under what changed. Their API tokens are revoked too, except for a role
    change: a token has no roles of its own, the API reads the person's roles afresh on
    every request, so the change takes effect on it at once (a program keeps working within
    the new roles); nor for an identity unlinked: a token was never signed in through it."""
    keep = current_session_id() if reason != "deactivated" else None
    rows = session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    ).all()
    for row in rows:
        if row.id != keep:
            _end(session, actor, row, reason)
    if reason in ("roles", "identity"):
        return
    for token in session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all():
        _revoke(session, actor, token, reason)


# --- an administrator, within their organisation -----------------------------------------


def _administered(admin: User, user_id: int) -> User:
    if not admin.has_role("admin"):
        raise Forbidden(_l("Only an administrator may end other people's sessions or tokens."))
    user = db.session.get(User, user_id)
    # Another organisation's people are not there for this admin: the same answer as none.
    if user is None or user.organisation_id != admin.organisation_id:
        raise NotFound(_l("Your organisation has no user with id %(id)s.", id=user_id))
    return user


def admin_end_sessions(admin: User, user_id: int, session_id: int | None = None) -> int:
    """An administrator ends one session of a person of their organisation, or all of
    them (``session_id`` None); returns how many ended."""
    user = _administered(admin, user_id)
    if session_id is None:
        rows = list(active_sessions(user))
    else:
        row = db.session.get(LoginSession, session_id)
        if row is None or row.user_id != user.id:
            raise NotFound(
                _l("%(name)s has no session with id %(id)s.", name=user.name, id=session_id)
            )
        rows = [row] if row.ended_at is None else []
    if rows:
        with transaction() as session:
            for row in rows:
                _end(session, admin, row, "admin")
    return len(rows)


def admin_revoke_tokens(admin: User, user_id: int, token_id: int | None = None) -> int:
    """An administrator revokes one API token of a person of their organisation, or all
    of them (``token_id`` None); returns how many were revoked."""
    user = _administered(admin, user_id)
    if token_id is None:
        rows = list(live_tokens(user))
    else:
        row = db.session.get(ApiToken, token_id)
        if row is None or row.user_id != user.id:
            raise NotFound(
                _l("%(name)s has no API token with id %(id)s.", name=user.name, id=token_id)
            )
        rows = [row] if row.revoked_at is None else []
    if rows:
        with transaction() as session:
            for row in rows:
                _revoke(session, admin, row, "admin")
    return len(rows)
