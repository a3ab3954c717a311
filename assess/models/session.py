from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import UTCDateTime, utcnow
from .user import User

# Why a session ended (``end_reason``); the web shows each in the reader's language.
END_REASONS = (
    "logout",  # the person logged out
    "ended",  # the person ended it from their account page
    "admin",  # an administrator ended it
    "password",  # the password was changed (the session that changed it stays)
    "roles",  # the person's roles were changed
    "identity",  # the account's link to the organisation's identity provider was removed
    "deactivated",
    "reactivated",  # sessions from before a deactivation never come back
    "idle",  # nothing for SESSION_IDLE_MINUTES
    "lifetime",  # older than SESSION_LIFETIME_HOURS
)


class LoginSession(Model):
    """A person's log-in on the web: the server's record that can be ended.

    The browser holds a random id in Flask's signed cookie; only its SHA-256 is stored
    here, so a copy of the database opens no session. Every request checks the row (not
    ended, not idle too long, not past its lifetime); ending it ends the cookie too.
    """

    __tablename__ = "login_sessions"
    __table_args__ = (Index("ix_login_sessions_user_id_ended_at", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Written at most once a minute (SESSION_TOUCH_SECONDS), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship()
