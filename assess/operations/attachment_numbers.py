"""Where an attachment copy belongs (issue 19): its number and meeting.

The numbering is per item, as Finnish agendas number them (Liite 1, 2 … / Bilaga 1, 2 …):
the assessment document is attachment 1 (its Finnish and Swedish files are one attachment
in two languages), the hearing statements follow in the order of the hearings; the list
the agenda prints is ``agenda_documents.attachment_numbers``. The number of the assessment
is fixed (1), so a copy rendered when the documents are attached keeps its number however
the items are reordered or statements added.
"""

from __future__ import annotations

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
