"""The API's records metadata (issue 19): the manifest per decision that an archive import
reads, and the organisation's records defaults."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from flask import g, request, send_file
from pydantic import BaseModel, Field

from ..i18n import lazy_text as _l
from ..operations import agenda_documents as agenda_docs
from ..operations import decisions as decision_ops
from ..operations import documents as doc_ops
from ..operations import meetings as meeting_ops
from ..operations import records as ops
from . import ApiError, endpoint
from .schemas import Request

PublicityClass = Literal["public", "partly_secret", "secret"]
RetentionPeriod = Annotated[
    str,
    Field(
        max_length=20,
        description='"permanent" or a whole number of years from 1 to 150, e.g. "10"',
    ),
]


class RecordsMetadataOut(BaseModel):
    task_class: str | None
    publicity_class: PublicityClass
    retention_period: str
    personal_data: bool
    source: dict[str, Literal["decision_type", "organisation"]] = Field(
        description="Per field: set by the decision type, or the organisation's default."
    )
    sahke2: dict[str, Any] = Field(
        description="The same as SÄHKE2 elements and values (RetentionPeriod -1: permanent)."
    )


class ManifestFile(BaseModel):
    filename: str
    media_type: str
    size: int | None
    sha256: str = Field(description="The file checksum: SHA-256 of the file's bytes.")
    format: str | None = None
    created_at: str | None = None


class ManifestDocument(BaseModel):
    id: int
    reference: str
    kind: str
    language: str
    revision: int
    created_at: str
    data_fingerprint: str = Field(description="SHA-256 of the revision's canonical JSON.")
    docx: ManifestFile
    pdf: ManifestFile | None = Field(description="The PDF/A-2b; null until it is made.")
    records: RecordsMetadataOut | None = Field(
        description="The metadata the document carries; null if made before they existed."
    )


class RecordsManifest(BaseModel):
    format: Literal["assess-records-manifest"]
    version: int
    organisation: dict[str, Any]
    decision: dict[str, Any]
    records: RecordsMetadataOut
    documents: list[ManifestDocument]


class RecordsDefaults(BaseModel):
    task_class: str | None
    publicity_class: PublicityClass
    retention_period: str
    personal_data: bool


class RecordsDefaultsPatch(Request):
    """The fields to change; those left out stay as they are."""

    task_class: Annotated[str | None, Field(max_length=40)] = None
    publicity_class: PublicityClass | None = None
    retention_period: RetentionPeriod | None = None
    personal_data: bool | None = None


@endpoint("/decisions/<int:decision_id>/records", response=RecordsManifest, errors=(401, 404))
def decision_records(decision_id: int):
    """The decision's records manifest: its records metadata (task class, publicity class,
    retention period, personal data) and every stored document with its file checksums."""
    return ops.manifest(decision_ops.get_decision(g.api_user, decision_id))


@endpoint("/organisation/records-defaults", response=RecordsDefaults, errors=(401,))
def records_defaults():
    """The organisation's records defaults (for decision types that set none)."""
    return ops.defaults_of(g.api_user.organisation)


@endpoint(
    "/organisation/records-defaults",
    "PATCH",
    request=RecordsDefaultsPatch,
    response=RecordsDefaults,
    roles=("admin",),
    errors=(400, 401, 403, 422),
)
def patch_records_defaults(payload: RecordsDefaultsPatch):
    """Change the organisation's records defaults (admin); audited."""
    given = payload.model_dump(exclude_unset=True)
    return ops.update_defaults(g.api_user, g.api_user.organisation, **given)


NOT_MADE = _l(
    "Its PDF/A is not made yet (the converter was not running); it is made by "
    "`flask --app wsgi documents archive`."
)


def _pdf(content: bytes, name: str, sha256: str | None):
    return send_file(
        io.BytesIO(content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name.rsplit(".", 1)[0] + ".pdf",
        etag=sha256 or False,
        max_age=0,
    )


@endpoint(
    "/documents/<int:document_id>/pdf",
    response=None,
    errors=(401, 404),
    content_type="application/pdf",
)
def document_pdf(document_id: int):
    """The document's PDF/A-2b; ETag is its file checksum (SHA-256); 404 until it is made."""
    d = doc_ops.get_document(g.api_user, document_id)
    if d.pdf is None:
        raise ApiError(404, "not_found", NOT_MADE)
    return _pdf(d.pdf, d.filename, d.pdf_sha256)


@endpoint(
    "/meetings/<int:meeting_id>/agenda/pdf",
    response=None,
    errors=(401, 404),
    content_type="application/pdf",
    query={"language": ("string", "fi or sv")},
)
def agenda_pdf(meeting_id: int):
    """The published agenda's PDF/A-2b; ETag is its file checksum; 404 before publication
    or until it is made."""
    m = meeting_ops.get_meeting(g.api_user, meeting_id)
    stored = agenda_docs.stored_agenda(m, request.args.get("language", "fi"))
    if stored is None:
        raise ApiError(404, "not_found", _l("The agenda is not published in that language."))
    if stored.pdf is None:
        raise ApiError(404, "not_found", NOT_MADE)
    return _pdf(stored.pdf, stored.filename, stored.pdf_sha256)
