"""What the integrity page shows an auditor (issue 21): the audit chain's state as the
organisation may see it (``audit_log.verify_for``) and its documents' state, and the same as
a report to keep.

The documents are checked by their checksums here: the stored bytes of each document (and
of its PDF/A) against the SHA-256 recorded when it was made, which finds any byte changed
in the database. Re-rendering every document from its revision (``flask documents verify``)
proves more and takes seconds per document, so it stays a command for the operator.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Document, User
from .access_log import record_access
from .audit_log import OrganisationVerification, verify_for


@dataclass(frozen=True)
class DocumentProblem:
    id: int
    reference: str
    part: str  # "document" or "pdf"


@dataclass
class DocumentsState:
    checked: int = 0
    pdfs_checked: int = 0
    without_pdf: int = 0
    problems: list[DocumentProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Integrity:
    chain: OrganisationVerification
    documents: DocumentsState
    checked_at: datetime


def documents_state(user: User) -> DocumentsState:
    """Every document of the organisation against its recorded checksums."""
    state = DocumentsState()
    rows = db.session.execute(
        select(
            Document.id,
            Document.reference,
            Document.content,
            Document.sha256,
            Document.pdf,
            Document.pdf_sha256,
        )
        .where(Document.organisation_id == user.organisation_id)
        .order_by(Document.id)
        .execution_options(yield_per=200)
    )
    for doc_id, reference, content, sha, pdf, pdf_sha in rows:
        state.checked += 1
        if hashlib.sha256(content or b"").hexdigest() != sha:
            state.problems.append(DocumentProblem(doc_id, reference, "document"))
        if pdf is None:
            state.without_pdf += 1
            continue
        state.pdfs_checked += 1
        if hashlib.sha256(pdf).hexdigest() != pdf_sha:
            state.problems.append(DocumentProblem(doc_id, reference, "pdf"))
    return state


def check(user: User) -> Integrity:
    """The chain from the last recorded intact walk (recorded in turn), and every document."""
    return Integrity(
        chain=verify_for(user, since_last_run=True),
        documents=documents_state(user),
        checked_at=datetime.now(UTC),
    )


def _walked(chain: OrganisationVerification) -> str:
    if chain.since is None:
        return f"  Walked from the first event now: {chain.new_events} events{_left(chain)}"
    return (
        f"  Walked on from the walk of {chain.since.at.isoformat(timespec='seconds')} "
        f"(up to event {chain.since.last_event_id}): {chain.new_events} new events checked "
        "now; events before it are re-read only by `flask --app wsgi audit verify`"
    ) + _left(chain)


def _left(chain: OrganisationVerification) -> str:
    if not chain.more:
        return ""
    return (
        f"; stopped at event {chain.checked_upto} (one check reads at most "
        f"{chain.new_events} events), newer events are left for the next check"
    )


def report(user: User, result: Integrity, time_zone: str) -> str:
    """A plain-text report of one check, in English like the command line's (the figures
    and ids are what an auditor's file needs); downloading it is recorded."""
    chain, docs = result.chain, result.documents
    lines = [
        "Integrity report",
        f"Organisation: {user.organisation.name('fi')} / {user.organisation.name('sv')}",
        f"Checked at: {result.checked_at.isoformat(timespec='seconds')} (UTC); "
        f"organisation's time zone {time_zone}",
        f"Checked by: {user.name} <{user.email}>",
        "",
        "Audit chain (one chain for every organisation of this installation)",
        f"  Intact: {'yes' if chain.intact else 'NO'}",
        _walked(chain),
        f"  First broken event: {chain.first_broken if chain.first_broken is not None else '-'}",
        f"  Anchored by a signed checkpoint: {'yes' if chain.anchored else 'no'}",
        f"  Newest checkpoint: "
        f"{chain.checkpoint_at.isoformat(timespec='seconds') if chain.checkpoint_at else '-'}",
        f"  This organisation's events: {chain.events}",
        f"    covered by the newest checkpoint: {chain.events_covered}",
        f"    after it (protected by the hashes only): {chain.events_after_checkpoint}",
    ]
    lines += [f"  Warning: {w}" for w in chain.warnings]
    lines += [
        "",
        "Documents (stored bytes against the SHA-256 recorded when each was made)",
        f"  Documents checked: {docs.checked}",
        f"  PDF/A copies checked: {docs.pdfs_checked}; without a PDF/A yet: {docs.without_pdf}",
        f"  Mismatches: {len(docs.problems)}",
    ]
    lines += [f"    document {p.id} {p.reference}: the {p.part} changed" for p in docs.problems]
    lines += [
        "",
        "Re-rendering every document from its revision: `flask --app wsgi documents verify`.",
        "The whole chain with every checkpoint: `flask --app wsgi audit verify`.",
    ]
    record_access(
        user,
        "access.verification_report",
        "organisation",
        user.organisation_id,
        {"intact": chain.intact, "documents_checked": docs.checked},
    )
    return "\n".join(lines) + "\n"
