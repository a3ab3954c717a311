"""The organisation's own data that its assessment policy names: deciding bodies and
decision types (issue 17). Admins create, rename, retire and reactivate them; every change
is audited with its field changes, and a refused change stores nothing.

Keys are what policy files write (`body: executive_board`, `decision_type: procurement`):
they are set when the row is created and never change, so that a published policy keeps
meaning what it meant. A retired body or type stays on the decisions that have it but
cannot be chosen for new ones.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import BODY_KINDS, Body, DecisionType, Organisation, User
from . import records
from ._audit import record
from ._check import choice, text
from ._tx import transaction
from .errors import Errors, Forbidden

KEY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
KEY_MAX = 60
NAME_MAX = 200
# Records management codes are numbers separated by dots (JHS 191: 05.01.00).
TASK_CLASS_RE = re.compile(r"^[0-9]+(\.[0-9]+)*$")
TASK_CLASS_MAX = 40

BODY_KIND_LABELS = {
    "council": _l("council"),
    "executive_board": _l("executive board"),
    "committee": _l("committee"),
    "board": _l("board"),
    "division": _l("division"),
    "office_holder": _l("office holder"),
}
ORGANISATION_KIND_LABELS = {
    "municipality": _l("municipality"),
    "wellbeing_county": _l("wellbeing services county"),
    "joint_authority": _l("joint municipal authority"),
    "helsinki": _l("City of Helsinki"),
}

_NAME_MISSING = {
    "name_fi": _l("Enter the name in Finnish."),
    "name_sv": _l("Enter the name in Swedish."),
    "name_en": _l("Enter the name in English."),
}


# --- reading ---------------------------------------------------------------------------


def bodies_of(organisation_id: int, *, active_only: bool = False) -> list[Body]:
    stmt = select(Body).where(Body.organisation_id == organisation_id)
    if active_only:
        stmt = stmt.where(Body.active.is_(True))
    return list(db.session.scalars(stmt.order_by(Body.active.desc(), Body.name_fi, Body.id)))


def decision_types_of(organisation_id: int, *, active_only: bool = False) -> list[DecisionType]:
    stmt = select(DecisionType).where(DecisionType.organisation_id == organisation_id)
    if active_only:
        stmt = stmt.where(DecisionType.active.is_(True))
    return list(
        db.session.scalars(
            stmt.order_by(DecisionType.active.desc(), DecisionType.name_fi, DecisionType.id)
        )
    )


def _org_id(organisation: Organisation | int) -> int:
    return organisation if isinstance(organisation, int) else organisation.id


def body_by_key(organisation: Organisation | int, key: str) -> Body | None:
    return db.session.scalar(
        select(Body).where(Body.organisation_id == _org_id(organisation), Body.key == key)
    )


def decision_type_by_key(organisation: Organisation | int, key: str) -> DecisionType | None:
    return db.session.scalar(
        select(DecisionType).where(
            DecisionType.organisation_id == _org_id(organisation), DecisionType.key == key
        )
    )


def has_active_decision_types(organisation: Organisation | int) -> bool:
    return (
        db.session.scalar(
            select(DecisionType.id)
            .where(
                DecisionType.organisation_id == _org_id(organisation),
                DecisionType.active.is_(True),
            )
            .limit(1)
        )
        is not None
    )


# --- checks ----------------------------------------------------------------------------


def _require_admin(actor: User | None) -> None:
    # No actor: the command line, which acts as the system (as `users create` does).
    if actor is not None and not actor.has_role("admin"):
        raise Forbidden(
            _l("Only the organisation's administrators can manage its bodies and decision types.")
        )


def _key(errors: Errors, value, *, taken_by) -> str:
    key = text(errors, "key", value, max_length=KEY_MAX, required=False)
    if not key and not (value is None or isinstance(value, str)):
        pass  # text() said it is not text
    elif not key:
        errors.add("key", _l("Enter a key, for example %(example)s.", example="procurement"))
    elif not KEY_RE.match(key):
        errors.add(
            "key",
            _l(
                "The key %(key)r is not valid: use lower-case letters a-z, digits, hyphens "
                "and underscores, beginning with a letter, for example %(example)s.",
                key=key,
                example="service_network_change",
            ),
        )
    elif (clash := taken_by(key)) is not None:
        errors.add("key", clash)
    return key


# The records metadata a decision type may set (issue 19); unset: the organisation's default.
RECORDS_FIELDS = ("publicity_class", "retention_period", "personal_data")


def _names(errors: Errors, data: dict, fields: tuple[str, ...]) -> dict[str, str]:
    names = {}
    for name in fields:
        raw = data.get(name)
        value = text(errors, name, raw, max_length=NAME_MAX, required=False)
        if not value and (raw is None or isinstance(raw, str)):  # else text() said why
            errors.add(name, _NAME_MISSING[name])
        names[name] = value
    return names


def _task_class(errors: Errors, value) -> str | None:
    code = text(errors, "task_class", value, max_length=TASK_CLASS_MAX, required=False)
    if code and not TASK_CLASS_RE.match(code):
        errors.add(
            "task_class",
            _l(
                "The task class %(code)r is not a code of the records management plan: "
                "numbers separated by dots, for example 05.01.00.",
                code=code,
            ),
        )
    return code or None


def _changes(row, values: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": k, "old": getattr(row, k), "new": v}
        for k, v in values.items()
        if getattr(row, k) != v
    ]


def _save(actor: User | None, row, values: dict[str, Any], action: str, object_type: str):
    changes = _changes(row, values)
    if not changes:
        return row
    with transaction() as session:
        for k, v in values.items():
            setattr(row, k, v)
        session.flush()
        record(
            session,
            actor,
            action,
            object_type,
            row.id,
            changes=changes,
            organisation_id=row.organisation_id,
        )
    return row


def _own(actor: User | None, row) -> None:
    if actor is not None and row.organisation_id != actor.organisation_id:
        raise Forbidden(_l("That belongs to another organisation."))


def _organisation_of(actor: User | None, organisation: Organisation | int | None) -> int:
    """The organisation acted on: the actor's, or the one the command line names."""
    if organisation is None:
        if actor is None:
            raise ValueError("the command line names the organisation")
        return actor.organisation_id
    org_id = _org_id(organisation)
    if actor is not None and actor.organisation_id != org_id:
        raise Forbidden(_l("That belongs to another organisation."))
    return org_id


# --- bodies ----------------------------------------------------------------------------


def create_body(
    actor: User | None,
    *,
    key,
    kind,
    name_fi,
    name_sv,
    organisation: Organisation | int | None = None,
) -> Body:
    """A new deciding body of the actor's organisation (admins), or of ``organisation``
    when the command line (no actor) acts."""
    _require_admin(actor)
    org_id = _organisation_of(actor, organisation)
    errors = Errors()

    def taken(k: str):
        other = body_by_key(org_id, k)
        if other is None:
            return None
        return _l(
            "The key %(key)s is already used by the body %(name)s; choose another.",
            key=k,
            name=other.name_fi,
        )

    clean_key = _key(errors, key, taken_by=taken)
    choice(errors, "kind", kind, BODY_KINDS)
    names = _names(errors, {"name_fi": name_fi, "name_sv": name_sv}, ("name_fi", "name_sv"))
    errors.raise_if_any()
    with transaction() as session:
        body = Body(organisation_id=org_id, key=clean_key, kind=kind, active=True, **names)
        session.add(body)
        session.flush()
        values = {"key": clean_key, "kind": kind, **names, "active": True}
        record(
            session,
            actor,
            "body.created",
            "body",
            body.id,
            changes=[{"field": k, "old": None, "new": v} for k, v in values.items()],
            organisation_id=org_id,
        )
    return body


def update_body(actor: User | None, body: Body, **changes) -> Body:
    """Rename a body or change its kind: `name_fi`, `name_sv`, `kind` (others refused)."""
    _require_admin(actor)
    _own(actor, body)
    errors = Errors()
    for unknown in sorted(set(changes) - {"name_fi", "name_sv", "kind"}):
        errors.add(unknown, _l("%(field)s cannot be changed here.", field=unknown))
    values: dict[str, Any] = {}
    if "kind" in changes:
        values["kind"] = choice(errors, "kind", changes["kind"], BODY_KINDS)
    values.update(_names(errors, changes, tuple(k for k in ("name_fi", "name_sv") if k in changes)))
    errors.raise_if_any()
    return _save(actor, body, values, "body.updated", "body")


def retire_body(actor: User | None, body: Body) -> Body:
    """The body can no longer be chosen for new decisions; its decisions keep it."""
    _require_admin(actor)
    _own(actor, body)
    return _save(actor, body, {"active": False}, "body.retired", "body")


def reactivate_body(actor: User | None, body: Body) -> Body:
    _require_admin(actor)
    _own(actor, body)
    return _save(actor, body, {"active": True}, "body.reactivated", "body")


# --- decision types --------------------------------------------------------------------


def create_decision_type(
    actor: User | None,
    *,
    key,
    name_fi,
    name_sv,
    name_en,
    task_class=None,
    organisation: Organisation | int | None = None,
    **records_values,
) -> DecisionType:
    """A new decision type of the actor's organisation (admins), or of ``organisation``
    when the command line or a policy import run by it (no actor) acts."""
    _require_admin(actor)
    org_id = _organisation_of(actor, organisation)
    errors = Errors()

    def taken(k: str):
        other = decision_type_by_key(org_id, k)
        if other is None:
            return None
        return _l(
            "The key %(key)s is already used by the decision type %(name)s; choose another.",
            key=k,
            name=other.name_fi,
        )

    clean_key = _key(errors, key, taken_by=taken)
    names = _names(
        errors,
        {"name_fi": name_fi, "name_sv": name_sv, "name_en": name_en},
        ("name_fi", "name_sv", "name_en"),
    )
    code = _task_class(errors, task_class)
    # Records metadata (issue 19): publicity_class, retention_period, personal_data.
    for unknown in sorted(set(records_values) - set(RECORDS_FIELDS)):
        errors.add(unknown, _l("%(field)s cannot be changed here.", field=unknown))
    kept = records.check_values(errors, records_values)
    errors.raise_if_any()
    with transaction() as session:
        row = DecisionType(
            organisation_id=org_id,
            key=clean_key,
            task_class=code,
            active=True,
            **names,
            **kept,
        )
        session.add(row)
        session.flush()
        values = {"key": clean_key, **names, "task_class": code, "active": True, **kept}
        record(
            session,
            actor,
            "decision_type.created",
            "decision_type",
            row.id,
            changes=[{"field": k, "old": None, "new": v} for k, v in values.items()],
            organisation_id=org_id,
        )
    return row


def update_decision_type(
    actor: User | None, decision_type: DecisionType, **changes
) -> DecisionType:
    """Rename a type or change its task class: `name_fi`, `name_sv`, `name_en`, `task_class`."""
    _require_admin(actor)
    _own(actor, decision_type)
    errors = Errors()
    allowed = {"name_fi", "name_sv", "name_en", "task_class", *RECORDS_FIELDS}
    for unknown in sorted(set(changes) - allowed):
        errors.add(unknown, _l("%(field)s cannot be changed here.", field=unknown))
    values: dict[str, Any] = _names(
        errors, changes, tuple(k for k in ("name_fi", "name_sv", "name_en") if k in changes)
    )
    if "task_class" in changes:
        values["task_class"] = _task_class(errors, changes["task_class"])
    values.update(records.check_values(errors, changes))
    errors.raise_if_any()
    return _save(actor, decision_type, values, "decision_type.updated", "decision_type")


def retire_decision_type(actor: User | None, decision_type: DecisionType) -> DecisionType:
    """The type can no longer be chosen for new decisions; its decisions keep it."""
    _require_admin(actor)
    _own(actor, decision_type)
    return _save(actor, decision_type, {"active": False}, "decision_type.retired", "decision_type")


def reactivate_decision_type(actor: User | None, decision_type: DecisionType) -> DecisionType:
    _require_admin(actor)
    _own(actor, decision_type)
    return _save(
        actor, decision_type, {"active": True}, "decision_type.reactivated", "decision_type"
    )


# --- one change of several parts (the API's PATCH) ---------------------------------------


def change_body(actor: User | None, body: Body, *, active: bool | None = None, **changes) -> Body:
    """Rename or re-kind a body and retire or reactivate it, all of it or none of it."""
    with transaction():
        update_body(actor, body, **changes)
        if active is not None:
            (reactivate_body if active else retire_body)(actor, body)
    return body


def change_decision_type(
    actor: User | None, decision_type: DecisionType, *, active: bool | None = None, **changes
) -> DecisionType:
    """Rename a type or change its task class and retire or reactivate it, all or none."""
    with transaction():
        update_decision_type(actor, decision_type, **changes)
        if active is not None:
            (reactivate_decision_type if active else retire_decision_type)(actor, decision_type)
    return decision_type
