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
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from ..assessment_data import StoredFlag
from ..definitions import localized
from .rules import SEVERITIES, Flag

if TYPE_CHECKING:
    from ..definitions import Labels

LANGUAGES = ("fi", "sv", "en")
OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
SUBJECT = ("group", "dimension", "alternative", "field")


def flag_id(key: str) -> str:
    """A short, URL-safe id that stays the same while the rule and subject do."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


Stored = StoredFlag | Mapping[str, Any]


def _typed(stored: Iterable[Stored]) -> list[StoredFlag]:
    return [StoredFlag.load(f) for f in stored]


def stored_form(flags: list[Flag]) -> list[StoredFlag]:
    """The flags as stored: subject, severity and texts in every language."""
    entries = [
        {
            "id": flag_id(f.key),
            "rule": f.rule,
            "severity": f.severity,
            **{k: getattr(f, k) for k in SUBJECT if getattr(f, k)},
            "message": {},
            "resolve": {},
            # Left out when the form cites nothing, as before flags had a basis.
            **({"basis": {}} if f.basis is not None else {}),
        }
        for f in flags
    ]
    for language in LANGUAGES:
        for entry, f in zip(entries, flags, strict=True):
            entry["message"][language] = f.text(language)
            entry["resolve"][language] = f.resolution(language)
            if f.basis is not None:
                entry["basis"][language] = f.basis_text(language)
    # Built here from known values: constructing skips validating ~100 flags on every save.
    return [StoredFlag.model_construct(**entry) for entry in entries]


def merge(stored: Iterable[Stored], current: list[StoredFlag]) -> list[StoredFlag]:
    """The new stored list: ``current`` (from ``stored_form``) set against ``stored``."""
    before = {f.id: f for f in _typed(stored)}
    merged = []
    for entry in current:
        old = before.pop(entry.id, None)
        if old and old.status == ACKNOWLEDGED:
            new = entry.model_copy(
                update={"status": ACKNOWLEDGED, "acknowledged": old.acknowledged}
            )
        else:
            new = entry.model_copy(update={"status": OPEN})
        merged.append(new)
    for old in before.values():
        resolved = old.model_copy(update={"status": RESOLVED, "acknowledged": None})
        resolved.model_fields_set.discard("acknowledged")  # stored without it, not as null
        merged.append(resolved)
    return sort(merged)


def sort(flags: Iterable[Stored]) -> list[StoredFlag]:
    """By status (open first), severity, rule and subject: what needs doing comes first."""
    status = {OPEN: 0, ACKNOWLEDGED: 1, RESOLVED: 2}
    return sorted(
        _typed(flags),
        key=lambda f: (
            status.get(f.status, 3),
            SEVERITIES.index(f.severity),
            f.rule,
            tuple(str(getattr(f, k) or "") for k in SUBJECT),
        ),
    )


def changes(old: Iterable[Stored], new: Iterable[Stored]) -> list[dict[str, Any]]:
    """Audit entries for flags that appeared, went or changed status, with their texts."""
    before = {f.id: f for f in _typed(old)}
    out = []
    for f in _typed(new):
        prior = before.get(f.id)
        was = prior.status if prior else None
        if was != f.status:
            out.append(
                {
                    "field": f"flags.{f.id}",
                    "old": was,
                    "new": f.status,
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                }
            )
    return out


def unresolved_high(stored: Iterable[Stored]) -> list:
    """Texts (in the reader's language) of high flags neither resolved nor acknowledged.

    This is what the process guard "no unresolved high flags" lists.
    """
    return [
        # A stored flag's texts are by language, as Labels are: fi, sv and en.
        localized(cast("Labels", f.message))
        for f in _typed(stored)
        if f.severity == "high" and f.status == OPEN
    ]


def counts(stored: Iterable[Stored]) -> dict[str, int]:
    """Open flags per severity, for summaries."""
    out = dict.fromkeys(SEVERITIES, 0)
    for f in _typed(stored):
        if f.status == OPEN:
            out[f.severity] += 1
    return out
