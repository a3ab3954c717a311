"""Two revisions of an assessment compared (issue 21): ``GET .../compare?from=R&to=S``, the
differences field by field and cell by cell of the impact matrix, labelled in the client's
Accept-Language. Reading them is recorded (``access.revisions_compared``). Documented in
docs/api.md."""

from __future__ import annotations

from flask import g, request
from pydantic import BaseModel

from ..operations import assessments as ops
from ..operations import revision_compare as rc
from . import endpoint, language

ERRORS = (401, 404, 422)


class DifferenceOut(BaseModel):
    path: str
    label: str
    old: str | None
    new: str | None
    change: str
    section: str


class ComparisonOut(BaseModel):
    # The revisions compared (a number, or "current": the answers as they stand now).
    from_revision: int | str
    to_revision: int | str
    items: list[DifferenceOut]


@endpoint(
    "/assessments/<int:assessment_id>/compare",
    response=ComparisonOut,
    errors=ERRORS,
    records_access=True,
    query={
        "from": ("string", "The earlier revision's number, or 'current'"),
        "to": ("string", "The later revision's number, or 'current'"),
    },
)
def compare_revisions(assessment_id: int):
    """The differences between two revisions, labelled in the Accept-Language language."""
    a = ops.get_assessment(g.api_user, assessment_id)
    chosen_from, chosen_to = rc.parse_pair(a, request.args.get("from"), request.args.get("to"))
    differences = rc.compare(g.api_user, a, chosen_from, chosen_to, language())
    rc.record_compared(g.api_user, a, chosen_from, chosen_to, "api")
    return {
        "from_revision": chosen_from,
        "to_revision": chosen_to,
        "items": [d.as_dict() for d in differences],
    }
