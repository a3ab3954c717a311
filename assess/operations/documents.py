"""Documents of assessments: generated at approval, previewed as drafts, verified, PDF.

A document is rendered from a revision's frozen snapshot (``assess.documents``) and
stored with its bytes and SHA-256; it is never changed afterwards. ``verify`` renders
each one again and compares the bytes, so a changed byte in the database is found.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import documents
from ..documents import follow_up as follow_up_doc
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Decision, Document, Revision, User
from ..models._types import utcnow
from ._audit import record
from ._tx import transaction
from .context import FOLLOW_UP_KIND, document_languages, form_of, snapshot
from .errors import Conflict, Forbidden, NotFound, OperationError

PDF_TIMEOUT_SECONDS = 120
# Making a PDF stores it and writes an audit event: a change, which auditors never make.
PDF_MAKERS = ("preparer", "reviewer", "secretary", "admin")


class ConversionUnavailable(OperationError):
    code = "conversion_unavailable"


def languages_for(decision: Decision) -> list[str]:
    """The decision's language; bilingual organisations get Finnish and Swedish."""
    return document_languages(decision)


def render_snapshot(snapshot: dict, language: str, *, draft: bool = False) -> bytes:
    return documents.render(snapshot, form_of(snapshot), language, draft=draft)


def filename(reference: str, case_number: str, extension: str = "docx") -> str:
    case = re.sub(r"[^A-Za-z0-9ÅÄÖåäö-]+", "-", case_number).strip("-")
    return f"{reference}_{case}.{extension}"


def store(
    session: Session,
    user: User,
    revision: Revision,
    *,
    kind: str,
    language: str,
    reference: str,
    content: bytes,
    renderer_version: int,
) -> Document:
    """Keep a rendered document of ``revision`` with its checksum (the caller audits it)."""
    assessment = revision.assessment
    doc = Document(
        organisation_id=assessment.organisation_id,
        assessment_id=assessment.id,
        decision_id=assessment.decision_id,
        revision=revision,
        kind=kind,
        language=language,
        reference=reference,
        filename=filename(reference, assessment.decision.case_number),
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        renderer_version=renderer_version,
        created_by_id=user.id,
    )
    session.add(doc)
    session.flush()
    return doc


def attach(session: Session, user: User, assessment: Assessment, revision: Revision) -> list:
    """Render the revision's documents, store them with the decision, audit each one.

    Called inside the transition's transaction: if rendering fails, nothing is approved.
    """
    made = []
    for language in languages_for(assessment.decision):
        frozen = revision.content
        # Rendered from the JSON as stored: the document's checksum is of that.
        content = documents.render(revision.snapshot, form_of(frozen), language)
        reference = documents.document_id(frozen, language)
        doc = store(
            session,
            user,
            revision,
            kind="assessment",
            language=language,
            reference=reference,
            content=content,
            renderer_version=documents.RENDERER_VERSION,
        )
        record(
            session,
            user,
            "assessment.document_generated",
            "assessment",
            assessment.id,
            changes=[
                {
                    "field": f"documents.{language}",
                    "old": None,
                    "new": {
                        "id": doc.id,
                        "reference": reference,
                        "sha256": doc.sha256,
                        "revision": revision.seq,
                    },
                }
            ],
        )
        made.append(doc)
    return made


def documents_of(decision: Decision) -> Sequence[Document]:
    """Every document of the decision's assessments, newest revision first."""
    return db.session.scalars(
        select(Document).where(Document.decision_id == decision.id).order_by(Document.id.desc())
    ).all()


def paragraphs(document_rows: Sequence[Document]) -> dict[str, str]:
    """The decision-text paragraph of the newest document in each language."""
    out = {}
    for doc in document_rows:
        if doc.kind == FOLLOW_UP_KIND:
            continue  # a follow-up summary is not attached to the decision
        if doc.language not in out:
            snap = doc.revision.content
            out[doc.language] = documents.decision_paragraph(snap, form_of(snap), doc.language)
    return out


def get_document(user: User, document_id: int) -> Document:
    doc = db.session.get(Document, document_id)
    if doc is None or doc.organisation_id != user.organisation_id:
        raise NotFound(_l("No document with id %(id)s.", id=document_id))
    return doc


def preview(user: User, assessment: Assessment, language: str) -> tuple[bytes, str]:
    """The assessment as it stands, as a document marked DRAFT on every page."""
    if language not in ("fi", "sv", "en"):
        raise NotFound(_l("Documents exist in Finnish and Swedish (fi, sv)."))
    snap = snapshot(
        assessment,
        seq="DRAFT",
        user=user,
        transition={"trigger": None, "from": assessment.state, "to": assessment.state},
    )
    content = render_snapshot(snap, language, draft=True)
    reference = documents.document_id(snap, language, draft=True)
    return content, filename(reference, assessment.decision.case_number)


@dataclass(frozen=True)
class Mismatch:
    document: int
    reference: str
    problem: str


def verify() -> tuple[int, list[Mismatch]]:
    """Check every stored document: its bytes against its checksum, and a re-render
    of its revision against its bytes. Returns (documents checked, mismatches)."""
    problems, checked = [], 0
    for doc in db.session.scalars(select(Document).order_by(Document.id)):
        checked += 1
        if hashlib.sha256(doc.content).hexdigest() != doc.sha256:
            problems.append(
                Mismatch(doc.id, doc.reference, "the stored bytes do not match the stored SHA-256")
            )
            continue
        if doc.pdf is not None and hashlib.sha256(doc.pdf).hexdigest() != doc.pdf_sha256:
            problems.append(
                Mismatch(doc.id, doc.reference, "the stored PDF does not match its SHA-256")
            )
        summary = doc.kind == FOLLOW_UP_KIND
        renderer = follow_up_doc.RENDERER_VERSION if summary else documents.RENDERER_VERSION
        if doc.renderer_version != renderer:
            continue  # an older renderer: the checksum above is what can be checked
        snap = doc.revision.snapshot
        again = (
            follow_up_doc.render_summary(snap, form_of(snap), doc.language)
            if summary
            else render_snapshot(snap, doc.language)
        )
        if again != doc.content:
            problems.append(
                Mismatch(doc.id, doc.reference, "a new rendering of its revision gives other bytes")
            )
    return checked, problems


def soffice() -> str | None:
    configured = current_app.config.get("SOFFICE")
    return configured or shutil.which("soffice") or shutil.which("libreoffice")


def may_make_pdf(user: User) -> bool:
    return user.has_role(*PDF_MAKERS)


def to_pdf(user: User | None, doc: Document) -> Document:
    """Convert the stored .docx to PDF with LibreOffice and keep it beside the .docx.

    ``user`` None is the operator at the command line."""
    if user is not None and not may_make_pdf(user):
        raise Forbidden(
            _l(
                "Only preparers, reviewers, board secretaries and administrators can make a "
                "PDF; you can download one that was made."
            )
        )
    if doc.pdf is not None:
        return doc
    binary = soffice()
    if binary is None:
        raise ConversionUnavailable(
            _l(
                "LibreOffice is not installed on the server, so no PDF can be made. An "
                "administrator can install it (Debian: libreoffice-writer-nogui)."
            )
        )
    with tempfile.TemporaryDirectory(prefix="assess-pdf-") as tmp:
        work = Path(tmp)
        source = work / doc.filename
        source.write_bytes(doc.content)
        # Its own profile: parallel conversions and the server user's home stay apart.
        profile = (work / "profile").as_uri()
        try:
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=PDF_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            raise Conflict(
                _l(
                    "LibreOffice did not finish the PDF within %(n)d seconds; try again later.",
                    n=PDF_TIMEOUT_SECONDS,
                )
            ) from None
        except subprocess.CalledProcessError as exc:
            current_app.logger.error("soffice failed: %s", exc.stderr.decode(errors="replace"))
            raise Conflict(_l("LibreOffice could not convert the document to PDF.")) from None
        pdf = source.with_suffix(".pdf")
        if not pdf.exists():
            raise Conflict(_l("LibreOffice could not convert the document to PDF."))
        content = pdf.read_bytes()
    with transaction() as session:
        doc.pdf = content
        doc.pdf_sha256 = hashlib.sha256(content).hexdigest()
        doc.pdf_created_at = utcnow()
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
