"""Canonical JSON: one byte sequence per value, for hashes that must be reproducible.

The audit chain hashes events with it and the documents print a revision's hash with it,
so it lives below both and needs nothing but the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def canonical_json(value: Any) -> bytes:
    """One byte sequence per value: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    ).encode("utf-8")


def _json_default(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def diff(old: Mapping, new: Mapping, prefix: str = "") -> list[dict[str, Any]]:
    """Field-level changes between two JSON-like mappings, with dotted paths: what the audit
    events' ``changes`` hold (``audit.diff``) and what ``described`` tells in words."""
    changes: list[dict[str, Any]] = []
    for key in sorted(set(old) | set(new), key=str):
        path = f"{prefix}{key}"
        a, b = old.get(key), new.get(key)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            changes.extend(diff(a, b, path + "."))
        elif (isinstance(a, Mapping) and b is None) or (a is None and isinstance(b, Mapping)):
            changes.extend(diff(a or {}, b or {}, path + "."))
        elif a != b:
            changes.append({"field": path, "old": a, "new": b})
    return changes
