"""GET /reports/regional (issue 22): the yearly core figures of every organisation that
shares them with the region, for the wellbeing coordinators; no case content."""

from __future__ import annotations

from flask import g, request
from pydantic import BaseModel

from ..i18n import lazy_text as _l
from ..operations import ValidationFailed
from ..operations import regional as ops
from . import ApiError, endpoint


class Names(BaseModel):
    fi: str
    sv: str


class Assessed(BaseModel):
    full: int
    light: int


class Days(BaseModel):
    median: float | None
    p90: float | None


class CoreFigures(BaseModel):
    decisions: int
    assessed: Assessed
    screened_out: int
    missing_required: int
    coverage: float | None
    days_to_approval: Days
    flags_appeared: int
    groups_negative: dict[str, int]


class RegionalOrganisation(BaseModel):
    id: int
    name: Names
    shares: bool
    # None when the organisation does not share its figures.
    figures: CoreFigures | None


class RegionalNames(BaseModel):
    groups: dict[str, dict[str, str]]


class RegionalFigures(BaseModel):
    year: int
    organisations: list[RegionalOrganisation]
    names: RegionalNames


@endpoint(
    "/reports/regional",
    response=RegionalFigures,
    roles=ops.ROLES,
    errors=(401, 403, 422),
    query={"year": ("integer", "The report year (Europe/Helsinki); default: this year")},
)
def regional_figures():
    """The year's core figures of every organisation that shares them with the region
    (wellbeing coordinators)."""
    given = request.args.get("year")
    try:
        year = ops.parse_year(given) if given is not None else ops.this_year()
    except ValidationFailed as exc:
        raise ApiError(
            422,
            "validation_failed",
            _l("The request has invalid parameters."),
            [{"path": "year", "message": m} for m in exc.errors["year"]],
        ) from None
    return ops.regional_figures(g.api_user, year)
