"""The hash of one event in the chain: ``sha256(prev_hash + canonical JSON of the event)``."""

from __future__ import annotations

import hashlib
from datetime import UTC
from typing import Any

from ..canonical import canonical_json

HASHED_FIELDS = (
    "at",
    "organisation_id",
    "actor_type",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "changes",
    "transition",
    "request_id",
    "client_address",
)


def hashed_payload(event) -> dict[str, Any]:
    """The fields the hash covers, as hashed (``at`` in ISO 8601 UTC with microseconds):
    what an export gives so that the hash can be recomputed outside the program."""
    return _payload(event)


def _payload(event) -> dict[str, Any]:
    payload = {name: getattr(event, name) for name in HASHED_FIELDS}
    payload["at"] = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    return payload


def event_hash(prev_hash: str, event) -> str:
    """The hash of an event (an AuditEvent or a row of its table) after ``prev_hash``."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(_payload(event))).hexdigest()
