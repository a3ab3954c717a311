"""The agenda document: what it shows, its attachments numbered, and the published one kept.

Publishing stores the agenda in each of its languages (``MeetingDocument``) with its
checksum; from then on the meeting serves those bytes, never a new rendering, so the
agenda a board member received is the agenda anyone downloads later. A planned agenda is
rendered on every request, as a preview.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import documents
from ..documents.agenda import render_agenda
from ..documents.texts import text
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import AgendaItem, Meeting, MeetingDocument, User
from . import archive
from .attachment_numbers import COPY_KIND
from .context import HELSINKI, form_of
from .errors import NotFound

LANGUAGES = ("fi", "sv")


def agenda_languages(meeting: Meeting) -> list[str]:
    org = meeting.body.organisation
    if org.bilingual:
        return ["fi", "sv"]
    return [org.setting("default_language") or "fi"]


def attachment_numbers(item: AgendaItem) -> list[dict]:
    """The item's attachments in the order the agenda numbers them (Liite 1, 2 …): the
    assessment (its language versions share one number), then each hearing's statement
    file in the order of the hearings.

    The assessment's own header prints its number from the same order (owner of the
    attachment copies: identity); this is the one place that decides it.
    """
    originals = [d for d in item.documents if d.kind != "attachment"]
    # The file handed out with the agenda: the attachment copy, "Liite 1" and the meeting in
    # its header (identity, issue 19), where one was made; else the approved original.
    copies = {d.language: d for d in item.documents if d.kind == "attachment"}
    docs = sorted((copies.get(d.language, d) for d in originals), key=lambda d: (d.language, d.id))
    out: list[dict] = []
    number = 0
    if docs:
        number = 1
        out += [
            {
                "number": number,
                "kind": "assessment",
                "document": d.id,
                "language": d.language,
                "reference": d.reference,
                "filename": d.filename,
                "sha256": d.sha256,
            }
            for d in docs
        ]
        latest = max(docs, key=lambda d: (d.revision.seq, d.id)).revision
        form = form_of(latest.snapshot)
        for h in latest.content.data.hearings:
            if h.attachment is None:
                continue
            number += 1
            council = form.council(h.council or "")
            out.append(
                {
                    "number": number,
                    "kind": "statement",
                    "attachment": h.attachment.id,
                    "council": {
                        lang: (council.labels.get(lang) if council else None) or h.council or ""
                        for lang in LANGUAGES
                    },
                    "filename": h.attachment.filename,
                    "sha256": h.attachment.sha256,
                }
            )
    return out


def _decision_texts(item: AgendaItem) -> tuple[dict, dict]:
    """The title and proposal by language: the original, and the other national language
    where it is written (``decisions.translations``, issue 19)."""
    decision = item.decision
    translations = decision.translations or {}
    titles = {decision.language: decision.title}
    proposals = {decision.language: decision.proposal or ""}
    for lang, given in translations.items():
        if lang != decision.language and lang in LANGUAGES and isinstance(given, dict):
            titles[lang] = (given.get("title") or "").strip()
            proposals[lang] = (given.get("proposal") or "").strip()
    return titles, proposals


def _presenter(item: AgendaItem) -> dict | None:
    if item.presenter_user is not None:
        return {
            "name": item.presenter_user.name,
            "title": {"fi": item.presenter_title_fi, "sv": item.presenter_title_sv},
        }
    if item.presenter:  # chosen before issue 19: the name alone
        return {"name": item.presenter, "title": {}}
    return None


def agenda_data(meeting: Meeting) -> dict:
    """Everything the agenda document shows, as plain data (the renderer is pure)."""
    org = meeting.body.organisation
    items = []
    for item in meeting.items:
        attachments = attachment_numbers(item)
        # The paragraph refers to the assessment by its number on this item ("liite 1").
        numbers = {a["document"]: a["number"] for a in attachments if a["kind"] == "assessment"}
        paragraphs: dict[str, str] = {}
        for doc in item.documents:
            if doc.kind != "assessment":
                continue
            snap = doc.revision.snapshot
            paragraphs.setdefault(
                doc.language,
                documents.decision_paragraph(
                    snap, form_of(snap), doc.language, attachment=numbers.get(doc.id)
                ),
            )
        titles, proposals = _decision_texts(item)
        items.append(
            {
                "position": item.position,
                "case_number": item.decision.case_number,
                "title": titles,
                "proposal": proposals,
                "language": item.decision.language,
                "preparer": item.decision.preparer.name,
                "presenter": _presenter(item),
                "paragraphs": paragraphs,
                "attachments": attachments,
            }
        )
    return {
        "organisation": {"fi": org.name_fi, "sv": org.name_sv},
        "body": {"fi": meeting.body.name_fi, "sv": meeting.body.name_sv},
        "meeting": {
            "id": meeting.id,
            "number": meeting.number,
            "year": meeting.year,
            # Finnish time: the renderer prints the clock time as the body meets.
            "starts_at": meeting.starts_at.astimezone(HELSINKI).isoformat(),
            "place": meeting.place,
            "place_sv": meeting.place_sv,
            "state": meeting.state,
        },
        "published_at": meeting.published_at.isoformat() if meeting.published_at else None,
        "author": org.name_fi,
        "items": items,
    }


def agenda_filename(meeting: Meeting, language: str) -> str:
    name = text("agenda_file", language)
    body = "".join(c for c in meeting.body.name_fi if c.isalnum())
    return f"{name}_{body}_{meeting.number}-{meeting.year}_{language}.docx"


def stored_agenda(meeting: Meeting, language: str) -> MeetingDocument | None:
    return db.session.scalar(
        select(MeetingDocument).where(
            MeetingDocument.meeting_id == meeting.id, MeetingDocument.language == language
        )
    )


def stored_agendas(meeting: Meeting) -> Sequence[MeetingDocument]:
    return db.session.scalars(
        select(MeetingDocument)
        .where(MeetingDocument.meeting_id == meeting.id)
        .order_by(MeetingDocument.language)
    ).all()


def store_published(session: Session, user: User, meeting: Meeting) -> list[MeetingDocument]:
    """Render and keep the agenda in each of its languages, as published (the caller, the
    publishing use case, audits it and commits)."""
    data = agenda_data(meeting)
    kept = []
    for language in agenda_languages(meeting):
        content = render_agenda(data, language)
        row = MeetingDocument(
            meeting_id=meeting.id,
            language=language,
            filename=agenda_filename(meeting, language),
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            created_by_id=user.id,
        )
        session.add(row)
        kept.append(row)
    session.flush()
    # Their PDF/A if the converter is up (issue 19), and the attachment copies' handed out
    # with them; else `documents archive` makes them later.
    copies = [
        d
        for item in meeting.items
        for d in item.documents
        if d.kind == COPY_KIND and d.pdf_sha256 is None
    ]
    archive.archive_new(session, user, [*kept, *copies])
    return kept


def agenda_document(user: User, meeting: Meeting, language: str) -> tuple[bytes, str]:
    """The agenda's bytes and file name: the stored ones once published, else rendered now."""
    if language not in LANGUAGES:
        raise NotFound(_l("Agendas exist in Finnish and Swedish (fi, sv)."))
    stored = stored_agenda(meeting, language)
    if stored is not None:
        return stored.content, stored.filename
    return render_agenda(agenda_data(meeting), language), agenda_filename(meeting, language)
