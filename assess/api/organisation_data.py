"""The API's bodies and decision types (issue 17): any token reads, admin tokens change."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import g
from pydantic import BaseModel, Field

from ..i18n import lazy_text as _l
from ..models import Body, DecisionType
from ..operations import organisation_data as ops
from . import ApiError, endpoint, language
from .endpoints import body_json
from .records import PublicityClass, RetentionPeriod
from .schemas import BodyOut, Request

Kind = Literal["council", "executive_board", "committee", "board", "division", "office_holder"]
Key = Annotated[
    str,
    Field(
        min_length=1,
        max_length=60,
        description="Lower-case letters, digits, '-' and '_', beginning with a letter; "
        "fixed once created (policy files name it).",
    ),
]
Name = Annotated[str, Field(max_length=200)]
TaskClass = Annotated[
    str | None, Field(max_length=40, description="Records management code, e.g. 05.01.00")
]


class BodyIn(Request):
    key: Key
    kind: Kind
    name_fi: Name
    name_sv: Name


class BodyPatch(Request):
    """The fields to change; those left out stay as they are. `active: false` retires."""

    kind: Kind | None = None
    name_fi: Name | None = None
    name_sv: Name | None = None
    active: bool | None = None


class DecisionTypeOut(BaseModel):
    key: str
    name: str  # in the client's language
    name_fi: str
    name_sv: str
    name_en: str
    task_class: str | None
    # Records metadata (issue 19); null: the organisation's default applies.
    publicity_class: PublicityClass | None = None
    retention_period: str | None = None
    personal_data: bool | None = None
    active: bool


class DecisionTypeIn(Request):
    key: Key
    name_fi: Name
    name_sv: Name
    name_en: Name
    task_class: TaskClass = None
    publicity_class: PublicityClass | None = None
    retention_period: RetentionPeriod | None = None
    personal_data: bool | None = None


class DecisionTypePatch(Request):
    """The fields to change; those left out stay as they are. `active: false` retires."""

    name_fi: Name | None = None
    name_sv: Name | None = None
    name_en: Name | None = None
    task_class: TaskClass = None
    publicity_class: PublicityClass | None = None
    retention_period: RetentionPeriod | None = None
    personal_data: bool | None = None
    active: bool | None = None


def _type_json(t: DecisionType) -> dict:
    return {
        "key": t.key,
        "name": t.name(language()),
        "name_fi": t.name_fi,
        "name_sv": t.name_sv,
        "name_en": t.name_en,
        "task_class": t.task_class,
        "publicity_class": t.publicity_class,
        "retention_period": t.retention_period,
        "personal_data": t.personal_data,
        "active": t.active,
    }


def _body(key: str) -> Body:
    found = ops.body_by_key(g.api_user.organisation_id, key)
    if found is None:
        raise ApiError(404, "not_found", _l("There is no body with the key %(key)r.", key=key))
    return found


def _decision_type(key: str) -> DecisionType:
    found = ops.decision_type_by_key(g.api_user.organisation_id, key)
    if found is None:
        raise ApiError(
            404, "not_found", _l("There is no decision type with the key %(key)r.", key=key)
        )
    return found


@endpoint(
    "/bodies",
    "POST",
    request=BodyIn,
    response=BodyOut,
    status=201,
    roles=("admin",),
    errors=(400, 401, 403, 422),
)
def create_body(payload: BodyIn):
    """Create a deciding body (admin)."""
    return body_json(ops.create_body(g.api_user, **payload.model_dump()))


@endpoint(
    "/bodies/<key>",
    "PATCH",
    request=BodyPatch,
    response=BodyOut,
    roles=("admin",),
    errors=(400, 401, 403, 404, 422),
)
def patch_body(key: str, payload: BodyPatch):
    """Rename a body, change its kind, retire (active false) or reactivate it (admin)."""
    given = payload.model_dump(exclude_unset=True)
    return body_json(ops.change_body(g.api_user, _body(key), **given))


@endpoint("/decision-types", response=list[DecisionTypeOut], errors=(401,))
def decision_types():
    """The organisation's decision types, active first; retired ones say active false."""
    return [_type_json(t) for t in ops.decision_types_of(g.api_user.organisation_id)]


@endpoint(
    "/decision-types",
    "POST",
    request=DecisionTypeIn,
    response=DecisionTypeOut,
    status=201,
    roles=("admin",),
    errors=(400, 401, 403, 422),
)
def create_decision_type(payload: DecisionTypeIn):
    """Create a decision type (admin)."""
    return _type_json(ops.create_decision_type(g.api_user, **payload.model_dump()))


@endpoint(
    "/decision-types/<key>",
    "PATCH",
    request=DecisionTypePatch,
    response=DecisionTypeOut,
    roles=("admin",),
    errors=(400, 401, 403, 404, 422),
)
def patch_decision_type(key: str, payload: DecisionTypePatch):
    """Rename a decision type, change its task class, retire or reactivate it (admin)."""
    given = payload.model_dump(exclude_unset=True)
    return _type_json(ops.change_decision_type(g.api_user, _decision_type(key), **given))
