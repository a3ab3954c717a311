"""The organisation's wellbeing plan: objectives and their indicators (issue 18).

Admins add, change, retire and reactivate objectives; the whole plan can also be replaced at
once (the API's PUT and the command line's import). Every change is one audited event with
its field changes, and a refused change stores nothing.

An objective's key is what assessments store in ``plan_links`` and an indicator's id what
they store in ``plan_indicator`` ("objective:indicator"): keys never change, and an
objective left out of a replaced plan is retired, not deleted, so old assessments keep
meaning what they meant.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Organisation, PlanIndicator, PlanObjective, User
from ._audit import record
from ._check import text
from ._tx import transaction
from .errors import Errors, Forbidden, ValidationFailed

KEY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
KEY_MAX = 60
# An indicator's id in its source: a Sotkanet number ("4559") or another bank's code.
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
CODE_MAX = 60
TEXT_MAX = 500
NAME_MAX = 300
YEAR_MIN, YEAR_MAX = 2000, 2100
OBJECTIVES_MAX = 100
INDICATORS_MAX = 50
LANGUAGES = ("fi", "sv", "en")

_TEXT_MISSING = {
    "objective": {
        "fi": _l("Enter the objective in Finnish."),
        "sv": _l("Enter the objective in Swedish."),
        "en": _l("Enter the objective in English."),
    },
    "indicator": {
        "fi": _l("Enter the indicator's name in Finnish."),
        "sv": _l("Enter the indicator's name in Swedish."),
        "en": _l("Enter the indicator's name in English."),
    },
}


# --- reading ---------------------------------------------------------------------------


def objectives_of(organisation_id: int, *, active_only: bool = False) -> list[PlanObjective]:
    stmt = select(PlanObjective).where(PlanObjective.organisation_id == organisation_id)
    if active_only:
        stmt = stmt.where(PlanObjective.active.is_(True))
    return list(db.session.scalars(stmt.order_by(PlanObjective.position, PlanObjective.id)))


def objective_by_key(organisation_id: int, key: str) -> PlanObjective | None:
    return db.session.scalar(
        select(PlanObjective).where(
            PlanObjective.organisation_id == organisation_id, PlanObjective.key == key
        )
    )


def active_keys(organisation_id: int) -> tuple[str, ...]:
    """The keys of the plan's objectives in force: the flags' ``plan_objectives``."""
    return tuple(o.key for o in objectives_of(organisation_id, active_only=True))


def known(organisation_id: int) -> dict[str, frozenset[str]]:
    """Every objective's key (retired ones too: old links stay valid) -> its indicator ids."""
    return {o.key: frozenset(i.code for i in o.indicators) for o in objectives_of(organisation_id)}


def indicators_by_ref(organisation_id: int) -> dict[str, PlanIndicator]:
    """Every indicator of the plan by its reference "objective:indicator"."""
    return {f"{o.key}:{i.code}": i for o in objectives_of(organisation_id) for i in o.indicators}


def as_data(objective: PlanObjective) -> dict[str, Any]:
    """An objective as the API, the export and the audit log give it."""
    return {
        "key": objective.key,
        "text": {lang: getattr(objective, f"text_{lang}") for lang in LANGUAGES},
        "start_year": objective.start_year,
        "end_year": objective.end_year,
        "active": objective.active,
        "indicators": [
            {"id": i.code, "name": {lang: getattr(i, f"name_{lang}") for lang in LANGUAGES}}
            for i in objective.indicators
        ],
    }


def plan_data(organisation_id: int) -> dict[str, Any]:
    return {"objectives": [as_data(o) for o in objectives_of(organisation_id)]}


# --- checks ----------------------------------------------------------------------------


def _require_admin(actor: User | None) -> None:
    # No actor: the command line, which acts as the system.
    if actor is not None and not actor.has_role("admin"):
        raise Forbidden(_l("Only the organisation's administrators can change its wellbeing plan."))


def _organisation_id(actor: User | None, organisation: Organisation | int | None) -> int:
    if organisation is None:
        if actor is None:
            raise ValueError("the command line names the organisation")
        return actor.organisation_id
    org_id = organisation if isinstance(organisation, int) else organisation.id
    if actor is not None and actor.organisation_id != org_id:
        raise Forbidden(_l("That belongs to another organisation."))
    return org_id


def _texts(errors: Errors, path: str, raw, max_length: int, what: str) -> dict[str, str]:
    if raw is not None and not isinstance(raw, dict):
        errors.add(path, _l("Give the texts as fi, sv and en."))
    raw = raw if isinstance(raw, dict) else {}
    for extra in sorted(set(raw) - set(LANGUAGES)):
        errors.add(f"{path}.{extra}", _l("Texts are in fi, sv and en only."))
    out = {}
    for lang in LANGUAGES:
        value = text(errors, f"{path}.{lang}", raw.get(lang), max_length=max_length, required=False)
        if not value and not errors_at(errors, f"{path}.{lang}"):
            errors.add(f"{path}.{lang}", _TEXT_MISSING[what][lang])
        out[lang] = value
    return out


def errors_at(errors: Errors, path: str) -> bool:
    return path in errors._errors


def _year(errors: Errors, path: str, value) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
        errors.add(
            path,
            _l(
                "Give the year as a number from %(min)d to %(max)d, for example 2026.",
                min=YEAR_MIN,
                max=YEAR_MAX,
            ),
        )
        return 0
    return value


def clean_objective(errors: Errors, path: str, raw) -> dict[str, Any]:
    """One objective in the shape ``as_data`` gives; problems under ``path``."""
    if not isinstance(raw, dict):
        errors.add(path, _l("Give the objective as an object with key, text and years."))
        return {}
    allowed = {"key", "text", "start_year", "end_year", "active", "indicators"}
    for extra in sorted(set(raw) - allowed):
        errors.add(
            f"{path}.{extra}",
            _l(
                "Unknown field %(field)r; expected: %(allowed)s.",
                field=extra,
                allowed=", ".join(sorted(allowed)),
            ),
        )
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key) or len(key) > KEY_MAX:
        errors.add(
            f"{path}.key",
            _l(
                "The key %(key)r is not valid: use lower-case letters a-z, digits, hyphens "
                "and underscores, beginning with a letter, for example %(example)s.",
                key=key if isinstance(key, str) else "",
                example="mental_health",
            ),
        )
        key = ""
    texts = _texts(errors, f"{path}.text", raw.get("text"), TEXT_MAX, "objective")
    start = _year(errors, f"{path}.start_year", raw.get("start_year"))
    end = _year(errors, f"{path}.end_year", raw.get("end_year"))
    if start and end and end < start:
        errors.add(
            f"{path}.end_year",
            _l("The period ends (%(end)d) before it starts (%(start)d).", end=end, start=start),
        )
    active = raw.get("active", True)
    if not isinstance(active, bool):
        errors.add(f"{path}.active", _l("Give active as true or false."))
        active = True
    rows = raw.get("indicators") or []
    if not isinstance(rows, list):
        errors.add(f"{path}.indicators", _l("Give the indicators as a list."))
        rows = []
    if len(rows) > INDICATORS_MAX:
        errors.add(f"{path}.indicators", _l("At most %(max)d rows.", max=INDICATORS_MAX))
    indicators, seen = [], set()
    for i, row in enumerate(rows[:INDICATORS_MAX]):
        p = f"{path}.indicators.{i}"
        if not isinstance(row, dict):
            errors.add(p, _l("Give the indicator as an object with id and name."))
            continue
        for extra in sorted(set(row) - {"id", "name"}):
            errors.add(
                f"{p}.{extra}",
                _l(
                    "Unknown field %(field)r; expected: %(allowed)s.",
                    field=extra,
                    allowed="id, name",
                ),
            )
        code = row.get("id")
        code = str(code) if isinstance(code, int) and not isinstance(code, bool) else code
        if not isinstance(code, str) or not CODE_RE.match(code) or len(code) > CODE_MAX:
            errors.add(
                f"{p}.id",
                _l(
                    "The indicator id %(id)r is not valid: letters, digits, dots, colons, "
                    "hyphens and underscores, for example a Sotkanet number such as 4559.",
                    id=code if isinstance(code, str) else "",
                ),
            )
            code = ""
        elif code in seen:
            errors.add(f"{p}.id", _l("The indicator id %(id)s is given twice.", id=code))
        seen.add(code)
        names = _texts(errors, f"{p}.name", row.get("name"), NAME_MAX, "indicator")
        indicators.append({"id": code, "name": names})
    return {
        "key": key,
        "text": texts,
        "start_year": start,
        "end_year": end,
        "active": active,
        "indicators": indicators,
    }


# --- writing ---------------------------------------------------------------------------


def _apply(objective: PlanObjective, value: dict[str, Any]) -> None:
    for lang in LANGUAGES:
        setattr(objective, f"text_{lang}", value["text"][lang])
    objective.start_year = value["start_year"]
    objective.end_year = value["end_year"]
    objective.active = value["active"]
    by_code = {i.code: i for i in objective.indicators}
    kept = []
    for n, row in enumerate(value["indicators"]):
        indicator = by_code.get(row["id"]) or PlanIndicator(code=row["id"])
        for lang in LANGUAGES:
            setattr(indicator, f"name_{lang}", row["name"][lang])
        indicator.position = n
        kept.append(indicator)
    objective.indicators = kept


def _changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    old = old or {}
    return [{"field": k, "old": old.get(k), "new": v} for k, v in new.items() if old.get(k) != v]


def _store(
    session, actor: User | None, org_id: int, value: dict[str, Any], position: int | None
) -> PlanObjective | None:
    """Create or change the objective ``value`` names; audited when anything changed."""
    objective = objective_by_key(org_id, value["key"])
    before = as_data(objective) if objective is not None else None
    if objective is None:
        objective = PlanObjective(organisation_id=org_id, key=value["key"])
        objective.position = position if position is not None else len(objectives_of(org_id))
        session.add(objective)
    elif position is not None:
        objective.position = position
    _apply(objective, value)
    session.flush()
    changes = _changes(before, as_data(objective))
    if changes:
        record(
            session,
            actor,
            "plan_objective.created" if before is None else "plan_objective.updated",
            "plan_objective",
            objective.id,
            changes=changes,
            organisation_id=org_id,
        )
    return objective


def save_objective(
    actor: User | None,
    raw: dict[str, Any],
    *,
    organisation: Organisation | int | None = None,
    new: bool = False,
) -> PlanObjective:
    """Add an objective (``new``: its key must be free) or change the one its key names."""
    _require_admin(actor)
    org_id = _organisation_id(actor, organisation)
    errors = Errors()
    value = clean_objective(errors, "objective", raw)
    if new and value.get("key") and objective_by_key(org_id, value["key"]) is not None:
        errors.add(
            "objective.key",
            _l(
                "The key %(key)s is already used by another objective; choose another.",
                key=value["key"],
            ),
        )
    errors.raise_if_any()
    with transaction() as session:
        objective = _store(session, actor, org_id, value, None)
    assert objective is not None
    return objective


def set_active(actor: User | None, objective: PlanObjective, active: bool) -> PlanObjective:
    """Retire (no longer offered to preparers; old links kept) or reactivate an objective."""
    _require_admin(actor)
    if actor is not None and objective.organisation_id != actor.organisation_id:
        raise Forbidden(_l("That belongs to another organisation."))
    if objective.active == active:
        return objective
    with transaction() as session:
        objective.active = active
        session.flush()
        record(
            session,
            actor,
            "plan_objective.reactivated" if active else "plan_objective.retired",
            "plan_objective",
            objective.id,
            changes=[{"field": "active", "old": not active, "new": active}],
            organisation_id=objective.organisation_id,
        )
    return objective


def replace_plan(
    actor: User | None, payload: Any, *, organisation: Organisation | int | None = None
) -> list[PlanObjective]:
    """The plan becomes ``payload`` ({"objectives": [...]}), in its order; an objective
    it leaves out is retired. All of it or nothing."""
    _require_admin(actor)
    org_id = _organisation_id(actor, organisation)
    errors = Errors()
    if not isinstance(payload, dict) or not isinstance(payload.get("objectives"), list):
        raise ValidationFailed(
            {"objectives": [_l('Give the plan as {"objectives": [...]}, a list of objectives.')]}
        )
    for extra in sorted(set(payload) - {"objectives"}):
        errors.add(
            extra,
            _l(
                "Unknown field %(field)r; expected: %(allowed)s.", field=extra, allowed="objectives"
            ),
        )
    rows = payload["objectives"]
    if len(rows) > OBJECTIVES_MAX:
        errors.add("objectives", _l("At most %(max)d rows.", max=OBJECTIVES_MAX))
    values, seen = [], set()
    for n, raw in enumerate(rows[:OBJECTIVES_MAX]):
        value = clean_objective(errors, f"objectives.{n}", raw)
        if value.get("key"):
            if value["key"] in seen:
                errors.add(
                    f"objectives.{n}.key",
                    _l("The key %(key)s is given twice.", key=value["key"]),
                )
            seen.add(value["key"])
        values.append(value)
    errors.raise_if_any()
    with transaction() as session:
        for n, value in enumerate(values):
            _store(session, actor, org_id, value, n)
        for objective in objectives_of(org_id):
            if objective.key not in seen and objective.active:
                set_active(actor, objective, False)
    return objectives_of(org_id)
