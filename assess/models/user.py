from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import UTCDateTime, utcnow
from .organisation import Body, Organisation

ROLES = ("preparer", "reviewer", "secretary", "auditor", "admin", "coordinator")


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "preferred_language IS NULL OR preferred_language IN ('fi', 'sv', 'en')",
            name="preferred_language",
        ),
        Index("uq_users_oidc_identity", "oidc_issuer", "oidc_subject", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Stored lower-cased: e-mail addresses are compared case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    preferred_language: Mapped[str | None] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(default=True)
    # Which notifications also come by e-mail: {kind: bool}; a kind not named uses the
    # default (assess.models.notification.NOTIFICATION_KINDS; issue 20). The inbox always
    # gets them all.
    notification_preferences: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who the person is at the organisation's OpenID provider (issue 16): a person signing
    # in through it is found by this pair, never by the e-mail address alone. None for a
    # person who signs in with a password only.
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    # Read where they are needed (the signed-in person's with their session, a list of
    # people with its roles by ``selectinload``): most loads of a person want a name.
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", order_by="UserRole.role"
    )

    @property
    def roles(self) -> list[str]:
        return [r.role for r in self.role_rows]

    def has_role(self, *roles: str) -> bool:
        return any(r.role in roles for r in self.role_rows)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active


class ReviewerBody(Model):
    """A body or division a person reviews for: where the organisation's policy gives a
    decision's review to a body's reviewers, only the people linked to it approve (issue 17)."""

    __tablename__ = "reviewer_bodies"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), primary_key=True, index=True)

    user: Mapped[User] = relationship()
    body: Mapped[Body] = relationship()


class UserRole(Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint(
            "role IN ('preparer', 'reviewer', 'secretary', 'auditor', 'admin', 'coordinator')",
            name="role",
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class ApiToken(Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, shown so a user can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None: valid until revoked. After it the API answers 401 saying the token expired.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginAttempt(Model):
    """One log-in attempt, kept for the throttling rules (shared by every worker) until
    ``operations.throttle.purge`` finds no rule reads it any more."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_address_at", "email", "address", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
        Index("ix_login_attempts_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    # The client's network as throttled: an IPv4 address or an IPv6 /64.
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)
