from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..assessment_data import AssessmentData, Snapshot
from ..extensions import Model
from ._types import UTCDateTime, utcnow
from .decision import Decision
from .user import User


class Assessment(Model):
    """The impact assessment of one decision, driven by a pinned workflow and form."""

    __tablename__ = "assessments"
    __table_args__ = (
        # One active assessment per decision; withdrawn ones stay for the record.
        Index(
            "uq_assessments_active_decision",
            "decision_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
        # The lists' level filter (issue 20).
        Index("ix_assessments_organisation_level", "organisation_id", "level"),
        # The search across assessments (issue 21): its sort orders walk these, a page at a
        # time, and its filters start from the organisation.
        Index("ix_assessments_organisation_started", "organisation_id", "created_at", "id"),
        Index("ix_assessments_organisation_updated", "organisation_id", "updated_at", "id"),
        Index(
            "ix_assessments_organisation_changed_published",
            "organisation_id",
            "changed_after_publication_at",
        ),
        Index("ix_assessments_organisation_preparer", "organisation_id", "prepared_by_id"),
        # The yearly report (issue 22) counts the assessments approved in a year.
        Index("ix_assessments_organisation_approved", "organisation_id", "approved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    workflow_key: Mapped[str] = mapped_column(String(60))
    workflow_version: Mapped[int]
    form_key: Mapped[str] = mapped_column(String(60))
    form_version: Mapped[int]
    state: Mapped[str] = mapped_column(String(40), index=True)
    # The answers: screening, level, sections, alternatives, impacts, hearings, indicators.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    last_edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # The organisation's policy version in force when the assessment started (None: the
    # built-in default applied), and the rule it gave the decision (``assess.policy.Applied``
    # dumped), re-applied and re-recorded when the decision's type, body or amount changes.
    policy_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy_versions.id"), index=True, default=None
    )
    policy: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The reviewer the preparer chose when submitting (None: any reviewer of the body, as
    # the policy's reviewer bodies say). Issue 20.
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), index=True, default=None
    )

    # The screening's level as the answers hold it ("none", "light", "full"; None before
    # screening), kept by the model on every write (``_keep_level``) so that a list can
    # filter by it without reading every assessment's answers (issue 20).
    level: Mapped[str | None] = mapped_column(String(10), default=None)
    # The first change made while the decision was on a published agenda (None: never), for
    # the auditors' search (issue 21); set by the operations layer, never cleared.
    changed_after_publication_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The first submission for review and the approval (issue 22), set by the transitions'
    # use case: the yearly report counts days from the screening's start (created_at) to
    # approval in the database.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    decision: Mapped[Decision] = relationship()
    prepared_by: Mapped[User] = relationship(foreign_keys=[prepared_by_id])
    last_edited_by: Mapped[User | None] = relationship(foreign_keys=[last_edited_by_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="assessment", order_by="Revision.seq"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def content(self) -> AssessmentData:
        """The data, typed. A changed copy is stored by assigning it back (``a.content = c``)."""
        return AssessmentData.load(self.data)

    @content.setter
    def content(self, value: AssessmentData) -> None:
        # A new dict: the JSON column sees the assignment and writes it.
        self.data = value.dump()


@event.listens_for(Assessment, "before_insert")
@event.listens_for(Assessment, "before_update")
def _keep_level(mapper, connection, target: Assessment) -> None:
    screening = (target.data or {}).get("screening")
    level = screening.get("level") if isinstance(screening, dict) else None
    target.level = level if level in ("none", "light", "full") else None


class Revision(Model):
    """A frozen snapshot of an assessment, taken at every transition. Never changed."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("assessment_id", "seq", name="uq_revisions_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    seq: Mapped[int]
    state: Mapped[str] = mapped_column(String(40))
    trigger: Mapped[str | None] = mapped_column(String(60))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assessment: Mapped[Assessment] = relationship(back_populates="revisions")

    @property
    def content(self) -> Snapshot:
        """The snapshot, typed (read only: a revision never changes)."""
        return Snapshot.load(self.snapshot)


class AssessmentSearchKey(Model):
    """One fact an auditor searches by that lives inside an assessment's stored answers
    (issue 21): ``flag:<rule>``, ``negative:<group>``, ``acknowledged_high``. Derived from
    ``Assessment.data`` on every write, never edited by hand; the search reads this index
    instead of every assessment's JSON."""

    __tablename__ = "assessment_search_keys"
    __table_args__ = (
        UniqueConstraint("assessment_id", "key", name="uq_assessment_search_keys"),
        Index("ix_assessment_search_keys_lookup", "organisation_id", "key", "assessment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    key: Mapped[str] = mapped_column(String(80))


class AssessmentFact(Model):
    """One fact the yearly report counts that lives inside an assessment's stored answers
    (issue 22), derived on every write like the search keys and never edited by hand.

    ``kind`` / ``key`` / ``value`` (``at``: when it happened, where the report needs it):
    ``flag`` / rule id / ``appeared``, ``resolved``, ``acknowledged``, ``open_at_approval``
    (``at``: when it appeared); ``group`` / group id / ``negative``, ``positive``;
    ``dimension`` / dimension id / ``negative``, ``positive``; ``hearing`` / council or body
    id / ``requested``, ``answered``, ``not_heard:<reason code>``; ``objective`` / objective
    id / ``helped``, ``harmed``, ``neutral``; ``follow_up`` / indicator id / ``done``,
    ``pending`` (``at``: the due date's local midnight); ``ex_post`` / ``group:dimension`` /
    ``as_expected``, ``better``, ``worse``, ``unknown`` (``at``: first recorded). Written by
    ``report_facts.facts_of`` through ``operations.report_facts_index``.
    """

    __tablename__ = "assessment_facts"
    __table_args__ = (
        Index(
            "ix_assessment_facts_lookup",
            "organisation_id",
            "kind",
            "key",
            "value",
            "assessment_id",
        ),
        Index("ix_assessment_facts_assessment", "assessment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Attachment(Model):
    """A file belonging to an assessment, such as a council's statement. Kept, never changed."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    # What it belongs to inside the assessment, e.g. "hearing:<hearing id>".
    subject: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NegativeEffect(Model):
    """One negative cell of an approved assessment's recommended alternative.

    Kept while the assessment is approved (or beyond) so that the cumulative rule and
    the cumulative view read an indexed table instead of every assessment's JSON.
    Written and removed by the operations layer at the transitions; never edited.
    """

    __tablename__ = "negative_effects"
    __table_args__ = (
        # Covers the cumulative rule's query: no table lookups, however many rows match.
        Index(
            "ix_negative_effects_org_group_date",
            "organisation_id",
            "group_id",
            "approved_on",
            "assessment_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    group_id: Mapped[str] = mapped_column(String(60))
    dimension_id: Mapped[str] = mapped_column(String(60))
    magnitude: Mapped[str | None] = mapped_column(String(20))
    approved_on: Mapped[date]

    assessment: Mapped[Assessment] = relationship()


class Document(Model):
    """A rendered document of one revision, in one language. Its bytes never change.

    ``documents verify`` re-renders each one from its revision and compares the bytes;
    the PDF made from it for archiving is kept beside it with its own checksum.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("revision_id", "kind", "language", name="uq_documents_revision_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    kind: Mapped[str] = mapped_column(String(20), default="assessment")
    language: Mapped[str] = mapped_column(String(2))
    reference: Mapped[str] = mapped_column(String(60))  # the id printed on every page
    filename: Mapped[str] = mapped_column(String(200))
    # The bytes load only when asked for: lists of documents need none of them.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    renderer_version: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The records metadata it was made with (documents/records.py), so it re-renders to the
    # same bytes after the type's or the organisation's settings change; None: made without.
    records: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    revision: Mapped[Revision] = relationship()
    created_by: Mapped[User | None] = relationship()

    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
