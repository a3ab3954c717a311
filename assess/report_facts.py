"""What the yearly report counts inside an assessment's stored answers (issue 22).

The operations keep ``facts_of(data, ...)`` in ``assessment_facts`` on every write (as the
search keys are kept) and the report aggregates those rows in the database instead of
reading every assessment's JSON. Pure: no Flask, no database. Reads the raw dict (not the
typed model): the migration runs it over every stored row, old ones included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

FLAG, GROUP, DIMENSION, HEARING, OBJECTIVE, FOLLOW_UP, EX_POST = (
    "flag",
    "group",
    "dimension",
    "hearing",
    "objective",
    "follow_up",
    "ex_post",
)
# A flag's status as stored (``flags.lifecycle``) -> how it ended, as the report says it.
FLAG_ENDINGS = {"resolved": "resolved", "acknowledged": "acknowledged", "open": "open_at_approval"}
DIRECTIONS = ("negative", "positive")
PLAN_EFFECTS = ("helped", "harmed", "neutral")
# ``ExPost.outcome`` as stored -> the report's word.
EX_POST_RESULTS = {
    "as_expected": "as_expected",
    "better": "better",
    "worse": "worse",
    "not_known": "unknown",
}
KEY_MAX, VALUE_MAX = 80, 60  # the columns' lengths
# Kinds whose ``at`` is when the product first saw the fact: kept from the row already
# stored, else the time of the write (the data holds no such time).
FIRST_SEEN = frozenset({(FLAG, "appeared"), *((EX_POST, v) for v in EX_POST_RESULTS.values())})


@dataclass(frozen=True, order=True)
class Fact:
    kind: str
    key: str
    value: str
    at: datetime | None = None

    @property
    def ident(self) -> tuple[str, str, str]:
        return (self.kind, self.key, self.value)

    @property
    def first_seen(self) -> bool:
        return (self.kind, self.value) in FIRST_SEEN


def facts_of(data: Mapping[str, Any] | None, *, time_zone: str = "Europe/Helsinki") -> set[Fact]:
    """The facts the yearly report counts in an assessment's stored ``data``.

    - ``flag`` / rule / ``appeared`` for every stored flag (any status: a resolved flag was
      had) and how it ended: ``resolved``, ``acknowledged``, ``open_at_approval`` (open now;
      the report counts approved assessments only);
    - ``group`` and ``dimension`` / id / ``negative`` or ``positive`` for a cell of that
      direction in any alternative but the zero option;
    - ``hearing`` / council / ``requested`` for every hearing, ``answered`` (an answer date, a
      statement or its file), ``not_heard:<code>`` (``other`` for a free-text reason only);
    - ``objective`` / plan objective key / ``helped``, ``harmed``, ``neutral``;
    - ``follow_up`` / indicator id / ``done`` (observed) or ``pending``, ``at`` the review
      date's local midnight in ``time_zone`` (as UTC);
    - ``ex_post`` / ``group:dimension`` / ``as_expected``, ``better``, ``worse``, ``unknown``.

    ``at`` is None where the data holds no time (see ``FIRST_SEEN``).
    """
    if not isinstance(data, Mapping):
        return set()
    out: set[tuple[str, str, str, datetime | None]] = set()
    for flag in _dicts(data.get("flags")):
        rule = _text(flag.get("rule"))
        if rule:
            out.add((FLAG, rule, "appeared", None))
            ending = FLAG_ENDINGS.get(str(flag.get("status") or "open"))
            if ending:
                out.add((FLAG, rule, ending, None))
    zero = {a.get("id") for a in _dicts(data.get("alternatives")) if a.get("zero_option") is True}
    for cell in _dicts(data.get("impacts")):
        direction = cell.get("direction")
        if direction not in DIRECTIONS or cell.get("alternative") in zero:
            continue
        for kind in (GROUP, DIMENSION):
            if key := _text(cell.get(kind)):
                out.add((kind, key, str(direction), None))
    for hearing in _dicts(data.get("hearings")):
        council = _text(hearing.get("council"))
        if not council:
            continue
        out.add((HEARING, council, "requested", None))
        if (
            hearing.get("answered_on")
            or _text(hearing.get("statement"))
            or isinstance(hearing.get("attachment"), Mapping)
        ):
            out.add((HEARING, council, "answered", None))
        code = _text(hearing.get("not_heard_code"))
        if code or _text(hearing.get("not_heard_reason")):
            out.add((HEARING, council, f"not_heard:{code or 'other'}", None))
    for link in _dicts(data.get("plan_links")):
        objective = _text(link.get("objective"))
        if objective and link.get("effect") in PLAN_EFFECTS:
            out.add((OBJECTIVE, objective, str(link["effect"]), None))
    zone = ZoneInfo(time_zone)
    for n, indicator in enumerate(_dicts(data.get("indicators"))):
        due = _date(indicator.get("review_date"))
        if due is None:
            continue
        key = _text(indicator.get("id")) or f"#{n}"
        done = bool(_dicts(indicator.get("observations")))
        at = datetime.combine(due, time(), zone)
        out.add((FOLLOW_UP, key, "done" if done else "pending", at))
    for effect in _dicts(data.get("ex_post")):
        result = EX_POST_RESULTS.get(str(effect.get("outcome")))
        group, dimension = _text(effect.get("group")), _text(effect.get("dimension"))
        if result and group and dimension:
            out.add((EX_POST, f"{group}:{dimension}", result, None))
    return {
        Fact(kind, key, value, at)
        for kind, key, value, at in out
        if len(key) <= KEY_MAX and len(value) <= VALUE_MAX
    }


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
