from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from ._types import UTCDateTime, utcnow
from .assessment import Document
from .decision import Decision
from .organisation import Body
from .user import User

MEETING_STATES = ("planned", "published", "held", "minutes_approved", "cancelled")
OUTCOMES = ("approved", "approved_amended", "returned", "tabled", "rejected")

# The documents attached to an agenda item (the approved assessment's, in each language).
agenda_item_documents = Table(
    "agenda_item_documents",
    db.metadata,
    Column("agenda_item_id", Integer, ForeignKey("agenda_items.id"), primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True),
)


class Meeting(Model):
    """A meeting of a deciding body: its agenda is built, published, held, minuted."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("body_id", "year", "number", name="uq_meetings_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    number: Mapped[int]
    year: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    # The place as the Swedish agenda names it ("Karleby, fullmäktigesalen"); empty: the
    # same words in both languages (issue 19).
    place_sv: Mapped[str] = mapped_column(String(200), default="", server_default="")
    state: Mapped[str] = mapped_column(String(20), default="planned")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A cancelled meeting keeps its row and its reason (issue 20); its items go back to
    # the pool of decisions waiting for a meeting.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    body: Mapped[Body] = relationship()
    # An agenda page shows every item with its decision and documents: load them together.
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        return f"{self.number}/{self.year}"


class AgendaItem(Model):
    """A decision on a meeting's agenda, with its documents and, later, the outcome."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "decision_id", name="uq_agenda_items_decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    position: Mapped[int]
    # The presenter's name as first recorded (before issue 19: the preparer's); kept for
    # agendas made then. Now the secretary chooses the person and their title.
    presenter: Mapped[str] = mapped_column(String(200), default="")
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # The title the person presents in ("kunnanjohtaja" / "kommundirektör"): a title of the
    # office at this meeting, in each national language, not the person's for ever.
    presenter_title_fi: Mapped[str] = mapped_column(String(200), default="", server_default="")
    presenter_title_sv: Mapped[str] = mapped_column(String(200), default="", server_default="")
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when the assessment is reopened after the agenda was published.
    assessment_changed: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    decision: Mapped[Decision] = relationship(lazy="selectin")
    documents: Mapped[list[Document]] = relationship(
        secondary=agenda_item_documents, order_by="Document.language", lazy="selectin"
    )
    outcome_by: Mapped[User | None] = relationship(foreign_keys=[outcome_by_id])
    presenter_user: Mapped[User | None] = relationship(foreign_keys=[presenter_id])

    def presenter_title(self, language: str) -> str:
        return (self.presenter_title_sv if language == "sv" else "") or self.presenter_title_fi


class MeetingDocument(Model):
    """A published agenda, in one language, as it was published: its bytes never change.

    Stored when the agenda is published; the meeting page serves it from then on. The PDF/A
    beside it is made by the archive converter when it is available (issue 19).
    """

    __tablename__ = "meeting_documents"
    __table_args__ = (
        UniqueConstraint("meeting_id", "language", name="uq_meeting_documents_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    language: Mapped[str] = mapped_column(String(2))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
