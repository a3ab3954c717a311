"""Checking what the preparer says about the wellbeing plan (issue 18, [plan]): the links of
the decision to the plan's objectives, and the plan indicator an indicator is.

The plan itself is the organisation's data; the caller gives what it holds as
``known``: objective key -> the ids of its indicators (retired objectives included, so an
assessment that linked one before it was retired can still be saved). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..translation import lazy_text as _l
from .answers import LIST_MAX, LONG_MAX, Errors, _text, _unknown_fields

EFFECTS = ("helped", "harmed", "neutral")
LINK_FIELDS = ("objective", "effect", "note")

Known = Mapping[str, frozenset[str] | set[str]]


def clean_plan_links(rows, known: Known) -> tuple[list[dict], Errors]:
    """Each row {objective, effect, note}: a known objective, once, with its effect."""
    errors = Errors()
    if rows is not None and not isinstance(rows, list):
        errors.add("plan_links", _l("Give the plan links as a list."))
        return [], errors
    rows = rows or []
    if len(rows) > LIST_MAX:
        errors.add("plan_links", _l("At most %(max)d rows.", max=LIST_MAX))
    out, seen = [], set()
    for i, row in enumerate(rows[:LIST_MAX]):
        p = f"plan_links.{i}"
        if not isinstance(row, dict):
            errors.add(p, _l("Give the plan link as an object with objective, effect and note."))
            continue
        _unknown_fields(errors, p, row, LINK_FIELDS)
        objective = row.get("objective")
        if not isinstance(objective, str) or objective not in known:
            errors.add(
                f"{p}.objective",
                _l(
                    "%(value)r is not an objective of the organisation's wellbeing plan; "
                    "expected one of: %(allowed)s.",
                    value=objective if isinstance(objective, str) else "",
                    allowed=", ".join(sorted(known)) or "—",
                ),
            )
        elif objective in seen:
            errors.add(
                f"{p}.objective",
                _l("The objective %(key)s is linked twice.", key=objective),
            )
        seen.add(objective)
        effect = row.get("effect")
        if effect not in EFFECTS:
            errors.add(
                f"{p}.effect",
                _l(
                    "Say whether the decision helps, harms or does not bear on the "
                    "objective: one of %(allowed)s.",
                    allowed=", ".join(EFFECTS),
                ),
            )
        note = _text(errors, f"{p}.note", row.get("note"), LONG_MAX).strip()
        out.append({"objective": objective, "effect": effect, "note": note})
    return out, errors


def clean_plan_indicator(errors: Errors, path: str, value, known: Known) -> str | None:
    """``value`` "objective:indicator" naming an indicator of the plan, or None (own one)."""
    if value in (None, ""):
        return None
    objective, _, code = value.partition(":") if isinstance(value, str) else ("", "", "")
    if not code or code not in known.get(objective, ()):
        errors.add(
            path,
            _l(
                "%(value)r is not an indicator of the organisation's wellbeing plan: give "
                "it as objective:indicator (for example %(example)s), or leave it empty for "
                "an indicator of your own.",
                value=value if isinstance(value, str) else "",
                example=next(
                    (f"{k}:{c}" for k, codes in sorted(known.items()) for c in sorted(codes)),
                    "mental_health:4559",
                ),
            ),
        )
        return None
    return value
