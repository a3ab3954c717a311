"""Files attached to an assessment: a council's written statement for a hearing."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from .. import uploads
from ..assessment_data import AttachmentRef
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Attachment, User
from ._audit import record
from .context import changing, check_version, engine_for
from .errors import Conflict, Forbidden, NotFound, ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
MB = 1024 * 1024


def _refusal(name: str, refused: uploads.Refused):
    """The person's message for a refused file: what was wrong and what would be right."""
    d = refused.details
    match refused.reason:
        case "macros":
            return _l(
                "%(name)s contains macros or other active content (%(part)s), which could run "
                "on a reader's computer. Save it as a .docx, .odt or PDF without macros and "
                "upload it again.",
                name=name,
                part=d["part"],
            )
        case "extension_mismatch":
            return _l(
                "The content of %(name)s is a .%(detected)s file, but its name ends in "
                ".%(given)s. Rename it to end in .%(detected)s, or choose the right file.",
                name=name,
                detected=d["detected"],
                given=d["given"],
            )
        case "extension_not_accepted":
            return _l(
                "Upload a PDF, Word (.docx), OpenDocument text (.odt) or plain text (.txt) "
                "file; a name ending in .%(given)s is not accepted.",
                given=d["given"],
            )
        case "text_encoding":
            return _l(
                "%(name)s is not UTF-8 text. Save it as UTF-8 text or as a PDF and upload it "
                "again.",
                name=name,
            )
        case "too_many_members":
            return _l(
                "%(name)s is an archive of %(members)d parts; at most %(limit)d are accepted.",
                name=name,
                members=d["members"],
                limit=d["limit"],
            )
        case "too_large_unpacked":
            return _l(
                "%(name)s would unpack to more than %(limit)d MB; at most %(limit)d MB is "
                "accepted.",
                name=name,
                limit=d["limit"] // MB,
            )
        case "expansion_ratio":
            return _l(
                "%(name)s would unpack to %(ratio)d times its size; at most %(limit)d times "
                "is accepted.",
                name=name,
                ratio=d["ratio"],
                limit=d["limit"],
            )
        case "encrypted":
            return _l(
                "%(name)s is protected with a password, so its content cannot be checked. "
                "Upload it without the password.",
                name=name,
            )
        case "damaged":
            return _l(
                "%(name)s is damaged or not a complete Word or OpenDocument file. Save it "
                "again and upload it.",
                name=name,
            )
    return _l(
        "Upload a PDF, Word (.docx), OpenDocument text (.odt) or plain text (.txt) file; "
        "the content of %(name)s is none of these.",
        name=name,
    )


def attach_statement(
    user: User, a: Assessment, hearing_id: str, filename: str, content: bytes, *, expected_version
) -> Attachment:
    """Store a statement file for one hearing; one audited change."""
    if not user.has_role("preparer"):
        raise Forbidden(_l("Only preparers can change the answers of an assessment."))
    check_version(a, expected_version)
    if not engine_for(a).definition.states[a.state].editable:
        raise Conflict(
            _l("The answers cannot be changed in this state of the process; you can read them.")
        )
    data = a.content
    hearing = next((h for h in data.hearings if h.id == hearing_id), None)
    if hearing is None:
        raise NotFound(_l("No hearing %(id)r in this assessment.", id=hearing_id))
    name = uploads.clean_filename(filename)
    errors = {}
    if not content:
        errors["file"] = [_l("The file %(name)s is empty.", name=name)]
    elif len(content) > MAX_BYTES:
        errors["file"] = [
            _l("The file is %(mb).1f MB; at most 10 MB is allowed.", mb=len(content) / MB)
        ]
    else:
        try:
            accepted = uploads.check_upload(filename, content)
        except uploads.Refused as refused:
            errors["file"] = [_refusal(name, refused)]
    if errors:
        raise ValidationFailed(errors)
    name = accepted.filename
    old = hearing.attachment.dump() if hearing.attachment else None
    with changing(a, expected_version) as session:
        attachment = Attachment(
            assessment_id=a.id,
            subject=f"hearing:{hearing_id}",
            filename=name,
            content_type=accepted.type.content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            uploaded_by_id=user.id,
        )
        session.add(attachment)
        session.flush()
        hearing.attachment = AttachmentRef(
            id=attachment.id, filename=name, sha256=attachment.sha256
        )
        a.content = data
        a.last_edited_by_id = user.id
        session.flush()
        record(
            session,
            user,
            "assessment.answers_saved",
            "assessment",
            a.id,
            changes=[
                {
                    "field": f"hearings.{hearing_id}.attachment",
                    "old": old,
                    "new": hearing.attachment.dump(),
                }
            ],
        )
    return attachment


def get_attachment(user: User, a: Assessment, attachment_id: int) -> Attachment:
    """A statement file of the assessment. A file that was replaced (or whose hearing was
    removed) is history: only auditors and admins may read it, for everyone else it does
    not exist."""
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.assessment_id != a.id or a.organisation_id != user.organisation_id:
        raise NotFound(_l("No such file."))
    if found.id not in current_attachments(a) and not user.has_role(*HISTORY_READERS):
        raise NotFound(_l("No such file."))
    return found


# Who may read the files a re-upload replaced: those who audit, never those who edit.
HISTORY_READERS = ("auditor", "admin")


def replaced_statements(user: User, a: Assessment) -> dict[str, list]:
    """For auditors and admins, each hearing's replaced files (id, name, SHA-256, when),
    newest first; for everyone else nothing."""
    if not user.has_role(*HISTORY_READERS):
        return {}
    current = current_attachments(a)
    rows = db.session.execute(
        select(Attachment.id, Attachment.subject, Attachment.filename, Attachment.sha256)
        .add_columns(Attachment.uploaded_at)
        .where(Attachment.assessment_id == a.id)
        .order_by(Attachment.id.desc())
    ).all()
    found: dict[str, list] = {}
    for row in rows:
        if row.id not in current:
            found.setdefault(row.subject.removeprefix("hearing:"), []).append(row)
    return found


def current_attachments(a: Assessment) -> set[int]:
    """The ids of the files the assessment's hearings hold now."""
    return {h.attachment.id for h in a.content.hearings if h.attachment}
