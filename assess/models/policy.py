"""The organisation's assessment policy, one row per version (docs/policy.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, event, inspect, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import UTCDateTime, utcnow
from .organisation import Organisation
from .user import User

POLICY_STATUSES = ("draft", "published")


class PublishedPolicyChanged(Exception):
    """A published policy version was about to change: it is a record, and stays as it was."""


class PolicyVersion(Model):
    """A version of the policy: a draft being edited, or published with a start date."""

    __tablename__ = "policy_versions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("status = 'draft' OR starts_on IS NOT NULL", name="published_starts_on"),
        Index("uq_policy_versions_version", "organisation_id", "version", unique=True),
        # At most one draft per organisation.
        Index(
            "uq_policy_versions_draft",
            "organisation_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # 1, 2, ... per organisation, given when the version is created (a draft has its number).
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # From this day (in Finland) the published version applies to new assessments.
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    # The policy file's content as a mapping, as it was checked (assess.policy.Policy).
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # None: saved from the command line without a named admin (the audit log says "system").
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    @property
    def is_published(self) -> bool:
        return self.status == "published"


@event.listens_for(PolicyVersion, "before_update")
def _published_rows_never_change(mapper, connection, target: PolicyVersion) -> None:
    # The status it had when loaded: the row's, unless this very flush publishes it.
    status = inspect(target).attrs.status.history
    was = status.deleted[0] if status.deleted else target.status
    if was == "published":
        raise PublishedPolicyChanged(
            f"policy version {target.version} is published and cannot change; "
            "save a new draft instead"
        )


@event.listens_for(PolicyVersion, "before_delete")
def _published_rows_are_kept(mapper, connection, target: PolicyVersion) -> None:
    if target.status == "published":
        raise PublishedPolicyChanged(f"policy version {target.version} is published and is kept")
