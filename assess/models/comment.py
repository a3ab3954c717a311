"""Comments between preparer and reviewer, per section of an assessment (issue 20)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import UTCDateTime, utcnow
from .user import User


class AssessmentComment(Model):
    """One comment on one section, kept with the revision it was written against.

    ``section`` is the questionnaire's section id, or ``"general"`` for the whole
    assessment. ``revision_seq`` is the assessment's latest revision when it was written,
    so the thread reads against the version the reviewer saw. Never edited or deleted:
    written through operations, which also writes the audit event.
    """

    __tablename__ = "assessment_comments"
    __table_args__ = (Index("ix_assessment_comments_thread", "assessment_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    section: Mapped[str] = mapped_column(String(60))
    revision_seq: Mapped[int | None]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()
