"""The API's wellbeing plan (issue 18, [plan]): any token reads the organisation's plan, an
admin token replaces it (objectives left out are retired, never deleted)."""

from __future__ import annotations

from typing import Any

from flask import g
from pydantic import BaseModel, Field

from ..operations import plan as ops
from . import endpoint
from .schemas import Request


class Texts(BaseModel):
    fi: str
    sv: str
    en: str


class PlanIndicatorOut(BaseModel):
    id: str = Field(description="The indicator's id in its source, e.g. a Sotkanet number.")
    name: Texts


class PlanObjectiveOut(BaseModel):
    key: str = Field(description="What assessments' plan_links[].objective name; fixed.")
    text: Texts
    start_year: int
    end_year: int
    active: bool
    indicators: list[PlanIndicatorOut]


class PlanOut(BaseModel):
    objectives: list[PlanObjectiveOut]


class PlanIn(Request):
    """The whole plan, in its order; each objective as GET answers it (``active`` optional,
    default true). An objective left out is retired."""

    objectives: list[dict[str, Any]] = Field(max_length=ops.OBJECTIVES_MAX)


@endpoint("/plan", response=PlanOut, errors=(401,))
def plan():
    """The organisation's wellbeing plan: objectives with their periods and indicators."""
    return ops.plan_data(g.api_user.organisation_id)


@endpoint(
    "/plan",
    "PUT",
    request=PlanIn,
    response=PlanOut,
    roles=("admin",),
    errors=(400, 401, 403, 422),
)
def replace_plan(payload: PlanIn):
    """Replace the wellbeing plan (admin); all of it or nothing, each change audited."""
    ops.replace_plan(g.api_user, payload.model_dump())
    return ops.plan_data(g.api_user.organisation_id)
