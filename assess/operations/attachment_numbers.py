"""The attachments of an agenda item, numbered (issue 19): Liite 1, 2 … / Bilaga 1, 2 …

The numbering is per item, as Finnish agendas number them: the assessment document is
attachment 1 (its Finnish and Swedish files are one attachment in two languages), the
hearing statements the assessment holds follow in the order of its hearings. The agenda
prints these numbers (owner: agenda); the attachment copy of the assessment document
carries its number and the meeting in its header (``attachment_copies``).

The number of the assessment is fixed (1), so a copy rendered when the documents are
attached keeps its number however the items are reordered or statements added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..documents.identity import AttachmentMark
from ..extensions import db
from ..models import AgendaItem, Document
from ..models.meeting import agenda_item_documents
from .context import HELSINKI

ORIGINAL_KIND = "assessment"
COPY_KIND = "attachment"
# The assessment document is the first attachment of its item.
ASSESSMENT_NUMBER = 1


@dataclass(frozen=True)
class Numbered:
    """One numbered attachment of an agenda item.

    ``kind`` "assessment": ``documents`` the approved originals by language and ``copies``
    the attachment copies by language (the file to hand out: falls back to the original
    where no copy could be made). ``kind`` "statement": a hearing's statement, an upload
    of the assessment (``attachment_id``, ``filename``, the ``council`` heard).
    """

    number: int
    kind: str
    documents: dict[str, Document] = field(default_factory=dict)
    copies: dict[str, Document] = field(default_factory=dict)
    attachment_id: int | None = None
    filename: str = ""
    council: str | None = None

    def file_for(self, language: str) -> Document | None:
        """The assessment document to hand out in ``language``: the copy, else the original."""
        return self.copies.get(language) or self.documents.get(language)


def numbered(item: AgendaItem) -> list[Numbered]:
    """The item's attachments with their numbers, in order."""
    originals = {d.language: d for d in item.documents if d.kind == ORIGINAL_KIND}
    copies = {d.language: d for d in item.documents if d.kind == COPY_KIND}
    out: list[Numbered] = []
    if originals:
        out.append(Numbered(ASSESSMENT_NUMBER, "assessment", originals, copies))
    revision = next(iter(originals.values())).revision if originals else None
    statements = [h for h in revision.content.data.hearings if h.attachment] if revision else []
    for n, h in enumerate(statements, start=len(out) + 1):
        ref = h.attachment
        assert ref is not None  # filtered above
        out.append(
            Numbered(n, "statement", attachment_id=ref.id, filename=ref.filename, council=h.council)
        )
    return out


def mark(item: AgendaItem, number: int) -> AttachmentMark:
    """What an attachment copy prints of where it belongs."""
    meeting = item.meeting
    body = meeting.body
    starts: datetime = meeting.starts_at
    return AttachmentMark(
        number=number,
        body={"fi": body.name_fi, "sv": body.name_sv or body.name_fi},
        meeting=meeting.label,
        date=starts.astimezone(HELSINKI).date().isoformat(),
    )


def item_of_copy(doc: Document) -> AgendaItem | None:
    """The agenda item an attachment copy was rendered for (it is attached to that one)."""
    if doc.kind != COPY_KIND:
        return None
    return db.session.scalar(
        select(AgendaItem)
        .join(agenda_item_documents, agenda_item_documents.c.agenda_item_id == AgendaItem.id)
        .where(agenda_item_documents.c.document_id == doc.id)
    )


def mark_of_copy(doc: Document) -> AttachmentMark | None:
    item = item_of_copy(doc)
    return mark(item, ASSESSMENT_NUMBER) if item is not None else None
