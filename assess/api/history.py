"""GET /assessments/{id}/history (issue 21): the timeline with its labels, reading recorded.

Each item is one entry of ``operations.timeline``: the event's own fields as before
(``id``, ``at``, ``actor``, ``actor_type``, ``action``, ``changes``, ``transition``) and
the words a person reads, in the Accept-Language language.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import UTC
from typing import Any

from flask import g, request, send_file
from pydantic import BaseModel

from ..i18n import lazy_text as _l
from ..operations import assessments as ops
from ..operations import history_export as exports
from ..operations.access_log import record_access
from ..operations.timeline import timeline
from . import ApiError, endpoint, iso, language
from .schemas import Page


class DifferenceOut(BaseModel):
    path: str
    label: str
    old: str | None
    new: str | None
    change: str
    section: str


class HistoryItem(BaseModel):
    id: int
    hash: str
    at: str
    at_local: str
    at_text: str
    actor: str
    actor_id: int | None
    actor_type: str
    roles: list[str]
    role_labels: list[str]
    via: str
    via_label: str
    client_address: str | None
    action: str
    kind: str
    kind_label: str
    summary: str
    comment: str | None
    revision: int | None
    details: list[DifferenceOut]
    changes: list[Any] | None = None
    transition: dict[str, Any] | None = None


class HistoryPage(Page):
    pages: int
    time_zone: str
    items: list[HistoryItem]


QUERY = {
    "page": ("integer", "Page number, from 1"),
    "per_page": ("integer", "Entries per page, 1-100 (default 20)"),
    "kind": (
        "string",
        "Only entries of these kinds, comma-separated: transition, answers, flag, "
        "hearing, comment, reviewer, document, agenda, decision, reopened, follow_up, access",
    ),
    "person": ("integer", "Only what this user (id) did"),
    "section": ("string", "Only entries about this part of the assessment (a section id)"),
}


def _whole(name: str, default: int | None) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return default
    if not value.isdigit():
        raise ApiError(
            422,
            "validation_failed",
            _l("The request has invalid fields."),
            [{"path": name, "message": _l("a whole number is needed here")}],
        )
    return int(value)


@endpoint(
    "/assessments/<int:assessment_id>/history",
    response=HistoryPage,
    errors=(401, 404, 422),
    query=QUERY,
    records_access=True,
)
def history(assessment_id: int):
    """The assessment's timeline, oldest first, every value in words; reading it is recorded."""
    a = ops.get_assessment(g.api_user, assessment_id)
    kinds = request.args.get("kind")
    shown = timeline(
        a,
        language(),
        kinds=kinds.split(",") if kinds else None,
        person=_whole("person", None),
        section=request.args.get("section") or None,
        page=_whole("page", 1) or 0,
        per_page=_whole("per_page", 20) or 0,
    )
    record_access(
        g.api_user,
        "access.history_viewed",
        "assessment",
        a.id,
        {"via": "api", "page": shown.page}
        | {k: request.args[k] for k in ("kind", "person", "section") if request.args.get(k)},
    )
    return {
        "page": shown.page,
        "per_page": shown.per_page,
        "total": shown.total,
        "pages": shown.pages,
        "time_zone": shown.time_zone,
        "items": [_item(e) for e in shown.entries],
    }


def _item(e) -> dict[str, Any]:
    return {
        "id": e.event_id,
        "hash": e.hash,
        "at": iso(e.at.astimezone(UTC)),
        "at_local": e.at.isoformat(),
        "at_text": e.at_text,
        "actor": e.who,
        "actor_id": e.who_id,
        "actor_type": e.actor_type,
        "roles": list(e.roles),
        "role_labels": list(e.role_labels),
        "via": e.via,
        "via_label": e.via_label,
        "client_address": e.client_address,
        "action": e.action,
        "kind": e.kind,
        "kind_label": e.kind_label,
        "summary": e.summary,
        "comment": e.comment,
        "revision": e.revision,
        "details": [asdict(d) for d in e.details],
        "changes": e.event_changes,
        "transition": e.event_transition,
    }


class ExportedEvent(BaseModel):
    id: int
    event: dict[str, Any]  # every hashed field, as hashed
    prev_hash: str
    hash: str
    entries: list[dict[str, Any]]  # the timeline's words for it


class HistoryExport(BaseModel):
    format: str
    hash_rule: str
    hashed_fields: list[str]
    assessment: dict[str, Any]
    language: str
    time_zone: str | None
    exported_at: str
    exported_by: dict[str, Any]
    events: list[ExportedEvent]


@endpoint(
    "/assessments/<int:assessment_id>/history/export",
    response=HistoryExport,
    errors=(401, 404),
    records_access=True,
)
def history_export(assessment_id: int):
    """The assessment's whole history with every hashed field, prev_hash and hash, and the
    words of each event; recomputable outside the program (docs/audit.md); recorded."""
    a = ops.get_assessment(g.api_user, assessment_id)
    return exports.export(g.api_user, a, language(), via="api")


@endpoint(
    "/assessments/<int:assessment_id>/history/report",
    response=None,
    errors=(401, 404, 409, 422),
    query={"format": ("string", "docx (default) or pdf")},
    content_type=f"{exports.REPORT_FORMATS['docx']}, {exports.REPORT_FORMATS['pdf']}",
    records_access=True,
)
def history_report(assessment_id: int):
    """The assessment's history as a readable report (.docx or PDF) in the Accept-Language
    language; recorded with the report's SHA-256 (docs/audit.md "Exports")."""
    a = ops.get_assessment(g.api_user, assessment_id)
    fmt = request.args.get("format") or "docx"
    if fmt not in exports.REPORT_FORMATS:
        raise ApiError(
            422,
            "validation_failed",
            _l("The request has invalid fields."),
            [{"path": "format", "message": _l("choose docx or pdf")}],
        )
    content, name = exports.report(g.api_user, a, language(), fmt, via="api")
    return send_file(
        io.BytesIO(content),
        mimetype=exports.REPORT_FORMATS[fmt],
        as_attachment=True,
        download_name=name,
        max_age=0,
    )
