"""Documents of assessments: generated at approval, previewed as drafts, verified, PDF.

A document is rendered from a revision's frozen snapshot (``assess.documents``) and
stored with its bytes and SHA-256; it is never changed afterwards. ``verify`` renders
each one again and compares the bytes, so a changed byte in the database is found.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import documents
from ..documents import follow_up as follow_up_doc
from ..documents import records as rec
from ..documents.identity import AttachmentMark
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Decision, Document, MeetingDocument, Revision, User
from ..pdfa import ConverterDown
from . import archive, records
from ._audit import record
from ._tx import transaction
from .attachment_numbers import ASSESSMENT_NUMBER, COPY_KIND, mark_of_copy
from .context import FOLLOW_UP_KIND, document_languages, form_of, snapshot
from .errors import Conflict, Forbidden, NotFound, OperationError

# Making a PDF stores it and writes an audit event: a change, which auditors never make.
PDF_MAKERS = ("preparer", "reviewer", "secretary", "admin")


class ConversionUnavailable(OperationError):
    code = "conversion_unavailable"


def languages_for(decision: Decision) -> list[str]:
    """The decision's language; bilingual organisations get Finnish and Swedish."""
    return document_languages(decision)


def render_snapshot(
    snapshot: dict,
    language: str,
    *,
    draft: bool = False,
    records: dict | None = None,
    attachment: AttachmentMark | None = None,
) -> bytes:
    """``records``: the records metadata as a document row keeps them (``Document.records``).
    ``attachment``: an agenda's attachment copy, its number and meeting (issue 19)."""
    kept = rec.from_stored(records)
    return documents.render(
        snapshot,
        form_of(snapshot),
        language,
        draft=draft,
        records=kept.properties() if kept is not None else None,
        attachment=attachment,
    )


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
    records: dict | None = None,
) -> Document:
    """Keep a rendered document of ``revision`` with its checksum (the caller audits it).

    ``records``: the records metadata it was rendered with (``records.stored``)."""
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
        records=records,
    )
    session.add(doc)
    session.flush()
    return doc


@dataclass(frozen=True)
class Rendered:
    """A revision's document in one language, rendered and not yet stored."""

    language: str
    reference: str
    content: bytes
    records: dict | None
    pdf: bytes | None  # its PDF/A, if the converter was up


def render_for(assessment: Assessment, revision: Revision) -> list[Rendered]:
    """The revision's documents, rendered: before the transition's audit event, because
    that event takes the audit chain's lock until the transaction ends, and every other
    change in the installation waits for it (an approval's rendering took 0.8 s)."""
    # Frozen with each document, so it renders to the same bytes after the settings change.
    kept = rec.stored(records.metadata_for(assessment.decision))
    made = [
        (
            language,
            documents.document_id(revision.content, language),
            # Rendered from the JSON as stored: the document's checksum is of that.
            render_snapshot(revision.snapshot, language, records=kept),
        )
        for language in languages_for(assessment.decision)
    ]
    # Their PDF/A too, if the converter is up; if not, `documents archive` makes it later.
    pdfs = archive.pdfs_of([(f"document {reference}", content) for _, reference, content in made])
    return [
        Rendered(language, reference, content, kept, pdf)
        for (language, reference, content), pdf in zip(made, pdfs, strict=True)
    ]


def attach(
    session: Session,
    user: User,
    assessment: Assessment,
    revision: Revision,
    rendered: list[Rendered],
) -> list:
    """Store the revision's ``rendered`` documents with the decision, audit each one.

    Called inside the transition's transaction: if rendering fails, nothing is approved.
    """
    made = []
    for one in rendered:
        doc = store(
            session,
            user,
            revision,
            kind="assessment",
            language=one.language,
            reference=one.reference,
            content=one.content,
            renderer_version=documents.RENDERER_VERSION,
            records=one.records,
        )
        record(
            session,
            user,
            "assessment.document_generated",
            "assessment",
            assessment.id,
            changes=[
                {
                    "field": f"documents.{one.language}",
                    "old": None,
                    "new": {
                        "id": doc.id,
                        "reference": one.reference,
                        "sha256": doc.sha256,
                        "revision": revision.seq,
                    },
                }
            ],
        )
        made.append(doc)
    for doc, one in zip(made, rendered, strict=True):
        if one.pdf is not None:
            archive.keep_pdf(session, user, doc, one.pdf)
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
            # The newest is the agenda's copy once attached: the paragraph names it (liite 1).
            number = ASSESSMENT_NUMBER if doc.kind == COPY_KIND else None
            out[doc.language] = documents.decision_paragraph(
                snap, form_of(snap), doc.language, attachment=number
            )
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


# What ``documents verify`` says of the two checksums it checks (issue 19).
CHECKSUMS_EXPLAINED = (
    "Checked for each document: the file checksum (SHA-256 of the stored file's bytes, "
    "different for every file, as the agenda lists it) and the data fingerprint (SHA-256 "
    "of the revision's data, the same for every language and for an agenda's attachment "
    "copy; its first 12 hex digits are in every page's footer, the whole in the document's "
    "property revision_sha256)."
)


@dataclass(frozen=True)
class Mismatch:
    document: int
    reference: str
    problem: str


def verify() -> tuple[int, list[Mismatch]]:
    """Check every stored document, the approved originals and the agenda's attachment
    copies alike: its bytes against its file checksum (SHA-256 of the file's bytes), its
    revision's data against the data fingerprint (SHA-256 of the revision's canonical
    JSON), and a re-render of its revision against its bytes. Returns (documents checked,
    mismatches)."""
    problems, checked = [], 0
    for doc in db.session.scalars(select(Document).order_by(Document.id)):
        checked += 1
        if hashlib.sha256(doc.content).hexdigest() != doc.sha256:
            problems.append(
                Mismatch(
                    doc.id,
                    doc.reference,
                    "the stored bytes do not match the stored file checksum (SHA-256 of the "
                    "file's bytes)",
                )
            )
            continue
        if documents.revision_sha256(doc.revision.snapshot) != doc.revision.sha256:
            problems.append(
                Mismatch(
                    doc.id,
                    doc.reference,
                    "its revision's data do not match their data fingerprint (SHA-256 of the "
                    "revision's data)",
                )
            )
        if doc.pdf is not None and hashlib.sha256(doc.pdf).hexdigest() != doc.pdf_sha256:
            problems.append(
                Mismatch(doc.id, doc.reference, "the stored PDF does not match its SHA-256")
            )
        summary = doc.kind == FOLLOW_UP_KIND
        renderer = follow_up_doc.RENDERER_VERSION if summary else documents.RENDERER_VERSION
        if doc.renderer_version != renderer:
            continue  # an older renderer: the checksum above is what can be checked
        snap = doc.revision.snapshot
        mark = mark_of_copy(doc) if doc.kind == COPY_KIND else None
        if doc.kind == COPY_KIND and mark is None:
            problems.append(
                Mismatch(doc.id, doc.reference, "an attachment copy attached to no agenda item")
            )
            continue
        again = (
            follow_up_doc.render_summary(snap, form_of(snap), doc.language)
            if summary
            else render_snapshot(snap, doc.language, records=doc.records, attachment=mark)
        )
        if again != doc.content:
            problems.append(
                Mismatch(doc.id, doc.reference, "a new rendering of its revision gives other bytes")
            )
    # Published agendas (issue 19): kept as published, checked by their file checksums.
    for agenda in db.session.scalars(select(MeetingDocument).order_by(MeetingDocument.id)):
        checked += 1
        name = f"agenda of meeting {agenda.meeting_id}, {agenda.filename}"
        if hashlib.sha256(agenda.content).hexdigest() != agenda.sha256:
            problems.append(
                Mismatch(agenda.id, name, "the stored bytes do not match the stored SHA-256")
            )
        if agenda.pdf is not None and hashlib.sha256(agenda.pdf).hexdigest() != agenda.pdf_sha256:
            problems.append(Mismatch(agenda.id, name, "the stored PDF does not match its SHA-256"))
    return checked, problems


def pdf_missing() -> list[archive.Archivable]:
    """Stored documents and published agendas whose PDF/A is not made yet (``documents
    archive`` makes them)."""
    return archive.missing()


def may_make_pdf(user: User) -> bool:
    return user.has_role(*PDF_MAKERS)


def to_pdf(user: User | None, doc: Document) -> Document:
    """Convert the stored .docx to PDF/A-2b with LibreOffice and keep it beside the .docx
    (the long-running converter, else a fresh LibreOffice start).

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
    try:
        content = archive.convert(doc.content)
    except ConverterDown as exc:
        current_app.logger.error("PDF conversion failed: %s", exc)
        if archive.soffice() is None:
            raise ConversionUnavailable(
                _l(
                    "LibreOffice is not installed on the server, so no PDF can be made. An "
                    "administrator can install it (Debian: libreoffice-writer-nogui)."
                )
            ) from None
        raise Conflict(_l("LibreOffice could not convert the document to PDF.")) from None
    with transaction() as session:
        archive.keep_pdf(session, user, doc, content)
    return doc
