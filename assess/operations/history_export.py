"""One assessment's whole history for the auditor's own tools (issue 21).

The export holds every event of the assessment's timeline with each field the chain's hash
covers, its ``prev_hash`` and ``hash``, and beside it the words a person reads (the
timeline's entries). Anyone can recompute each hash outside the program with a few lines
(docs/audit.md "Exports")::

    sha256(prev_hash as ASCII + canonical JSON of "event")

where canonical JSON is ``json.dumps(event, sort_keys=True, separators=(",", ":"),
ensure_ascii=False).encode("utf-8")``. The events are a segment of the one chain all
organisations share, so they are not consecutive: each proves its own content, and
``audit verify`` (or the integrity page) proves the links between them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app
from sqlalchemy import select

from ..audit.hashing import HASHED_FIELDS, event_hash, hashed_payload
from ..documents import history_report as report_doc
from ..extensions import db
from ..models import Assessment, AuditEvent, Document, Organisation, User
from ..pdfa import ConverterDown
from ..translation import lazy_text as _l
from . import archive
from .access_log import record_access
from .documents import ConversionUnavailable
from .errors import Conflict
from .timeline import Entry, Group, timeline
from .timeline_words import DOCUMENT_LANGUAGES

FORMAT = "assess-history/1"
HASH_RULE = (
    "hash = sha256(prev_hash encoded as ASCII + canonical JSON of `event`); canonical JSON: "
    "keys sorted, separators ',' and ':', UTF-8 without escapes (Python: json.dumps(event, "
    "sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8'))"
)


REPORT_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def entries(assessment: Assessment, language: str) -> list[Entry]:
    """Every entry of the timeline, all pages, oldest first."""
    return [e for g in groups(assessment, language) for e in g.entries]


def groups(assessment: Assessment, language: str) -> list[Group]:
    """Every entry of the timeline grouped by version as the page shows them, all pages."""
    found: list[Group] = []
    page = 1
    while True:
        shown = timeline(assessment, language, page=page, per_page=100)
        for group in shown.groups:
            if found and found[-1].revision == group.revision:
                found[-1].entries.extend(group.entries)  # a version that goes on over a page
            else:
                found.append(Group(group.revision, group.label, list(group.entries)))
        if page >= shown.pages:
            return found
        page += 1


def export(user: User, assessment: Assessment, language: str, *, via: str) -> dict[str, Any]:
    """The export as a JSON-ready mapping; recorded as ``access.history_exported``."""
    shown = entries(assessment, language)
    ids = sorted({e.event_id for e in shown})
    events = (
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.id.in_(ids)).order_by(AuditEvent.id)
        ).all()
        if ids
        else []
    )
    words: dict[int, list[dict[str, Any]]] = {}
    for e in shown:
        words.setdefault(e.event_id, []).append(_words(e))
    decision = assessment.decision
    result = {
        "format": FORMAT,
        "hash_rule": HASH_RULE,
        "hashed_fields": list(HASHED_FIELDS),
        "assessment": {
            "id": assessment.id,
            "case_number": decision.case_number,
            "title": decision.title,
            "state": assessment.state,
            "organisation": assessment.organisation_id,
        },
        "language": language,
        "time_zone": shown[0].at.tzname() if shown else None,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "exported_by": {"id": user.id, "name": user.name},
        "events": [
            {
                "id": ev.id,
                "event": hashed_payload(ev),
                "prev_hash": ev.prev_hash,
                "hash": ev.hash,
                "entries": words.get(ev.id, []),
            }
            for ev in events
        ],
    }
    record_access(
        user,
        "access.history_exported",
        "assessment",
        assessment.id,
        {"format": "json", "via": via, "events": len(events)},
    )
    return result


def _words(e: Entry) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "kind_label": e.kind_label,
        "at_text": e.at_text,
        "who": e.who,
        "roles": list(e.roles),
        "role_labels": list(e.role_labels),
        "via": e.via,
        "via_label": e.via_label,
        "client_address": e.client_address,
        "summary": e.summary,
        "comment": e.comment,
        "revision": e.revision,
        "details": [asdict(d) for d in e.details],
    }


def report(
    user: User, assessment: Assessment, language: str, fmt: str, *, via: str
) -> tuple[bytes, str]:
    """The readable history report as .docx or PDF and its file name; recorded as
    ``access.history_report`` with the report's SHA-256 (which the report cannot hold)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    content = report_doc.render(_report(user, assessment, language))
    if fmt == "pdf":
        content = _pdf(content)
    digest = hashlib.sha256(content).hexdigest()
    record_access(
        user,
        "access.history_report",
        "assessment",
        assessment.id,
        {"format": fmt, "via": via, "language": language, "sha256": digest},
    )
    # An ASCII name whatever the case number holds: a header carries no other.
    case = re.sub(r"[^A-Za-z0-9._-]+", "-", assessment.decision.case_number)
    return content, f"history-{case}-{assessment.id}.{fmt}"


def _pdf(content: bytes) -> bytes:
    try:
        return archive.convert(content)
    except ConverterDown as exc:
        current_app.logger.error("history report PDF conversion failed: %s", exc)
        if archive.soffice() is None:
            raise ConversionUnavailable(
                _l(
                    "LibreOffice is not installed on the server, so no PDF can be made. "
                    "Download the report as .docx instead."
                )
            ) from None
        raise Conflict(
            _l("LibreOffice could not convert the report to PDF; download it as .docx.")
        ) from None


def _report(user: User, assessment: Assessment, language: str) -> report_doc.HistoryReport:
    found = groups(assessment, language)
    shown = [e for g in found for e in g.entries]
    organisation = db.session.get(Organisation, assessment.organisation_id)
    zone = organisation.time_zone if organisation is not None else "Europe/Helsinki"
    now = datetime.now(UTC).astimezone(ZoneInfo(zone)).replace(microsecond=0)
    decision = assessment.decision
    docs = db.session.scalars(
        select(Document).where(Document.assessment_id == assessment.id).order_by(Document.id)
    ).all()
    return report_doc.HistoryReport(
        language=language,
        case_number=decision.case_number,
        title=decision.title,
        organisation=organisation.name(language) if organisation is not None else "",
        time_zone=zone,
        period=(shown[0].at_text, shown[-1].at_text) if shown else None,
        made_by=user.name,
        made_at=now,
        made_at_text=f"{format_datetime(now, 'medium', locale=language)} {now.tzname()}",
        chain=_chain_state(sorted({e.event_id for e in shown}), language),
        groups=tuple(
            report_doc.ReportGroup(g.label, tuple(_report_entry(e) for e in g.entries))
            for g in found
        ),
        documents=tuple(
            report_doc.DocumentHash(
                d.reference,
                DOCUMENT_LANGUAGES[d.language].render(language)
                if d.language in DOCUMENT_LANGUAGES
                else d.language,
                d.sha256,
                d.pdf_sha256,
            )
            for d in docs
        ),
    )


def _chain_state(ids: list[int], language: str) -> str:
    """Whether each event still matches its hash. The links to the events between them
    (other objects') are the whole chain's, which ``audit verify`` checks."""
    checked = 0
    for start in range(0, len(ids), 500):
        for ev in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id.in_(ids[start : start + 500]))
            .order_by(AuditEvent.id)
        ):
            if event_hash(ev.prev_hash, ev) != ev.hash:
                return _l(
                    "BROKEN: event %(event)d no longer matches its hash (changed after it "
                    "was recorded); %(checked)d events before it match.",
                    event=ev.id,
                    checked=checked,
                ).render(language)
            checked += 1
    return _l("intact: each of the %(count)d events matches its hash.", count=checked).render(
        language
    )


def _report_entry(e: Entry) -> report_doc.ReportEntry:
    return report_doc.ReportEntry(
        at_text=e.at_text,
        kind_label=e.kind_label,
        who=e.who,
        role_labels=e.role_labels,
        via_label=e.via_label,
        client_address=e.client_address,
        summary=e.summary,
        comment=e.comment,
        details=tuple(report_doc.Detail(d.label, d.old, d.new) for d in e.details),
    )
