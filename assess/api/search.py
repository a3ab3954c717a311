"""GET /api/v1/assessments: the search across the organisation's assessments (issue 21),
with the search's filters as query parameters, in the usual paginated envelope."""

from __future__ import annotations

from flask import g, request
from pydantic import BaseModel

from ..assessment_search import PARAMETERS, SORTS, parse_filters
from ..i18n import lazy_text as _l
from ..operations import search as search_ops
from . import ApiError, endpoint, language
from .endpoints import PAGING, _page_args
from .schemas import Page


class Named(BaseModel):
    id: int
    name: str


class FlagRule(BaseModel):
    rule: str
    label: str


class GroupOut(BaseModel):
    id: str
    label: str


class FoundAssessment(BaseModel):
    id: int
    decision: int
    case_number: str
    title: str
    language: str
    body: Named
    state: str
    state_label: str
    level: str | None
    level_label: str | None
    active: bool
    preparer: Named
    reviewer: Named | None
    started_at: str  # ISO 8601 in the organisation's time zone, offset included
    updated_at: str
    changed_after_publication_at: str | None
    flags: list[FlagRule]
    negative_groups: list[GroupOut]
    acknowledged_high: bool


class AssessmentSearchPage(Page):
    items: list[FoundAssessment]
    # True: more than ``total`` (the count's cap, 1,000) were found; page on while items come.
    total_capped: bool = False
    time_zone: str


QUERY = {
    **PAGING,
    "q": ("string", "Text in the case number or title"),
    "body": ("integer", "A deciding body's id"),
    "state": ("string", "A state of the process (e.g. approved)"),
    "level": ("string", "none, light or full"),
    "from": ("string", "Started on or after this day (YYYY-MM-DD, Finnish time)"),
    "to": ("string", "Started on or before this day (YYYY-MM-DD, Finnish time)"),
    "preparer": ("integer", "The preparer's user id"),
    "reviewer": ("integer", "The reviewer's user id"),
    "flag": ("string", "A flag rule's id: has or had a flag of it"),
    "negative_group": ("string", "A group's id: a negative effect on it"),
    "changed_after_publication": ("boolean", "true or false"),
    "acknowledged_high": ("boolean", "true or false: a high flag acknowledged"),
    "sort": ("string", f"One of {', '.join(SORTS)}; a minus first for descending"),
}
assert set(PARAMETERS) <= set(QUERY)


@endpoint(
    "/assessments",
    response=AssessmentSearchPage,
    roles=search_ops.SEARCH_ROLES,
    errors=(401, 403, 422),
    query=QUERY,
)
def search_assessments():
    """Search the organisation's assessments; filter, sort and page (reviewers, auditors,
    admins)."""
    page, per_page = _page_args()
    user = g.api_user
    parsed = parse_filters(request.args, search_ops.choices(user))
    if parsed.problems:
        raise ApiError(
            422,
            "validation_failed",
            _l("The search has invalid parameters."),
            [{"path": name, "message": message} for name, message in parsed.problems.items()],
        )
    found = search_ops.search(user, parsed.filters, sort=parsed.sort, page=page, per_page=per_page)
    zone = search_ops.time_zone(user)
    words = search_ops.Words(language(), zone)
    return {
        "items": [search_ops.record_of(row, words) for row in found.items],
        "page": found.page,
        "per_page": found.per_page,
        "total": found.total,
        "total_capped": found.capped,
        "time_zone": zone.key,
    }
