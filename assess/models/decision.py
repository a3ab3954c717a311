from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import UTCDateTime, utcnow
from .organisation import Body, DecisionType, Organisation
from .user import User


class Decision(Model):
    """A decision draft (a case) that a body will decide on."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("organisation_id", "case_number", name="uq_decisions_case_number"),
        CheckConstraint("language IN ('fi', 'sv')", name="language"),
        CheckConstraint("amount_eur IS NULL OR amount_eur >= 0", name="amount_eur"),
        # The decisions list and the dashboard read an organisation's latest changed first, a
        # page at a time: walked in this order, no sort of every decision (issue 20).
        Index("ix_decisions_organisation_updated", "organisation_id", "updated_at", "id"),
        # The yearly report counts an organisation's decisions by their meeting's date.
        Index("ix_decisions_organisation_meeting_date", "organisation_id", "meeting_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    preparer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposal: Mapped[str] = mapped_column(Text, default="")
    # The title and proposal in the other national language of a bilingual organisation:
    # {"sv": {"title": ..., "proposal": ...}} (issue 19); {} when none are given.
    translations: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    # Required by operations when the organisation has active decision types (issue 17).
    decision_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision_types.id"), index=True, default=None
    )
    # The procurement's or investment's value in whole euros: policies' thresholds read it.
    amount_eur: Mapped[int | None] = mapped_column(default=None)
    # When and how the body decided (issue 22): from the case-management system for imported
    # decisions, from the meeting's outcome for the others. The yearly report counts a
    # decision in the year of its meeting date. Outcomes: meetings.OUTCOME_LABELS' keys.
    meeting_date: Mapped[date | None] = mapped_column(default=None)
    outcome: Mapped[str | None] = mapped_column(String(20), default=None)
    # "entered" in the product, or "imported" from the case-management system (issue 22).
    source: Mapped[str] = mapped_column(String(20), default="entered", server_default="entered")
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The least level the policy in force asks of this decision ("none", "light", "full"),
    # kept by the operations whenever the decision or the policy changes (issue 22): the
    # yearly report counts decisions that lacked a required assessment without a Python loop.
    required_level: Mapped[str | None] = mapped_column(String(10), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: a form carries the version it was read at.
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    body: Mapped[Body] = relationship()
    decision_type: Mapped[DecisionType | None] = relationship()
    preparer: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}
