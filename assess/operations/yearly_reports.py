"""The yearly report as a stored snapshot (issue 22): generated from the year's figures, its
overview edited by the wellbeing coordinator, then published with its documents and CSVs.

What was given to the board must show again unchanged a year later, whatever happened to the
data since: a report keeps its figures (and their SHA-256 over the canonical JSON), and when
published the bytes of every file (and each one's SHA-256). A published report never
changes; a new one is generated instead. Reading a stored file checks its checksum.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import report_tables
from ..canonical import canonical_json
from ..documents import yearly_report
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Organisation, User, YearlyReport, YearlyReportFile
from ..report_overview import overviews
from . import yearly_figures
from ._audit import record
from ._tx import transaction
from .context import today
from .errors import Conflict, Forbidden, NotFound, Stale, ValidationFailed

EDITORS = ("coordinator", "admin")
READERS = ("coordinator", "admin", "reviewer", "auditor")
DOCUMENT_LANGUAGES = ("fi", "sv")
CSV_LANGUAGES = ("fi", "sv", "en")
FIRST_YEAR = 2000
OVERVIEW_MAX = 5000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"


# --- what the other parts of issue 22 provide -------------------------------------------


def year_figures(organisation: Organisation, year: int) -> dict[str, Any]:
    """The figures of ``organisation``'s ``year``, counted in the database now."""
    return yearly_figures.figures(organisation, year)


def live_figures(organisation: Organisation) -> dict[str, Any]:
    """The figures of the current year so far."""
    return yearly_figures.live_figures(organisation)


def document_bytes(
    figures: Mapping[str, Any], overview: str, language: str, *, draft: bool = False
) -> bytes:
    """The report's .docx in ``language`` (a draft's marked as such on every page)."""
    return yearly_report.render(figures, overview, language, draft=draft)


# --- reading -----------------------------------------------------------------------------


def _may_read(user: User) -> None:
    if not user.has_role(*READERS):
        raise Forbidden(
            _l("Only reviewers, wellbeing coordinators, auditors and admins read yearly reports.")
        )


def _may_edit(user: User) -> None:
    if not user.has_role(*EDITORS):
        raise Forbidden(
            _l("Only a wellbeing coordinator or an admin generates, edits and publishes reports.")
        )


def reports_of(user: User) -> list[YearlyReport]:
    """The organisation's reports, newest first."""
    _may_read(user)
    return list(
        db.session.scalars(
            select(YearlyReport)
            .where(YearlyReport.organisation_id == user.organisation_id)
            .order_by(YearlyReport.year.desc(), YearlyReport.id.desc())
        )
    )


def report_of(user: User, report_id: int) -> YearlyReport:
    """A report of the user's own organisation."""
    _may_read(user)
    report = db.session.get(YearlyReport, report_id)
    if report is None or report.organisation_id != user.organisation_id:
        raise NotFound(_l("There is no yearly report %(id)s.", id=report_id))
    return report


def figures_intact(report: YearlyReport) -> bool:
    """Are the stored figures still those their SHA-256 was taken of?"""
    return hashlib.sha256(canonical_json(report.figures)).hexdigest() == report.figures_sha256


def stored_file(user: User, report_id: int, name: str) -> tuple[YearlyReportFile, bytes]:
    """A published report's file and its bytes, checked against the recorded SHA-256."""
    report = report_of(user, report_id)
    row = db.session.scalar(
        select(YearlyReportFile).where(
            YearlyReportFile.report_id == report.id, YearlyReportFile.name == name
        )
    )
    if row is None:
        raise NotFound(_l("The report has no file %(name)s.", name=name))
    content = row.content
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise Conflict(
            _l(
                "The stored file %(name)s no longer matches the checksum recorded when the "
                "report was published: it was altered. Tell the service's operator.",
                name=name,
            )
        )
    return row, content


def draft_file(user: User, report_id: int, name: str) -> tuple[str, bytes]:
    """A draft's document or CSV, made now from its stored figures and overview."""
    report = report_of(user, report_id)
    for file_name, content_type, make in _files(report, draft=True):
        if file_name == name:
            return content_type, make()
    raise NotFound(_l("The report has no file %(name)s.", name=name))


def file_names(report: YearlyReport) -> list[str]:
    return [name for name, _, _ in _files(report)]


def csv_name(table_id: str, language: str) -> str:
    return f"{table_id}-{language}.csv"


def document_name(language: str) -> str:
    return f"report-{language}.docx"


def _files(
    report: YearlyReport, *, draft: bool = False
) -> list[tuple[str, str, Callable[[], bytes]]]:
    figures, overview = report.figures, report.overview or {}
    files: list[tuple[str, str, Callable[[], bytes]]] = [
        (
            document_name(lang),
            DOCX,
            partial(document_bytes, figures, overview.get(lang, ""), lang, draft=draft),
        )
        for lang in DOCUMENT_LANGUAGES
    ]
    for lang in CSV_LANGUAGES:
        for table in report_tables.tables(figures, lang):
            files.append((csv_name(table.id, lang), CSV, partial(report_tables.csv_bytes, table)))
    return files


# --- changing ----------------------------------------------------------------------------


def _check_year(year: Any) -> int:
    last = today().year
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = None
    if value is None or not FIRST_YEAR <= value <= last:
        raise ValidationFailed(
            {
                "year": [
                    _l(
                        "'%(given)s' is not a year the report can cover: give a year from "
                        "%(first)s to %(last)s.",
                        given=year,
                        first=FIRST_YEAR,
                        last=last,
                    )
                ]
            }
        )
    return value


def _check_version(report: YearlyReport, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != report.version:
        raise Stale(
            _l(
                "Someone else changed this report while you were working on it (you had "
                "version %(mine)s, it is now version %(now)s). Nothing of yours was saved: "
                "reload the page, then make your change again.",
                mine=expected_version,
                now=report.version,
            )
        )


def _draft(user: User, report_id: int, expected_version: int | None) -> YearlyReport:
    _may_edit(user)
    report = report_of(user, report_id)
    if report.status != "draft":
        raise Conflict(
            _l(
                "This report is published and never changes. Generate a new report for the "
                "year to report newer figures."
            )
        )
    _check_version(report, expected_version)
    return report


def generate(user: User, organisation: Organisation, year: Any) -> YearlyReport:
    """A draft report of ``organisation``'s ``year`` with the figures as they are now."""
    _may_edit(user)
    if organisation.id != user.organisation_id:
        raise Forbidden(_l("You may generate reports of your own organisation only."))
    value = _check_year(year)
    figures = year_figures(organisation, value)
    written = overviews(figures)
    with transaction() as session:
        report = YearlyReport(
            organisation_id=organisation.id,
            year=value,
            status="draft",
            figures=figures,
            figures_sha256=hashlib.sha256(canonical_json(figures)).hexdigest(),
            overview=dict(written),
            overview_generated=dict(written),
            created_by_id=user.id,
        )
        session.add(report)
        session.flush()
        record(
            session,
            user,
            "report.generated",
            "yearly_report",
            report.id,
            changes=[
                {"field": "year", "old": None, "new": value},
                {"field": "figures_sha256", "old": None, "new": report.figures_sha256},
            ],
        )
    return report


def edit_overview(
    user: User, report_id: int, overview: Mapping[str, Any], expected_version: int | None
) -> YearlyReport:
    """The coordinator's wording of the overview, in fi and sv (en kept as written)."""
    report = _draft(user, report_id, expected_version)
    errors: dict[str, list] = {}
    new = dict(report.overview or {})
    for lang in DOCUMENT_LANGUAGES:
        text = overview.get(lang)
        text = text.strip().replace("\r\n", "\n") if isinstance(text, str) else ""
        if not text:
            errors[f"overview_{lang}"] = [
                _l("Write the overview; the report's document shows it above the tables.")
            ]
        elif len(text) > OVERVIEW_MAX:
            errors[f"overview_{lang}"] = [
                _l(
                    "The overview is %(n)s characters long; keep it to %(max)s.",
                    n=len(text),
                    max=OVERVIEW_MAX,
                )
            ]
        new[lang] = text
    if errors:
        raise ValidationFailed(errors)
    old = dict(report.overview or {})
    if new == old:
        return report
    try:
        with transaction() as session:
            report.overview = new
            session.flush()
            record(
                session,
                user,
                "report.overview_edited",
                "yearly_report",
                report.id,
                changes=[
                    {"field": f"overview.{lang}", "old": old.get(lang), "new": new[lang]}
                    for lang in DOCUMENT_LANGUAGES
                    if old.get(lang) != new[lang]
                ],
            )
    except StaleDataError:
        db.session.refresh(report)
        _check_version(report, expected_version)
        raise
    return report


def publish(user: User, report_id: int, expected_version: int | None) -> YearlyReport:
    """Store the documents and CSVs of a draft with their checksums; it never changes again."""
    report = _draft(user, report_id, expected_version)
    if not figures_intact(report):
        raise Conflict(
            _l(
                "The report's stored figures no longer match their checksum: they were "
                "altered. Nothing was published; generate the report again."
            )
        )
    made = [(name, content_type, make()) for name, content_type, make in _files(report)]
    try:
        with transaction() as session:
            for name, content_type, content in made:
                session.add(
                    YearlyReportFile(
                        report_id=report.id,
                        name=name,
                        content_type=content_type,
                        content=content,
                        sha256=hashlib.sha256(content).hexdigest(),
                    )
                )
            report.status = "published"
            report.published_by_id = user.id
            report.published_at = datetime.now(UTC)
            session.flush()
            record(
                session,
                user,
                "report.published",
                "yearly_report",
                report.id,
                changes=[
                    {"field": "status", "old": "draft", "new": "published"},
                    {
                        "field": "files",
                        "old": None,
                        "new": {
                            name: hashlib.sha256(content).hexdigest() for name, _, content in made
                        },
                    },
                ],
            )
    except StaleDataError:
        db.session.refresh(report)
        _check_version(report, expected_version)
        raise
    return report
