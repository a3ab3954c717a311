"""Archival PDF/A of stored documents (an assessment's at approval, a published agenda's
at publication) when the converter is up; later by ``flask --app wsgi documents archive``
when it was not.

A document's PDF/A-2b (``assess.pdfa``) is kept beside its .docx with its own checksum
(the "file checksum" of the PDF). Making it is never a reason for an approval to fail:
when no converter answers, the document stays without a PDF, ``documents verify`` names
it, and the archive command makes it afterwards.

The converter (setting ``PDF_CONVERTER``): ``local`` starts one unoserver with its
LibreOffice in this process the first time it is needed and keeps it (each gunicorn
worker has its own); a URL uses one someone else runs; ``off`` makes no PDF at approval.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import pdfa
from ..extensions import db
from ..models import Document, MeetingDocument, User
from ..models._types import utcnow
from ._audit import record
from ._tx import transaction

_KEY = "assess.pdf_converter"
# After a local converter failed to start, approvals do not wait for another start for
# this long (seconds): the PDFs are made later by `documents archive`.
RETRY_AFTER_FAILURE_SECONDS = 300


@dataclass
class _State:
    local: pdfa.LocalConverter | None = None
    failed_at: float | None = None


def _state(app: Flask) -> _State:
    state = app.extensions.get(_KEY)
    if state is None:
        state = app.extensions[_KEY] = _State()
    return state


def mode(app: Flask | None = None) -> str:
    """``local``, ``off`` or the URL of a running unoserver."""
    app = app or current_app
    return (app.config.get("PDF_CONVERTER") or "local").strip()


def _timeout(app: Flask) -> float:
    return float(app.config.get("PDF_CONVERTER_TIMEOUT_SECONDS") or 120)


def _local(app: Flask) -> pdfa.LocalConverter:
    state = _state(app)
    if state.local is None:
        state.local = pdfa.LocalConverter(
            python=app.config.get("PDF_CONVERTER_PYTHON") or "/usr/bin/python3",
            soffice=app.config.get("SOFFICE") or None,
            start_timeout=float(app.config.get("PDF_CONVERTER_START_SECONDS") or 60),
        )
        # The worker's LibreOffice ends with the worker.
        atexit.register(state.local.stop)
    return state.local


def convert_long_running(content: bytes, app: Flask | None = None) -> bytes:
    """PDF/A of ``content`` through the long-running converter, or ConverterDown."""
    app = app or current_app
    how = mode(app)
    if how == "off":
        raise pdfa.ConverterDown("no long-running converter is configured (PDF_CONVERTER=off)")
    if how != "local":
        return pdfa.convert_remote(how, content, _timeout(app))
    state = _state(app)
    local = _local(app)
    if (
        not local.running
        and state.failed_at is not None
        and time.monotonic() - state.failed_at < RETRY_AFTER_FAILURE_SECONDS
    ):
        raise pdfa.ConverterDown(local.failure or "the converter failed to start a moment ago")
    try:
        pdf = local.convert(content, _timeout(app))
    except pdfa.ConverterDown:
        state.failed_at = time.monotonic()
        raise
    state.failed_at = None
    return pdf


def soffice(app: Flask | None = None) -> str | None:
    configured = (app or current_app).config.get("SOFFICE")
    return configured or shutil.which("soffice") or shutil.which("libreoffice")


def convert(content: bytes, *, fresh_fallback: bool = True) -> bytes:
    """PDF/A of ``content``: the long-running converter, else a fresh LibreOffice start."""
    try:
        return convert_long_running(content)
    except pdfa.ConverterDown as exc:
        if not fresh_fallback:
            raise
        if mode() != "off":
            current_app.logger.warning("PDF converter unavailable, starting LibreOffice: %s", exc)
    binary = soffice()
    if binary is None:
        raise pdfa.ConverterDown("LibreOffice (soffice) is not installed")
    return pdfa.convert_fresh(binary, content, _timeout(current_app))


def stop_converter(app: Flask | None = None) -> None:
    """End this process's converter (tests, and the command line when it is done)."""
    state = _state(app or current_app)
    if state.local is not None:
        state.local.stop()
    state.failed_at = None


Archivable = Document | MeetingDocument


def describe(row: Archivable) -> str:
    """The stored file in words, for the command line."""
    if isinstance(row, MeetingDocument):
        return f"agenda of meeting {row.meeting_id} ({row.language}, {row.filename})"
    return f"document {row.id} ({row.reference})"


def keep_pdf(session: Session, user: User | None, doc: Archivable, pdf: bytes) -> Archivable:
    """Store ``pdf`` beside the .docx with its checksum; audit it."""
    doc.pdf = pdf
    doc.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    doc.pdf_created_at = utcnow()
    if isinstance(doc, MeetingDocument):
        record(
            session,
            user,
            "meeting.agenda_pdf",
            "meeting",
            doc.meeting_id,
            changes=[
                {
                    "field": f"agenda.{doc.language}.pdf",
                    "old": None,
                    "new": {"id": doc.id, "filename": doc.filename, "sha256": doc.pdf_sha256},
                }
            ],
            organisation_id=doc.meeting.body.organisation_id,
        )
        return doc
    record(
        session,
        user,
        "assessment.document_pdf",
        "assessment",
        doc.assessment_id,
        changes=[
            {
                "field": f"documents.{doc.language}.pdf",
                "old": None,
                "new": {"id": doc.id, "reference": doc.reference, "sha256": doc.pdf_sha256},
            }
        ],
        organisation_id=doc.organisation_id,
    )
    return doc


def archive_new(session: Session, user: User | None, docs: Iterable[Archivable]) -> int:
    """PDF/A of documents just stored (at approval, at publication), as far as the
    converter is up.

    Only the long-running converter: an approval does not wait for LibreOffice starts.
    Returns how many were made; a converter that is down leaves the rest for
    ``documents archive`` and never fails the approval.
    """
    docs = list(docs)
    pdfs = pdfs_of([(describe(doc), doc.content) for doc in docs])
    for doc, pdf in zip(docs, pdfs, strict=True):
        if pdf is not None:
            keep_pdf(session, user, doc, pdf)
    return sum(pdf is not None for pdf in pdfs)


def pdfs_of(named: Sequence[tuple[str, bytes]]) -> list[bytes | None]:
    """PDF/A of each (what it is, .docx) as far as the long-running converter is up, None
    for the rest (``documents archive`` makes them later).

    Converted before anything of them is audited: a transaction's first audit event holds
    the audit chain's lock until it ends, and every other change waits for it.
    """
    if mode() == "off":
        return [None] * len(named)
    pdfs: list[bytes | None] = []
    for what, content in named:
        try:
            pdfs.append(convert_long_running(content))
        except pdfa.ConverterDown as exc:
            current_app.logger.warning(
                "No PDF/A of %s now (made later by `documents archive`): %s", what, exc
            )
            break
    return pdfs + [None] * (len(named) - len(pdfs))


def missing() -> list[Archivable]:
    """Stored documents and published agendas without their PDF/A."""
    docs: list[Archivable] = list(
        db.session.scalars(
            select(Document).where(Document.pdf_sha256.is_(None)).order_by(Document.id)
        )
    )
    agendas = db.session.scalars(
        select(MeetingDocument)
        .where(MeetingDocument.pdf_sha256.is_(None))
        .order_by(MeetingDocument.id)
    )
    return docs + list(agendas)


@dataclass(frozen=True)
class ArchiveRun:
    made: list[Archivable]
    failed: list[tuple[Archivable, str]]


def archive_missing(*, fresh_fallback: bool = True) -> ArchiveRun:
    """Make the PDF/A of every stored document that lacks one (the command line)."""
    made, failed = [], []
    for doc in missing():
        try:
            pdf = convert(doc.content, fresh_fallback=fresh_fallback)
        except pdfa.ConverterDown as exc:
            failed.append((doc, str(exc)))
            continue
        with transaction() as session:
            keep_pdf(session, None, doc, pdf)
        made.append(doc)
    return ArchiveRun(made, failed)
