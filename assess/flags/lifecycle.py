"""What happens to flags over time: stored with the assessment, resolved, acknowledged.

The rules (``rules.compute``) say which flags apply to the data now. ``merge`` sets
them against the flags stored in ``assessment.data["flags"]``:

- a flag that applies and was not stored (or was resolved) is ``open``;
- a flag that no longer applies is ``resolved`` by itself, and its acknowledgement goes;
- an acknowledged flag stays acknowledged while the same rule on the same subject applies.

Stored flags carry their texts in every language, so a revision's snapshot is complete
without the rules (the document and the API read them from there). Pure functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from flask_babel import force_locale

from ..definitions import localized
from .rules import SEVERITIES, Flag, sentences

LANGUAGES = ("fi", "sv", "en")
OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
SUBJECT = ("group", "dimension", "alternative", "field")


def flag_id(key: str) -> str:
    """A short, URL-safe id that stays the same while the rule and subject do."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def stored_form(flags: list[Flag]) -> list[dict[str, Any]]:
    """The flags as stored: subject, severity and texts in every language."""
    entries = [
        {
            "id": flag_id(f.key),
            "rule": f.rule,
            "severity": f.severity,
            **{k: getattr(f, k) for k in SUBJECT if getattr(f, k)},
            "message": {},
            "resolve": {},
        }
        for f in flags
    ]
    # One locale switch per language, not one per text: with ~750 cells this matters.
    for language in LANGUAGES:
        with force_locale(language):
            for entry, f in zip(entries, flags, strict=True):
                entry["message"][language] = sentences(str(f.message))
                entry["resolve"][language] = sentences(str(f.resolve))
    return entries


def merge(stored: Iterable[dict], current: list[dict]) -> list[dict]:
    """The new stored list: ``current`` (from ``stored_form``) set against ``stored``."""
    before = {f["id"]: f for f in stored}
    merged = []
    for entry in current:
        old = before.pop(entry["id"], None)
        new = {**entry, "status": OPEN}
        if old and old.get("status") == ACKNOWLEDGED:
            new["status"] = ACKNOWLEDGED
            new["acknowledged"] = old["acknowledged"]
        merged.append(new)
    for old in before.values():
        resolved = {k: v for k, v in old.items() if k != "acknowledged"}
        resolved["status"] = RESOLVED
        merged.append(resolved)
    return sort(merged)


def sort(flags: list[dict]) -> list[dict]:
    """By status (open first), severity, rule and subject: what needs doing comes first."""
    status = {OPEN: 0, ACKNOWLEDGED: 1, RESOLVED: 2}
    return sorted(
        flags,
        key=lambda f: (
            status.get(f.get("status") or "", 3),
            SEVERITIES.index(f["severity"]),
            f["rule"],
            tuple(str(f.get(k) or "") for k in SUBJECT),
        ),
    )


def changes(old: Iterable[dict], new: Iterable[dict]) -> list[dict[str, Any]]:
    """Audit entries for flags that appeared, went or changed status, with their texts."""
    before = {f["id"]: f for f in old}
    out = []
    for f in new:
        prior = before.get(f["id"])
        was = prior.get("status") if prior else None
        if was != f["status"]:
            out.append(
                {
                    "field": f"flags.{f['id']}",
                    "old": was,
                    "new": f["status"],
                    "rule": f["rule"],
                    "severity": f["severity"],
                    "message": f["message"],
                }
            )
    return out


def unresolved_high(stored: Iterable[dict]) -> list:
    """Texts (in the reader's language) of high flags neither resolved nor acknowledged.

    This is what the process guard "no unresolved high flags" lists.
    """
    return [
        localized(f["message"])
        for f in stored
        if f["severity"] == "high" and f.get("status") == OPEN
    ]


def counts(stored: Iterable[dict]) -> dict[str, int]:
    """Open flags per severity, for summaries."""
    out = dict.fromkeys(SEVERITIES, 0)
    for f in stored:
        if f.get("status") == OPEN:
            out[f["severity"]] += 1
    return out
