"""Records metadata (issue 19): the organisation's defaults, the values a decision's
documents get, and the JSON manifest per decision that an archive import reads.

The fields and their SÄHKE2 mapping: ``assess.documents.records`` and docs/documents.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .. import documents
from ..documents import records as rec
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Decision, Document, Organisation, User
from ._audit import record
from ._tx import transaction
from .errors import Errors, Forbidden

SETTING = "records_defaults"
MANIFEST_FORMAT = "assess-records-manifest"
MANIFEST_VERSION = 1


def check_values(errors: Errors, values: dict[str, Any]) -> dict[str, Any]:
    """The records fields among ``values``, checked; "" and None clear a field."""
    clean: dict[str, Any] = {}
    if "publicity_class" in values:
        value = values["publicity_class"] or None
        if value is not None and value not in rec.PUBLICITY_CLASSES:
            errors.add(
                "publicity_class",
                _l(
                    "%(value)r is not a publicity class; expected one of: %(allowed)s.",
                    value=value,
                    allowed=", ".join(rec.PUBLICITY_CLASSES),
                ),
            )
        clean["publicity_class"] = value
    if "retention_period" in values:
        raw = values["retention_period"]
        value = None if raw is None or str(raw).strip() == "" else str(raw).strip().lower()
        if value is not None and not rec.valid_retention(value):
            errors.add(
                "retention_period",
                _l(
                    "The retention period %(value)r is not valid: give a whole number of years "
                    "from 1 to %(max)d, or permanent.",
                    value=raw,
                    max=rec.MAX_RETENTION_YEARS,
                ),
            )
        elif value is not None and value != rec.PERMANENT:
            value = str(int(value))
        clean["retention_period"] = value
    if "personal_data" in values:
        value = values["personal_data"]
        if value is not None and not isinstance(value, bool):
            errors.add(
                "personal_data",
                _l("Whether the documents hold personal data is true or false (yes or no)."),
            )
        clean["personal_data"] = value
    return clean


def defaults_of(organisation: Organisation) -> dict[str, Any]:
    """The organisation's defaults, every field filled (the built-in ones where unset)."""
    own = (organisation.settings or {}).get(SETTING) or {}
    return {**rec.DEFAULTS, **{k: v for k, v in own.items() if v is not None}}


def update_defaults(actor: User, organisation: Organisation, **values: Any) -> dict[str, Any]:
    """Change the organisation's records defaults (admins): publicity_class,
    retention_period, personal_data, task_class. Audited; a refused change stores nothing."""
    if not actor.has_role("admin") or actor.organisation_id != organisation.id:
        raise Forbidden(_l("Only the organisation's administrators can change its settings."))
    errors = Errors()
    for unknown in sorted(set(values) - set(rec.FIELDS)):
        errors.add(unknown, _l("%(field)s cannot be changed here.", field=unknown))
    clean = check_values(errors, values)
    if "task_class" in values:
        code = (values["task_class"] or "").strip() or None
        if code is not None and not rec.TASK_CLASS_RE.match(code):
            errors.add(
                "task_class",
                _l(
                    "The task class %(code)r is not a code of the records management plan: "
                    "numbers separated by dots, for example 05.01.00.",
                    code=code,
                ),
            )
        clean["task_class"] = code
    for field in ("publicity_class", "retention_period", "personal_data"):
        if field in clean and clean[field] is None:
            errors.add(field, _l("The organisation's default needs a value."))
    errors.raise_if_any()
    old = defaults_of(organisation)
    new = {**old, **clean}
    changes = [
        {"field": f"records.{k}", "old": old[k], "new": new[k]}
        for k in rec.FIELDS
        if old[k] != new[k]
    ]
    if not changes:
        return new
    with transaction() as session:
        settings = dict(organisation.settings or {})
        settings[SETTING] = {k: new[k] for k in rec.FIELDS}
        organisation.settings = settings
        record(
            session,
            actor,
            "organisation.records_defaults_updated",
            "organisation",
            organisation.id,
            changes=changes,
            organisation_id=organisation.id,
        )
    return new


def metadata_for(decision: Decision) -> rec.RecordsMetadata:
    """The records metadata of ``decision``'s documents as things stand now."""
    kind = decision.decision_type
    type_values = (
        {
            "task_class": kind.task_class,
            "publicity_class": kind.publicity_class,
            "retention_period": kind.retention_period,
            "personal_data": kind.personal_data,
        }
        if kind is not None
        else None
    )
    return rec.resolve(type_values, defaults_of(decision.organisation))


def _document_json(doc: Document) -> dict[str, Any]:
    stem = doc.filename.rsplit(".", 1)[0]
    kept = rec.from_stored(doc.records)
    return {
        "id": doc.id,
        "reference": doc.reference,
        "kind": doc.kind,
        "language": doc.language,
        "revision": doc.revision.seq,
        "created_at": doc.created_at.isoformat(),
        "data_fingerprint": documents.revision_sha256(doc.revision.snapshot),
        "docx": {
            "filename": doc.filename,
            "media_type": Document.DOCX,
            "size": doc.size,
            "sha256": doc.sha256,
        },
        "pdf": (
            {
                "filename": f"{stem}.pdf",
                "media_type": "application/pdf",
                "format": "PDF/A-2b",
                "sha256": doc.pdf_sha256,
                "size": len(doc.pdf) if doc.pdf is not None else None,
                "created_at": doc.pdf_created_at.isoformat() if doc.pdf_created_at else None,
            }
            if doc.pdf_sha256
            else None
        ),
        # As the document carries them; null for one made before records metadata existed.
        "records": kept.as_json() if kept is not None else None,
    }


def manifest(decision: Decision) -> dict[str, Any]:
    """The decision's records manifest: what the archive imports, one object per decision."""
    rows = db.session.scalars(
        select(Document).where(Document.decision_id == decision.id).order_by(Document.id)
    ).all()
    kind = decision.decision_type
    org = decision.organisation
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "organisation": {"id": org.id, "name_fi": org.name_fi, "name_sv": org.name_sv},
        "decision": {
            "id": decision.id,
            "case_number": decision.case_number,
            "title": decision.title,
            "language": decision.language,
            "body": decision.body.name(decision.language),
            "decision_type": (
                {"key": kind.key, "name_fi": kind.name_fi, "name_sv": kind.name_sv}
                if kind is not None
                else None
            ),
        },
        # What documents made now get; each document lists the values it was made with.
        "records": metadata_for(decision).as_json(),
        "documents": [_document_json(d) for d in rows],
    }
