"""Reading is recorded too (issue 21): looking at an assessment's history, comparing its
revisions, exporting data. The data may concern vulnerable groups, so who looked at what is
itself an event in the audit chain that auditors see.

Every access is an ``access.*`` action on the object read (``assessment``) or, for a
search across assessments, on the organisation; its ``changes`` say what was read and how
(``[{"field": "format", "old": None, "new": "csv"}, ...]``). Call it outside ``reading()``:
it writes, in a transaction of its own.
"""

from __future__ import annotations

from typing import Any

from ..models import User
from ._audit import record
from ._tx import transaction

ACCESS_ACTIONS = (
    "access.history_viewed",  # the history page or the API's history of one assessment
    "access.revisions_compared",  # two revisions side by side (web or API)
    "access.revision_document",  # a revision's document downloaded
    "access.history_exported",  # one assessment's history as JSON
    "access.history_report",  # one assessment's history as a readable .docx or PDF
    "access.search_exported",  # a search's result as CSV or JSON (object: the organisation)
    "access.verification_report",  # the chain's verification report downloaded
    "access.audit_verified",  # the integrity page walked the chain from the last walk
)


def record_access(
    user: User,
    action: str,
    object_type: str,
    object_id: int | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one access event for ``user`` and commit it."""
    if action not in ACCESS_ACTIONS:
        raise ValueError(f"unknown access action {action!r}; known: {', '.join(ACCESS_ACTIONS)}")
    changes = [{"field": k, "old": None, "new": v} for k, v in sorted((details or {}).items())]
    with transaction() as session:
        record(session, user, action, object_type, object_id, changes=changes)
