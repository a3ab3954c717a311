"""GET /api/v1/reports/yearly: the yearly report's figures of the caller's organisation
(issue 22), exactly as the report's page, CSVs and documents count them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import g, request
from pydantic import BaseModel, ConfigDict

from ..i18n import lazy_text as _l
from ..operations import yearly_figures
from . import ApiError, endpoint


class _Open(BaseModel):
    # The figures carry more than the contract's minimum (names, by month ...): all of it
    # is sent, and the contract's parts are checked.
    model_config = ConfigDict(extra="allow")


class Assessed(BaseModel):
    full: int
    light: int


class Counted(_Open):
    decisions: int
    assessed: Assessed
    screened_out: int
    missing_required: int
    coverage: float | None


class DaysToApproval(BaseModel):
    median: float | None
    p90: float | None


class FlagFigures(BaseModel):
    appeared: int
    resolved: int
    acknowledged: int
    open_at_approval: int


class Directions(BaseModel):
    negative: int
    positive: int


class HearingFigures(BaseModel):
    requested: int
    answered: int
    not_heard: int
    not_heard_reasons: dict[str, int]


class FollowUps(BaseModel):
    due: int
    done: int
    overdue: int


class ExPost(BaseModel):
    as_expected: int
    better: int
    worse: int
    unknown: int


class YearlyFigures(Counted):
    organisation: dict
    year: int
    time_zone: str
    generated_at: str
    imported: int
    screened_out_reasons: dict[str, int]
    days_to_approval: DaysToApproval
    late_submissions: int | None
    flags: dict[str, FlagFigures]
    flags_by_month: dict[str, list[int]]
    groups: dict[str, Directions]
    dimensions: dict[str, Directions]
    hearings: dict[str, HearingFigures]
    objectives: dict[str, dict[str, int]]
    follow_ups: FollowUps
    ex_post: ExPost
    by_body: dict[str, Counted]
    by_decision_type: dict[str, Counted]
    by_division: dict[str, Counted]
    names: dict[str, dict[str, dict[str, str]]]


@endpoint(
    "/reports/yearly",
    response=YearlyFigures,
    roles=yearly_figures.READERS,
    errors=(401, 403, 422),
    query={
        "year": (
            "integer",
            "The year (YYYY) in the organisation's time zone; this year if left out",
        )
    },
)
def yearly_report_figures():
    """The yearly report's figures of the organisation (reviewers, coordinators, auditors,
    admins)."""
    user = g.api_user
    zone = ZoneInfo(user.organisation.time_zone or "Europe/Helsinki")
    this_year = datetime.now(zone).year
    given = request.args.get("year")
    if given is None:
        return yearly_figures.figures_for(user, this_year)
    if problem := yearly_figures.year_problem(given, this_year=this_year):
        raise ApiError(
            422,
            "validation_failed",
            _l("The report's parameters are invalid."),
            [{"path": "year", "message": problem}],
        )
    return yearly_figures.figures_for(user, int(given))
