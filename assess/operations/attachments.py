"""Files attached to an assessment: a council's written statement for a hearing."""

from __future__ import annotations

import hashlib
import re

from ..assessment_data import AttachmentRef
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Attachment, User
from ._audit import record
from .context import changing, check_version, engine_for
from .errors import Conflict, Forbidden, NotFound, ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".doc": "application/msword",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
}


def _clean_name(filename: str) -> str:
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip(" .")
    return name[-200:] or "statement"


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
    name = _clean_name(filename)
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    errors = {}
    if ext not in ALLOWED:
        errors["file"] = [
            _l(
                "Upload a PDF, Word, OpenDocument, RTF or text file; %(name)s is not one.",
                name=name,
            )
        ]
    elif not content:
        errors["file"] = [_l("The file %(name)s is empty.", name=name)]
    elif len(content) > MAX_BYTES:
        errors["file"] = [
            _l("The file is %(mb).1f MB; at most 10 MB is allowed.", mb=len(content) / 1024 / 1024)
        ]
    if errors:
        raise ValidationFailed(errors)
    old = hearing.attachment.dump() if hearing.attachment else None
    with changing(a, expected_version) as session:
        attachment = Attachment(
            assessment_id=a.id,
            subject=f"hearing:{hearing_id}",
            filename=name,
            content_type=ALLOWED[ext],
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
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.assessment_id != a.id or a.organisation_id != user.organisation_id:
        raise NotFound(_l("No such file."))
    return found
