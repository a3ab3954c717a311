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

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from ..audit.hashing import HASHED_FIELDS, hashed_payload
from ..extensions import db
from ..models import Assessment, AuditEvent, User
from .access_log import record_access
from .timeline import Entry, timeline

FORMAT = "assess-history/1"
HASH_RULE = (
    "hash = sha256(prev_hash encoded as ASCII + canonical JSON of `event`); canonical JSON: "
    "keys sorted, separators ',' and ':', UTF-8 without escapes (Python: json.dumps(event, "
    "sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8'))"
)


def entries(assessment: Assessment, language: str) -> list[Entry]:
    """Every entry of the timeline, all pages, oldest first."""
    found: list[Entry] = []
    page = 1
    while True:
        shown = timeline(assessment, language, page=page, per_page=100)
        found.extend(shown.entries)
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
