"""The attachment copy of an assessment document (issue 19).

When the secretary attaches an approved assessment to an agenda item, a copy of each
language's document is rendered with "Liite 1 · <body> <meeting>, <date>" in its header
and the meeting and attachment number in its heading: the file handed out with the
agenda. The approved original is not touched: its bytes stay as they were at approval,
and the copy is a document of its own (kind ``attachment``, same revision, language and
document id) with its own file checksum, re-rendered by ``documents verify``.

One copy per revision and language (the documents' unique key): a decision tabled and
put on a later meeting keeps the copy of the first meeting, and the later agenda hands
out the original (``agenda_documents.attachment_numbers``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import documents
from ..models import AgendaItem, Document, User
from . import documents as doc_ops
from .attachment_numbers import ASSESSMENT_NUMBER, COPY_KIND, ORIGINAL_KIND, mark


def make(session: Session, user: User, item: AgendaItem) -> list[Document]:
    """Render and attach the copies the item lacks (inside the caller's transaction; the
    caller audits them with the attachment)."""
    made = []
    have = {(d.revision_id, d.language) for d in item.documents if d.kind == COPY_KIND}
    for original in [d for d in item.documents if d.kind == ORIGINAL_KIND]:
        key = (original.revision_id, original.language)
        if key in have:
            continue
        taken = session.scalar(
            select(Document.id).where(
                Document.revision_id == original.revision_id,
                Document.kind == COPY_KIND,
                Document.language == original.language,
            )
        )
        if taken is not None:
            continue  # made for an earlier meeting: the original stands in (see above)
        revision = original.revision
        language = original.language
        # The original's records metadata, as frozen with it: the copy carries the same.
        content = doc_ops.render_snapshot(
            revision.snapshot,
            language,
            records=original.records,
            attachment=mark(item, ASSESSMENT_NUMBER),
        )
        copy = doc_ops.store(
            session,
            user,
            revision,
            kind=COPY_KIND,
            language=language,
            reference=original.reference,
            content=content,
            renderer_version=documents.RENDERER_VERSION,
            records=original.records,
        )
        item.documents.append(copy)
        made.append(copy)
    return made


def discard(session: Session, item: AgendaItem) -> list[str]:
    """Delete the item's copies when it leaves an unpublished agenda (never handed out);
    returns their references for the audit."""
    copies = [d for d in item.documents if d.kind == COPY_KIND]
    for copy in copies:
        item.documents.remove(copy)
        session.delete(copy)
    return [f"{c.reference} ({c.language})" for c in copies]
