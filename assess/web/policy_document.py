"""The policy printed for the board: one click downloads a version as .docx.

``GET /admin/policy/document?version=N&language=fi`` (a version number), ``?draft=1`` (the
draft) or neither (the version in force). The policy pages link here
(``policy_document_url``); the organisation's settings page too.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from ..i18n import request_language
from ..operations import Forbidden, NotFound, ValidationFailed
from ..operations.policy_document import DOCX, LANGUAGES, policy_document, printable

bp = Blueprint("policy_document", __name__, url_prefix="/admin/policy")


def policy_document_url(language: str, *, version: int | None = None, draft: bool = False) -> str:
    """The link to print ``version`` (or the draft, or the version in force) in ``language``."""
    args: dict = {"language": language}
    if draft:
        args["draft"] = 1
    elif version is not None:
        args["version"] = version
    return url_for("policy_document.document", **args)


@bp.get("/document")
@login_required
def document():
    language = request.args.get("language") or request_language()
    version = request.args.get("version", type=int)
    if request.args.get("version") and version is None:
        abort(404)  # not a number: no version has that
    draft = request.args.get("draft") in ("1", "true", "yes")
    try:
        printed = policy_document(
            current_user, current_user.organisation, language, version=version, draft=draft
        )
    except Forbidden:
        abort(403)
    except (NotFound, ValidationFailed) as exc:
        # Said on the page the person came from (the policy pages are the admins').
        flash(_message(exc), "error")
        back = "admin.organisation" if current_user.has_role("admin") else "dashboard.index"
        return redirect(url_for(back))
    # Cache-Control: private, no-store, as on every download (assess/web/headers.py).
    return send_file(
        io.BytesIO(printed.content),
        mimetype=DOCX,
        as_attachment=True,
        download_name=printed.filename,
        etag=False,
        max_age=0,
    )


def _message(exc: NotFound | ValidationFailed) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(str(m) for messages in exc.errors.values() for m in messages)
    return str(exc)


def printable_policy() -> dict[str, bool]:
    """What the current user's organisation can print (for the links a page offers)."""
    if not current_user.is_authenticated:
        return {"published": False, "draft": False}
    return printable(current_user.organisation)


@bp.app_context_processor
def policy_document_links():
    return {
        "policy_document_url": policy_document_url,
        "printable_policy": printable_policy,
        "POLICY_DOCUMENT_LANGUAGES": LANGUAGES,
    }
