"""The yearly report as generated (issue 22): the figures, the coordinator's overview and
the documents' bytes, kept so that what was given to the board can be shown again unchanged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import UTCDateTime, utcnow

REPORT_STATUSES = ("draft", "published")


class YearlyReport(Model):
    """One generated report of an organisation's year. A draft's overview may be edited; a
    published report never changes (a new one is generated instead)."""

    __tablename__ = "yearly_reports"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        Index("ix_yearly_reports_organisation_year", "organisation_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # The figures as the API's GET /reports/yearly answers them, and the SHA-256 of their
    # canonical JSON (assess.canonical), so that a stored report can be checked.
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    figures_sha256: Mapped[str] = mapped_column(String(64))
    # {"fi": ..., "sv": ...}: the overview as the coordinator edited it, and as written by
    # the product, both kept.
    overview: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    overview_generated: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    version: Mapped[int] = mapped_column(default=1)

    files: Mapped[list[YearlyReportFile]] = relationship(
        back_populates="report", order_by="YearlyReportFile.name"
    )

    __mapper_args__ = {"version_id_col": version}


class YearlyReportFile(Model):
    """A document or CSV of a report, its bytes and SHA-256 as made."""

    __tablename__ = "yearly_report_files"
    __table_args__ = (
        UniqueConstraint("report_id", "name", name="uq_yearly_report_files_report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("yearly_reports.id"))
    name: Mapped[str] = mapped_column(String(100))  # "report-fi.docx", "flags.csv", ...
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[YearlyReport] = relationship(back_populates="files")
