"""What the product tells people: the in-app inbox and the e-mail outbox (issue 20).

A notification is written in the same transaction as the step that causes it, so a
step and its notice happen together or not at all. E-mail goes through a transactional
outbox: the step only writes a row; ``flask --app wsgi outbox run`` sends it later, so
a mail server that is down never blocks or loses a step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import UTCDateTime, utcnow
from .user import User

# What a person can be told about; each has a preference (in the inbox always, by e-mail
# if the person wants it).
NOTIFICATION_KINDS = (
    "review_requested",  # an assessment was submitted for this reviewer
    "returned",  # the reviewer returned the assessment to its preparer, with a comment
    "flags_to_weigh",  # open high flags wait for the reviewer's judgement
    "comment",  # a section comment between preparer and reviewer
    "approved",  # the preparer's assessment was approved
    "meeting_deadline",  # a meeting's agenda deadline is near and items lack what they need
    "follow_up_due",  # an approved assessment's follow-up date is near or past
)


class Notification(Model):
    """One notice in one person's inbox. Read or not; never changed otherwise."""

    __tablename__ = "notifications"
    __table_args__ = (
        # A reminder produced by a scheduled run (a deadline, a follow-up due) is written
        # once per person however often the run happens.
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_dedupe"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    # What the message's text is filled with (a case number, a title, a comment, a date):
    # the text is written in the reader's language when shown, not when stored.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class OutboxMessage(Model):
    """An e-mail waiting to be sent, or sent. Written by a step, sent by the outbox run."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
