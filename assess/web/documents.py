"""Documents: download the .docx and its PDF, make the PDF, preview a draft."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from ..i18n import lazy_text as _l
from ..models import Document
from ..operations import Conflict, Forbidden, NotFound
from ..operations import assessments as ops
from ..operations import documents as doc_ops
from .access import roles_required

bp = Blueprint("documents", __name__)


def _document(document_id: int) -> Document:
    try:
        return doc_ops.get_document(current_user, document_id)
    except NotFound:
        abort(404)


def _send(content: bytes, mimetype: str, name: str, etag: str | None = None):
    # Cache-Control: private, no-store, as on every download (assess/web/headers.py).
    return send_file(
        io.BytesIO(content),
        mimetype=mimetype,
        as_attachment=True,
        download_name=name,
        etag=etag or False,
        max_age=0,
    )


@bp.get("/documents/<int:document_id>")
@login_required
def download(document_id: int):
    doc = _document(document_id)
    return _send(doc.content, Document.DOCX, doc.filename, doc.sha256)


@bp.get("/documents/<int:document_id>/pdf")
@login_required
def pdf(document_id: int):
    doc = _document(document_id)
    if doc.pdf is None:
        abort(404)
    return _send(
        doc.pdf, "application/pdf", doc.filename.rsplit(".", 1)[0] + ".pdf", doc.pdf_sha256
    )


@bp.app_context_processor
def pdf_permission():
    # The decision page offers "Make a PDF" only to those who may (auditors only read).
    def may_make_pdf() -> bool:
        return current_user.is_authenticated and doc_ops.may_make_pdf(current_user)

    return {"may_make_pdf": may_make_pdf}


@bp.post("/documents/<int:document_id>/pdf")
@roles_required(*doc_ops.PDF_MAKERS)
def make_pdf(document_id: int):
    doc = _document(document_id)
    try:
        doc_ops.to_pdf(current_user, doc)
    except (doc_ops.ConversionUnavailable, Conflict, Forbidden) as exc:
        flash(str(exc), "danger")
    else:
        flash(str(_l("The PDF is ready.")), "success")
    return redirect(url_for("decisions.view", decision_id=doc.decision_id) + "#documents")


@bp.get("/assessments/<int:assessment_id>/preview.docx")
@login_required
def preview(assessment_id: int):
    try:
        a = ops.get_assessment(current_user, assessment_id)
        content, name = doc_ops.preview(current_user, a, request.args.get("language", "fi"))
    except NotFound:
        abort(404)
    return _send(content, Document.DOCX, name)
